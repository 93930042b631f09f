/**
 * @polytensor/onnx: export polytensor models to ONNX (inference graphs, for
 * ONNX Runtime on servers, in browsers and on phones).
 */
export { exportOnnx, BATCH_DIM, type ExportOnnxOptions } from './export.js';
export { DEFAULT_OPSET, MIN_OPSET, MAX_OPSET } from './opset.js';
