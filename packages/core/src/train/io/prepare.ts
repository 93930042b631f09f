// Everything loadModel checks before it allocates a single weight: the layers
// are constructed (cheap: layers create weights only in build()), the weights
// they would build are listed from the input shape, and that list must match
// the file's weightSpecs exactly (names, shapes, dtypes) and fit the limits.
import { PolytensorError } from '../../errors.js';
import { formatShape, singleShape, type Shape } from '../../nn/layers/index.js';
import type { LayersModel } from '../layers_model.js';
import { Sequential } from '../sequential.js';
import { functionalFromConfig, layerFromSpec } from '../topology.js';
import { fmt, limitError } from './limits.js';
import { sizeOfShape } from './model_json.js';
import { trainingFromConfig, type RestoredTraining } from './training_config.js';
import type { LoadLimits, ModelArtifacts } from './types.js';

/** A model ready to build (no weight allocated yet), its input shape, weight values in build order, compile settings. */
export interface PreparedModel {
  model: LayersModel;
  inputShape: Shape | null;
  values: Float32Array[];
  training: RestoredTraining | null;
}

/** Run `fn`, turning any error into one that names the file and the layer. */
function atLayer<T>(where: string, i: number, className: string, name: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const who = `layer ${i} (${name === undefined ? '' : `'${name}', `}${className})`;
    throw new PolytensorError(`loadModel: ${where}: ${who} is invalid: ${(e as Error).message}; fix the file or re-save the model`);
  }
}

const fmtSpec = (name: string, shape: readonly number[]): string => `'${name}' ${formatShape(shape)}`;

/** Check artifacts (already structurally checked) against the topology they describe; allocates no tensor. */
export function prepareModel(art: ModelArtifacts, where: string, limits: LoadLimits, compile: boolean): PreparedModel {
  const training = compile && art.trainingConfig ? trainingFromConfig(art.trainingConfig, where) : null;
  let model: LayersModel;
  let inputShape: Shape | null = null;
  const planned: Array<{ name: string; shape: readonly number[] }> = [];
  let params = 0;
  const plan = (name: string, shape: readonly number[]): void => {
    planned.push({ name, shape });
    params += sizeOfShape(shape);
  };
  const topo = art.modelTopology;
  if (topo.className === 'Sequential') {
    const cfg = topo.config;
    const layers = cfg.layers.map((spec, i) => {
      const name = typeof spec.config['name'] === 'string' ? spec.config['name'] : undefined;
      return atLayer(where, i, spec.className, name, () => layerFromSpec(spec));
    });
    inputShape = cfg.inputShape ? [null, ...cfg.inputShape] : layers[0]!.batchInputShape;
    if (!inputShape) throw new PolytensorError(`loadModel: ${where}: modelTopology.config.inputShape is missing; re-save the model`);
    let shape: Shape = inputShape;
    layers.forEach((layer, i) => {
      atLayer(where, i, layer.className, layer.name, () => {
        for (const w of layer.weightShapes(shape)) plan(`${layer.name}/${w.name}`, w.shape);
        shape = singleShape(layer.computeOutputShape(shape), layer.name);
      });
    });
    model = atLayer(where, 0, 'Sequential', cfg.name, () => new Sequential({ name: cfg.name, layers }));
  } else {
    try {
      model = functionalFromConfig(topo.config);
      for (const w of model.weightShapes()) plan(w.name, w.shape);
    } catch (e) {
      throw new PolytensorError(`loadModel: ${where}: the functional graph is invalid: ${(e as Error).message}; fix the file or re-save the model`);
    }
  }
  if (params > limits.maxParams) throw limitError(where, `the topology builds ${fmt(params)} parameters`, params, 'maxParams', limits);

  if (planned.length !== art.weightSpecs.length) {
    throw new PolytensorError(
      `loadModel: ${where}: the topology builds ${planned.length} weights (${planned.map((p) => fmtSpec(p.name, p.shape)).join(', ')}) ` +
        `but weightSpecs lists ${art.weightSpecs.length}; the file is damaged: re-save the model`,
    );
  }
  // Weights are matched by name (files from other writers order them differently), then checked by shape.
  const data = new Float32Array(art.weightData);
  const byName = new Map<string, { index: number; offset: number }>();
  let offset = 0;
  art.weightSpecs.forEach((spec, index) => {
    byName.set(spec.name, { index, offset });
    offset += sizeOfShape(spec.shape);
  });
  const values = planned.map((p, i) => {
    const found = byName.get(p.name);
    const spec = found && art.weightSpecs[found.index]!;
    const sameShape = spec !== undefined && spec.shape.length === p.shape.length && spec.shape.every((d, k) => d === p.shape[k]);
    if (!found || !spec || !sameShape || spec.dtype !== 'float32') {
      // Not found by name: show the weight in the same place, the likeliest mix-up.
      const at = found?.index ?? i;
      const shown = art.weightSpecs[at]!;
      throw new PolytensorError(
        `loadModel: ${where}: weightSpecs[${at}] is ${fmtSpec(shown.name, shown.shape)} ${shown.dtype} but the topology builds ${fmtSpec(p.name, p.shape)} float32 there; ` +
          'the weights do not belong to this topology: re-save the model',
      );
    }
    return data.subarray(found.offset, found.offset + sizeOfShape(p.shape));
  });
  return { model, inputShape, values, training };
}
