// Keras JSON (as TensorFlow.js and the Keras converter write it) to
// polytensor's topology. The generic case conversion does most of the work:
// both libraries follow Keras' layer configs. What remains is listed here:
// options polytensor names differently, defaults that differ between the
// writers, and options polytensor lacks, which fail naming the layer and the
// class unless the file leaves them off (null, false, 0). Nothing here
// allocates a tensor.
import { PolytensorError } from '../../../errors.js';
import { deserializeLayer } from '../../../nn/layers/registry.js';
import type { LayerSpec, ModelTopology } from '../types.js';
import { pythonicToCamel } from './case.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};
/** A value that switches an option off: such a key may be left for polytensor to ignore. */
const isOff = (v: unknown): boolean => v === null || v === undefined || v === false || v === 0 || (Array.isArray(v) && v.length === 0);

const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);
/**
 * Keys any layer may carry that need no counterpart in polytensor's getConfig():
 * read by the layer base or checked above (name, trainable, shapes, dataFormat),
 * or not changing what a layer computes once its weights are loaded.
 */
const IGNORED = new Set([
  'name',
  'trainable',
  'inputShape',
  'batchInputShape',
  'dataFormat',
  'dtype',
  'batchSize',
  'implementation',
  'unroll',
  'seed',
  'inputLength',
  'unitForgetBias',
]);
/** Initializers: they only matter for training from scratch, where polytensor reads the ones it has. */
const isInitializerKey = (k: string): boolean => k.endsWith('Initializer');

/**
 * An initializer as polytensor names it: tfjs spells LeCun with a capital C,
 * and its VarianceScaling 'normal' draws a truncated normal (Keras 2 writes
 * 'truncated_normal', and 'untruncated_normal' for the plain one).
 */
function initializerIn(init: Obj): Obj {
  const className = init['className'] === 'LeCunNormal' ? 'LecunNormal' : init['className'] === 'LeCunUniform' ? 'LecunUniform' : init['className'];
  const config = isObject(init['config']) ? { ...init['config'] } : init['config'];
  if (className === 'VarianceScaling' && isObject(config)) {
    if (config['distribution'] === 'normal') config['distribution'] = 'truncatedNormal';
    else if (config['distribution'] === 'untruncatedNormal') config['distribution'] = 'normal';
  }
  return { ...init, className, config };
}

class Converting {
  constructor(readonly where: string) {}

  unsupported(label: string, problem: string): never {
    throw new PolytensorError(`loadModel: ${this.where}: ${label}: ${problem}`);
  }

  /** A camelCased { className, config } made ready for polytensor's layer of that class. */
  layer(spec: unknown, label: string): LayerSpec {
    if (!isObject(spec) || typeof spec['className'] !== 'string' || !isObject(spec['config'])) {
      this.unsupported(label, `must be { class_name, config }, got ${show(spec)}`);
    }
    const className = spec['className'] as string;
    const config: Obj = { ...(spec['config'] as Obj) };
    const name = typeof config['name'] === 'string' ? config['name'] : undefined;
    const who = `layer ${name === undefined ? label : `'${name}'`} (${className})`;
    if (MODEL_CLASSES.has(className)) {
      const nested = this.topology({ className, config }, who);
      return { className: nested.className, config: { ...nested.config, ...(name !== undefined ? { name } : {}) } };
    }
    const off = (key: string, what = key): void => {
      if (!isOff(config[key])) this.unsupported(who, `${what} ${show(config[key])} is not supported by polytensor; remove it from the model`);
      delete config[key];
    };
    const rename = (from: string, to: string): void => {
      if (from in config) {
        if (config[from] !== null) config[to] = config[from];
        delete config[from];
      }
    };
    const unwrap = (key: string): void => {
      const v = config[key];
      if (Array.isArray(v) && v.length === 1) config[key] = v[0];
    };

    for (const [k, v] of Object.entries(config)) if (isInitializerKey(k) && isObject(v)) config[k] = initializerIn(v);
    if (config['dtype'] !== undefined && config['dtype'] !== null && config['dtype'] !== 'float32' && className !== 'InputLayer') {
      this.unsupported(who, `dtype ${show(config['dtype'])} is not supported; polytensor's layers compute in float32`);
    }
    if (config['dataFormat'] !== undefined && config['dataFormat'] !== null && config['dataFormat'] !== 'channelsLast') {
      this.unsupported(who, `dataFormat ${show(config['dataFormat'])} is not supported; polytensor is channels-last (NHWC)`);
    }
    off('activityRegularizer', 'an activity regularizer');
    if (className !== 'InputLayer' && config['batchInputShape'] !== undefined) {
      const b = config['batchInputShape'];
      delete config['batchInputShape'];
      if (b !== null) {
        if (!Array.isArray(b) || b.length < 2 || !b.slice(1).every((d) => Number.isSafeInteger(d) && (d as number) > 0)) {
          this.unsupported(who, `batch_input_shape ${show(b)} has an unknown (null) dimension after the batch; polytensor needs fixed input shapes`);
        }
        config['inputShape'] = b.slice(1);
      }
    }
    switch (className) {
      case 'InputLayer':
        off('sparse');
        off('ragged');
        break;
      case 'Conv1D':
      case 'MaxPooling1D':
      case 'AveragePooling1D':
        for (const k of ['kernelSize', 'strides', 'dilationRate', 'poolSize']) unwrap(k);
        off('groups');
        break;
      case 'Conv2D':
      case 'Conv2DTranspose':
        if (config['groups'] === 1) delete config['groups'];
        off('groups', 'grouped convolution (groups)');
        break;
      case 'DepthwiseConv2D':
        rename('depthwiseInitializer', 'kernelInitializer');
        rename('depthwiseRegularizer', 'kernelRegularizer');
        rename('depthwiseConstraint', 'kernelConstraint');
        break;
      case 'SeparableConv2D':
        rename('pointwiseInitializer', 'kernelInitializer');
        rename('pointwiseRegularizer', 'kernelRegularizer');
        rename('pointwiseConstraint', 'kernelConstraint');
        off('depthwiseRegularizer', 'a depthwise regularizer');
        off('depthwiseConstraint', 'a depthwise constraint');
        break;
      case 'LSTM':
      case 'GRU':
        // Left off, the writer's default applies: tfjs's is hard_sigmoid (Keras 2 always writes it).
        config['recurrentActivation'] ??= 'hardSigmoid';
        if (className === 'GRU') config['resetAfter'] ??= false;
        off('timeMajor');
        break;
      case 'Dropout':
      case 'SpatialDropout1D':
        off('noiseShape', 'a noise shape');
        break;
      case 'BatchNormalization': {
        // Keras writes the normalized axis as -1 or as a list after building ([3] for NHWC images);
        // in a channels-last model (checked above) it is the last axis, the one polytensor normalizes.
        const axis = Array.isArray(config['axis']) && config['axis'].length === 1 ? config['axis'][0] : config['axis'];
        if (axis !== undefined && !(Number.isSafeInteger(axis) && ((axis as number) === -1 || (axis as number) > 0))) {
          this.unsupported(who, `axis ${show(config['axis'])} is not supported; polytensor normalizes the last (channels) axis`);
        }
        delete config['axis'];
        for (const k of ['betaRegularizer', 'gammaRegularizer', 'betaConstraint', 'gammaConstraint']) off(k);
        off('renorm');
        off('virtualBatchSize');
        off('adjustment');
        break;
      }
      case 'LayerNormalization':
        off('betaRegularizer');
        off('gammaRegularizer');
        off('betaConstraint');
        off('gammaConstraint');
        break;
      case 'Embedding':
        off('embeddingsRegularizer', 'an embeddings regularizer');
        off('embeddingsConstraint', 'an embeddings constraint');
        break;
      case 'PReLU':
        off('alphaRegularizer', 'an alpha regularizer');
        off('alphaConstraint', 'an alpha constraint');
        if (config['sharedAxes'] === null) delete config['sharedAxes'];
        break;
      case 'Bidirectional':
        off('backwardLayer', 'a separate backward layer');
        config['layer'] = this.layer(config['layer'], `${who}.layer`);
        break;
      case 'TimeDistributed':
        config['layer'] = this.layer(config['layer'], `${who}.layer`);
        break;
    }
    this.checkKnownOptions(className, config, who);
    return { className, config };
  }

  /**
   * Options the file sets that polytensor's layer would silently ignore fail
   * here, by comparing with what the layer reports back in getConfig().
   */
  private checkKnownOptions(className: string, config: Obj, who: string): void {
    let known: Obj;
    try {
      known = deserializeLayer({ className, config }).getConfig();
    } catch (e) {
      this.unsupported(who, (e as Error).message);
    }
    for (const [k, v] of Object.entries(config)) {
      if (k in known || IGNORED.has(k) || isInitializerKey(k) || isOff(v)) continue;
      this.unsupported(who, `option ${k} = ${show(v)} is not supported by polytensor's ${className}; remove it from the model`);
    }
  }

  private refs(v: unknown, field: string): unknown[] {
    // Keras writes a single input or output as one reference rather than a list of them.
    if (Array.isArray(v) && typeof v[0] === 'string') return [v];
    if (!Array.isArray(v)) this.unsupported(field, `must be a list of [layer name, node index, tensor index], got ${show(v)}`);
    return v;
  }

  /** A Sequential or functional topology, camelCased. */
  topology(topo: Obj, label: string): ModelTopology {
    const className = topo['className'];
    const cfg = topo['config'];
    if (className === 'Sequential') {
      // Old writers saved a Sequential's config as the bare list of layers.
      const c: Obj = Array.isArray(cfg) ? { layers: cfg } : isObject(cfg) ? cfg : this.unsupported(label, `config must be an object, got ${show(cfg)}`);
      const raw = c['layers'];
      if (!Array.isArray(raw) || raw.length === 0) this.unsupported(label, 'config.layers must be a non-empty list');
      let inputShape: number[] | null = null;
      const layers: LayerSpec[] = [];
      raw.forEach((l, i) => {
        const spec = this.layer(l, `layer ${i}`);
        // Keras 2 lists an InputLayer first; polytensor keeps its shape as the model's input shape.
        if (spec.className === 'InputLayer' && i === 0) {
          const b = spec.config['batchInputShape'];
          if (!Array.isArray(b) || !b.slice(1).every((d) => Number.isSafeInteger(d) && (d as number) > 0)) {
            this.unsupported(
              `layer 0 (InputLayer)`,
              `batch_input_shape ${show(b)} has an unknown (null) dimension after the batch; polytensor needs fixed input shapes`,
            );
          }
          inputShape = (b as number[]).slice(1);
          return;
        }
        layers.push(spec);
      });
      if (layers.length === 0) this.unsupported(label, 'holds only an InputLayer');
      const name = typeof c['name'] === 'string' && c['name'] !== '' ? c['name'] : 'sequential';
      return { className: 'Sequential', config: { name, inputShape, layers } };
    }
    if (className === 'Model' || className === 'Functional') {
      if (!isObject(cfg)) this.unsupported(label, `config must be an object, got ${show(cfg)}`);
      const raw = cfg['layers'];
      if (!Array.isArray(raw) || raw.length === 0) this.unsupported(label, 'config.layers must be a non-empty list');
      const layers = raw.map((l, i) => {
        if (!isObject(l) || typeof l['name'] !== 'string')
          this.unsupported(`layer ${i}`, `must be { name, class_name, config, inbound_nodes }, got ${show(l)}`);
        const nodes = l['inboundNodes'];
        if (!Array.isArray(nodes) || nodes.some((n) => !Array.isArray(n))) {
          this.unsupported(
            `layer '${l['name']}'`,
            `inbound_nodes ${show(nodes)} is not in the Keras 2 / TensorFlow.js layout (lists of [layer, node, tensor, kwargs]); ` +
              'Keras 3 files are not supported: save the model with Keras 2 (tf.keras) before converting',
          );
        }
        const spec = this.layer({ className: l['className'], config: { ...(l['config'] as Obj), name: l['name'] } }, `layer ${i}`);
        return { name: l['name'] as string, className: spec.className, config: spec.config, inboundNodes: nodes as Array<Array<[string, number, number]>> };
      });
      const name = typeof cfg['name'] === 'string' && cfg['name'] !== '' ? cfg['name'] : 'model';
      return {
        className: 'Functional',
        config: {
          name,
          layers,
          inputLayers: this.refs(cfg['inputLayers'], 'input_layers') as Array<[string, number, number]>,
          outputLayers: this.refs(cfg['outputLayers'], 'output_layers') as Array<[string, number, number]>,
        },
      };
    }
    return this.unsupported(label, `class ${show(className)} is not a model class polytensor reads (Sequential, Model or Functional)`);
  }
}

/**
 * The topology of a TensorFlow.js model.json (`modelTopology`), or of a Keras
 * converter's (`modelTopology.model_config`), as polytensor's.
 */
export function topologyFromKeras(modelTopology: unknown, where: string): ModelTopology {
  if (!isObject(modelTopology)) throw new PolytensorError(`loadModel: ${where}: modelTopology must be an object, got ${show(modelTopology)}`);
  const root = isObject(modelTopology['model_config']) ? modelTopology['model_config'] : modelTopology;
  const camel = pythonicToCamel(root) as Obj;
  return new Converting(where).topology(camel, 'modelTopology');
}
