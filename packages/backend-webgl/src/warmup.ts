import { loadModel, type CompileArgs, type LayersModel, type OptimizerName, type TensorOrTensors } from '@polytensor/core';

/** What `warmup` did. */
export interface WarmupReport {
  /** Wall time of the warm-up step (compiling every shader it needs, plus one execution). */
  readonly ms: number;
}

/**
 * Compile every shader a training step of `model` on batches shaped like
 * (x, y) needs, so the first real step does not pay for compilation.
 *
 * WebGL compiles a shader program the first time a kernel runs with a given
 * program (tfjs's kernels bake shapes into theirs): the first training step of
 * a model is dominated by compilation. `warmup` runs one step on a throwaway
 * copy of the model (same architecture, same weights, a fresh optimizer of the
 * same kind, the same loss) with the real batch, twice (the second time with
 * the batch already on the GPU, as in the real steps), then frees the copy.
 * The model itself, its weights and its optimizer state are not touched; the
 * compiled programs stay in the backend's cache for the real steps.
 *
 * `compile` defaults to the model's own optimizer class and learning rate and
 * loss; pass it to warm up with exactly the hyperparameters you train with
 * (e.g. momentum's `nesterov`, which changes the update's kernels).
 * Run it with the backend that will train active (`setBackend('webgl')`).
 */
export async function warmup(model: LayersModel, x: TensorOrTensors, y: TensorOrTensors, compile?: CompileArgs): Promise<WarmupReport> {
  const args = compile ?? compileArgsOf(model);
  const t0 = performance.now();
  // uncompiled: the copy is compiled with `args` below (and a model compiled with your own loss function cannot recompile from its artifacts)
  const copy = await loadModel<LayersModel>(model.toArtifacts(), { compile: false });
  try {
    copy.compile(args);
    // two steps: the second sees x and y already on the GPU (as the real steps
    // will), so the programs that read them back for core's checks compile too
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
    throw new Error('warmup: compile the model first (or pass the compile arguments: warmup(model, x, y, { optimizer, loss, learningRate }))');
  }
  // the optimizer by name as getOptimizer resolves it at run time; the losses as resolved (your own functions included)
  return { optimizer: opt.className as OptimizerName, loss: losses.length === 1 ? losses[0]! : losses, learningRate: opt.learningRate };
}
