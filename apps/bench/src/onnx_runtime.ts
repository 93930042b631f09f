/**
 * ONNX Runtime (onnxruntime-node, CPU execution provider) on the inference
 * workloads: the seed model built in polytensor from the workload's initial
 * weights, exported with @polytensor/onnx, run on the same inputs and judged
 * by the same gate. Node only (a native addon): the browser page never imports it.
 */
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '@polytensor/onnx';
import { INFER_TOLERANCE, relativeToMaxGate } from './gate.js';
import { ptModel } from './models.js';
import { inferenceData, type Ctx, type Handle, type Workload } from './workloads.js';

export async function onnxRuntimeHandle(w: Workload, ctx: Ctx): Promise<Handle> {
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
  const session = await ort.InferenceSession.create(bytes);
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', setup.x, setup.xShape) };
  const predict = async (): Promise<Float32Array> => (await session.run(feeds))[session.outputNames[0]!]!.data as Float32Array;
  return {
    gate: async () => relativeToMaxGate(await predict(), reference, INFER_TOLERANCE.rel, `${name} outputs`),
    run: async () => void (await predict()),
    dispose: () => void session.release(),
  };
}
