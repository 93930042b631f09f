// polytensor's topology as Keras JSON that TensorFlow.js's loadLayersModel
// rebuilds: the generic case conversion plus the few options tfjs names
// differently or lacks (saving fails, naming the layer, rather than writing a
// model tfjs would compute differently).
import { PolytensorError } from '../../../errors.js';
import type { LayerSpec, ModelTopology } from '../types.js';
import { camelToPythonic } from './case.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(who: string, problem: string): never {
  throw new PolytensorError(`save: ${who} cannot be saved in TensorFlow.js format: ${problem}; save it in polytensor's format instead`);
}

/** Activation names tfjs-layers knows (camelCase; written snake_case). */
const TFJS_ACTIVATIONS = new Set([
  'elu',
  'selu',
  'relu',
  'relu6',
  'linear',
  'sigmoid',
  'hardSigmoid',
  'softplus',
  'softsign',
  'tanh',
  'softmax',
  'logSoftmax',
  'gelu',
  'swish',
  'mish',
]);

/**
 * An initializer as tfjs names it (LeCun…); tfjs's VarianceScaling knows only
 * 'normal' (which it truncates) and 'uniform', so both normals are written as 'normal'.
 */
function initializerOut(init: Obj): Obj {
  const className = init['className'] === 'LecunNormal' ? 'LeCunNormal' : init['className'] === 'LecunUniform' ? 'LeCunUniform' : init['className'];
  const config = isObject(init['config']) ? { ...init['config'] } : init['config'];
  if (className === 'VarianceScaling' && isObject(config) && config['distribution'] === 'truncatedNormal') config['distribution'] = 'normal';
  return { ...init, className, config };
}

/** One layer's { className, config } in tfjs's camelCase terms (the case conversion comes last). */
function layerOut(spec: LayerSpec, batchInputShape: readonly (number | null)[] | null): { className: string; config: Obj } {
  const { className } = spec;
  const config: Obj = { ...spec.config };
  const who = `layer '${String(config['name'])}' (${className})`;
  if (className === 'Sequential' || className === 'Functional') fail(who, 'a model nested in a model is not written in TensorFlow.js format yet');
  const rename = (from: string, to: string): void => {
    if (from in config) {
      config[to] = config[from];
      delete config[from];
    }
  };
  // tfjs takes a layer's input shape with the batch dimension, as Keras writes it.
  const own = config['inputShape'];
  delete config['inputShape'];
  const shape = batchInputShape ?? (Array.isArray(own) ? [null, ...own] : null);
  if (shape && className !== 'InputLayer') config['batchInputShape'] = shape;
  for (const [k, v] of Object.entries(config)) if (k.endsWith('Initializer') && isObject(v)) config[k] = initializerOut(v);
  if (config['activation'] !== undefined && !TFJS_ACTIVATIONS.has(String(config['activation']))) {
    fail(who, `TensorFlow.js has no '${String(config['activation'])}' activation (use a LeakyReLU layer for leakyRelu)`);
  }
  switch (className) {
    case 'DepthwiseConv2D':
      rename('kernelInitializer', 'depthwiseInitializer');
      rename('kernelRegularizer', 'depthwiseRegularizer');
      rename('kernelConstraint', 'depthwiseConstraint');
      break;
    case 'SeparableConv2D':
      rename('kernelInitializer', 'pointwiseInitializer');
      rename('kernelRegularizer', 'pointwiseRegularizer');
      rename('kernelConstraint', 'pointwiseConstraint');
      break;
    case 'ReLU':
      for (const k of ['negativeSlope', 'threshold']) {
        if (config[k] !== undefined && config[k] !== 0) fail(who, `TensorFlow.js's ReLU has no ${k} (it is ${String(config[k])})`);
        delete config[k];
      }
      if (config['maxValue'] === null) delete config['maxValue'];
      break;
    case 'GRU':
      // tfjs-layers refuses reset_after: true (Keras 2's default and polytensor's) when it loads.
      if (config['resetAfter'] !== false) fail(who, "TensorFlow.js's GRU has only reset_after: false; build it with resetAfter: false");
      break;
    case 'Bidirectional':
    case 'TimeDistributed': {
      const inner = config['layer'];
      if (!isObject(inner)) fail(who, 'its wrapped layer is missing');
      config['layer'] = layerOut(inner as unknown as LayerSpec, null);
      break;
    }
  }
  return { className, config };
}

/**
 * Keras JSON for a polytensor topology, with `keras_version` and `backend`
 * as tfjs writes them. Sequential models carry the input shape on their first
 * layer; functional models are written as tfjs's 'Model'.
 */
export function topologyToKeras(topo: ModelTopology): Obj {
  let tsForm: Obj;
  if (topo.className === 'Sequential') {
    const { name, inputShape, layers } = topo.config;
    tsForm = {
      className: 'Sequential',
      config: { name, layers: layers.map((l, i) => layerOut(l, i === 0 && inputShape ? [null, ...inputShape] : null)) },
    };
  } else {
    const { name, layers, inputLayers, outputLayers } = topo.config;
    tsForm = {
      className: 'Model',
      config: {
        name,
        layers: layers.map((l) => {
          const { className, config } = layerOut(l, null);
          return { name: l.name, className, config, inboundNodes: l.inboundNodes.map((node) => node.map((r) => [r[0], r[1], r[2], {}])) };
        }),
        inputLayers,
        outputLayers,
      },
    };
  }
  return { ...(camelToPythonic(tsForm) as Obj), keras_version: 'polytensor', backend: 'tensor_flow.js' };
}
