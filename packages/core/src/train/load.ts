import { PolytensorError } from '../errors.js';
import type { LayersModel } from './layers_model.js';
import { resolveLimits } from './io/limits.js';
import { prepareModel } from './io/prepare.js';
import { loadArtifacts } from './io/router.js';
import type { TfjsIOHandler, IOHandler, LoadOptions, ModelArtifacts, TfjsArtifactsLike } from './io/types.js';
import type { Sequential } from './sequential.js';

/**
 * Rebuild a model (Sequential or functional) from a saved location, an
 * IOHandler or artifacts: polytensor's format, or TensorFlow.js's layers
 * format (model.json with a weightsManifest, as `tf.LayersModel.save` and the
 * Keras converter write it; quantized weights are dequantized; a tfjs
 * IOHandler such as `tf.io.fromMemory(artifacts)` works as it is). Everything in the file is checked (structure,
 * limits, the graph, the weights against the topology) before any weight is
 * allocated. A model saved compiled comes back compiled with the same
 * optimizer settings, losses and metrics (a fresh optimizer state);
 * `{ compile: false }` loads it uncompiled. A model holding your own layer
 * classes needs registerLayer(TheClass) first.
 *
 * Typed as Sequential (what most files hold); name the type for a functional
 * model: `await loadModel<Model>(source)` (`instanceof` tells them apart).
 */
export async function loadModel<M extends LayersModel = Sequential>(
  source: string | IOHandler | TfjsIOHandler | ModelArtifacts | TfjsArtifactsLike,
  options: LoadOptions = {},
): Promise<M> {
  if (options === null || typeof options !== 'object')
    throw new PolytensorError(`loadModel: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const limits = resolveLimits(options);
  const { artifacts, where } = await loadArtifacts(source as string | IOHandler | ModelArtifacts, {
    limits,
    requestInit: options.requestInit,
    fetch: options.fetch,
  });
  const p = prepareModel(artifacts, where, limits, options.compile !== false);
  const model = p.model;
  try {
    model.build(p.inputShape ?? undefined);
    model.setWeightValues(p.values);
    if (p.training) {
      const t = p.training;
      model.compile({ optimizer: t.optimizer, loss: t.loss, metrics: t.metrics, ...(t.lossWeights ? { lossWeights: t.lossWeights } : {}) });
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model as M;
}

/**
 * TensorFlow.js's name for loadModel, for code ported from tfjs: reads both
 * formats. Compile settings come back only from polytensor's format.
 * @example
 * const model = await loadLayersModel('https://example.com/model/model.json');
 */
export const loadLayersModel = loadModel;
