// Helpers of the TensorFlow.js interop tests: the models in both libraries,
// tfjs's directory layouts, converter-style quantization, and the bound.
export { BACKENDS, type BackendName, counts, usePolytensorBackend, useTfjsCpu } from './backends.js';
export { CASES, type InteropCase } from './cases.js';
export { type HostInput, idInput, normalInput, toPolytensor, toTfjs, uniformInput } from './inputs.js';
export { type FixtureWeight, type KerasFixture, type KerasFixtureSpec, kerasFixture, writeFixture } from './keras_fixture.js';
export { captureTfjsSave, predictPolytensor, predictTfjs } from './predict.js';
export { type Quantized, type QuantizedDType, dequantize, float16Bits, float16Value, quantize } from './quantize.js';
export { SHARD_BYTES, listFiles, shard, shardNames, tfjsFileHandler, weightBytes, writeConverterLayout, writeFileHandlerLayout } from './tfjs_dir.js';
export { type GruTextWeights, gruTextForward } from './reference_gru.js';
export { type Comparison, PREDICTION_TOLERANCE, comparePredictions } from './tolerance.js';
