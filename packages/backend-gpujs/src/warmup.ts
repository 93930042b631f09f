// warmup(model, x, y): compile a training step's gpu.js kernels before the first real step.
import { loadModel, PolytensorError, type CompileArgs, type LayersModel, type OptimizerName, type TensorOrTensors } from '@polytensor/core';

/** What `warmup` did. */
export interface WarmupReport {
  /** Wall time of the warm-up (two throwaway training steps, kernel compilation included). */
  readonly ms: number;
}

/**
 * Compile every gpu.js kernel a training step of `model` on batches shaped
 * like (x, y) needs, so that the first real step runs at steady-state speed.
 *
 * gpu.js translates a kernel to GLSL and compiles it the first time a kernel
 * of that signature runs (this backend's cache key: the kernel, its parameter
 * kinds, how each input is read, a power-of-two loop bound). `warmup` trains a
 * throwaway copy of the model (same layers and weights, a fresh optimizer of
 * the same class and learning rate, the same loss) for two steps on (x, y) —
 * the second with the batch and weights already on the GPU, as in the real
 * steps — then frees it. `model`, its weights and its optimizer state are
 * untouched; the kernels stay compiled in the backend.
 *
 * Pass `compile` to warm up with exactly the settings you train with (a loss
 * function of your own, optimizer options that change the update's kernels).
 * Call it with this backend active (`await setBackend('gpujs')`).
 */
export async function warmup(model: LayersModel, x: TensorOrTensors, y: TensorOrTensors, compile?: CompileArgs): Promise<WarmupReport> {
  const args = compile ?? compileArgsOf(model);
  const start = performance.now();
  // loaded uncompiled, then compiled with `args` (a loss function of your own does not survive the artifacts)
  const copy = await loadModel<LayersModel>(model.toArtifacts(), { compile: false });
  try {
    copy.compile(args);
    copy.trainOnBatch(x, y);
    copy.trainOnBatch(x, y);
  } finally {
    copy.dispose();
  }
  return { ms: performance.now() - start };
}

function compileArgsOf(model: LayersModel): CompileArgs {
  const optimizer = model.optimizer;
  const losses = model.compiledLosses;
  if (!optimizer || losses.length === 0) {
    throw new PolytensorError(
      'gpujs warmup: the model is not compiled; compile it first, or pass the compile arguments: warmup(model, x, y, { optimizer, loss, learningRate })',
    );
  }
  return { optimizer: optimizer.className as OptimizerName, loss: losses.length === 1 ? losses[0]! : losses, learningRate: optimizer.learningRate };
}
