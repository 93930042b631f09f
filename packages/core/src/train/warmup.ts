import { PolytensorError } from '../errors.js';
import type { TensorOrTensors } from './model_io.js';
import type { CompileArgs, LayersModel } from './layers_model.js';
import { loadModel } from './load.js';
import type { OptimizerName } from './optimizers/registry.js';

export interface WarmupReport {
  /** Wall time of the warm-up (two throwaway training steps, program compilation included). */
  readonly ms: number;
}

/**
 * Compile every GPU program a training step of `model` on batches shaped like
 * (x, y) needs, so the first real step does not pay for compilation (GPU
 * backends compile a program the first time a kernel runs with a given
 * signature). Runs two steps on a throwaway copy of the model (same
 * architecture and weights, a fresh optimizer of the same kind, the same loss)
 * — the second with the batch already on the device, as in the real steps —
 * then frees it. The model, its weights and its optimizer state are not
 * touched; the compiled programs stay in the active backend's cache.
 *
 * `compile` defaults to the model's own optimizer class, learning rate and
 * loss; pass it to warm up with exactly the hyperparameters you train with
 * (e.g. momentum's `nesterov`, which changes the update's kernels). Run it
 * with the backend that will train active. backend-webgl and backend-gpujs
 * re-export it.
 */
export async function warmup(model: LayersModel, x: TensorOrTensors, y: TensorOrTensors, compile?: CompileArgs): Promise<WarmupReport> {
  const args = compile ?? compileArgsOf(model);
  const t0 = performance.now();
  // uncompiled: the copy is compiled with `args` below (a model compiled with your own loss function cannot recompile from its artifacts)
  const copy = await loadModel<LayersModel>(model.toArtifacts(), { compile: false });
  try {
    copy.compile(args);
    copy.trainOnBatch(x, y);
    copy.trainOnBatch(x, y);
  } finally {
    copy.dispose();
  }
  return { ms: performance.now() - t0 };
}

/** The model's optimizer (by class) and losses, as compile arguments. */
function compileArgsOf(model: LayersModel): CompileArgs {
  const opt = model.optimizer;
  const losses = model.compiledLosses;
  if (!opt || losses.length === 0) {
    throw new PolytensorError(
      'warmup: the model is not compiled; compile it first, or pass the compile arguments: warmup(model, x, y, { optimizer, loss, learningRate })',
    );
  }
  // the optimizer by name as getOptimizer resolves it at run time; the losses as resolved (your own functions included)
  return { optimizer: opt.className as OptimizerName, loss: losses.length === 1 ? losses[0]! : losses, learningRate: opt.learningRate };
}
