/**
 * ONNX Runtime on the inference workloads: the seed model built in polytensor
 * from the workload's initial weights, exported with @polytensor/onnx, run on
 * the same inputs and judged by the same gate. Two builds: onnxruntime-node's
 * native CPU execution provider (backend 'cpu', the native anchor) and
 * onnxruntime-web's WebAssembly execution provider (backend 'wasm', run in
 * Node: the same kind of code as polytensor's wasm backend). The browser page
 * never imports this file.
 */
import { exportOnnx } from '@polytensor/onnx';
import { INFER_TOLERANCE, relativeToMaxGate } from './gate.js';
import { ptModel } from './models.js';
import { inferenceData, type Ctx, type Handle, type Workload } from './workloads.js';

/** The ONNX Runtime builds the bench runs: execution provider name → package. */
export type OnnxRuntimeBackend = 'cpu' | 'wasm';

/** Both packages export onnxruntime-common's API. */
type Ort = typeof import('onnxruntime-node');

/** onnxruntime-node for 'cpu', onnxruntime-web for 'wasm'. */
export async function loadOrt(backend: OnnxRuntimeBackend): Promise<Ort> {
  return backend === 'cpu' ? await import('onnxruntime-node') : ((await import('onnxruntime-web')) as unknown as Ort);
}

export async function onnxRuntimeHandle(w: Workload, ctx: Ctx, backend: OnnxRuntimeBackend): Promise<Handle> {
  const ort = await loadOrt(backend);
  const name = w.onnx;
  if (!name) throw new Error(`workload ${w.id} has no ONNX version`);
  const { setup, reference } = inferenceData(name, ctx.quick);
  // Built on the active polytensor backend only to export its weights; freed before timing.
  const model = ptModel(name, setup.w0, false);
  let bytes: Uint8Array;
  try {
    bytes = exportOnnx(model);
  } finally {
    model.dispose();
  }
  const session = await ort.InferenceSession.create(bytes, { executionProviders: [backend] });
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', setup.x, setup.xShape) };
  const predict = async (): Promise<Float32Array> => (await session.run(feeds))[session.outputNames[0]!]!.data as Float32Array;
  return {
    gate: async () => relativeToMaxGate(await predict(), reference, INFER_TOLERANCE.rel, `${name} outputs`),
    run: async () => void (await predict()),
    dispose: () => void session.release(),
  };
}
