// Models from saved configs: a Sequential's layer list, a functional
// model's graph, and layers in either that are models themselves (a nested
// model is a layer whose config is its own topology). Kept apart from the
// model classes so that they do not import each other.
import { PolytensorError } from '../errors.js';
import { deserializeLayer, InputLayer, type Layer, type SymbolicTensor } from '../nn/layers/index.js';
import { Model, type FunctionalConfig } from './functional.js';
import { Sequential } from './sequential.js';
import type { LayerSpec } from './io/types.js';

type TensorRef = [string, number, number];
type FunctionalLayerSpec = FunctionalConfig['layers'][number];

/** A layer (or a nested model) from { className, config }; allocates nothing. */
export function layerFromSpec(spec: LayerSpec): Layer {
  if (spec.className === 'Sequential') return sequentialFromConfig(spec.config);
  if (spec.className === 'Functional') return functionalFromConfig(spec.config);
  return deserializeLayer(spec);
}

/** A Sequential (unbuilt: no weights yet) from a saved config. */
export function sequentialFromConfig(config: Record<string, unknown>): Sequential {
  const specs = config['layers'];
  if (!Array.isArray(specs) || specs.length === 0) throw new PolytensorError('Sequential config: layers must be a non-empty array of { className, config }');
  const m = new Sequential({ name: typeof config['name'] === 'string' ? config['name'] : undefined, layers: specs.map((s: LayerSpec) => layerFromSpec(s)) });
  const inputShape = config['inputShape'];
  if (Array.isArray(inputShape)) m.declaredInputShape = [null, ...(inputShape as number[])];
  return m;
}

/**
 * Rebuild the graph (unbuilt: no weights yet) from a saved config, checking
 * each reference: an unknown layer, a node that names a tensor not made
 * yet (a cycle), an output that is never computed, each fails naming it.
 */
export function functionalFromConfig(config: Record<string, unknown>): Model {
  const cfg = checkFunctionalConfig(config);
  const byName = new Map<string, Layer>();
  const made = new Map<string, SymbolicTensor[][]>();
  const pending: Array<{ layer: Layer; node: number; refs: TensorRef[] }> = [];
  for (const spec of cfg.layers) {
    if (byName.has(spec.name)) throw new PolytensorError(`Functional config: the layer name '${spec.name}' repeats`);
    const layer = layerFromSpec({ className: spec.className, config: { ...spec.config, name: spec.name } });
    byName.set(spec.name, layer);
    if (layer instanceof InputLayer) made.set(spec.name, [[(layer as InputLayer).output]]);
    else {
      made.set(spec.name, []);
      spec.inboundNodes.forEach((refs, node) => pending.push({ layer, node, refs }));
    }
  }
  const resolve = (r: TensorRef): SymbolicTensor | undefined => made.get(r[0])?.[r[1]]?.[r[2]];
  for (const [i, r] of [...cfg.inputLayers, ...cfg.outputLayers, ...pending.flatMap((p) => p.refs)].entries()) {
    if (!byName.has(r[0])) throw new PolytensorError(`Functional config: reference ${i} names layer '${r[0]}', which is not in the layers list`);
  }
  // Apply each node once its inputs exist; a pass without progress means a cycle.
  while (pending.length) {
    const ready = pending.findIndex((p) => made.get(p.layer.name)!.length === p.node && p.refs.every((r) => resolve(r)));
    if (ready < 0) {
      const p = pending[0]!;
      const missing = p.refs.filter((r) => !resolve(r)).map((r) => `${r[0]}[${r[1]}][${r[2]}]`);
      throw new PolytensorError(
        `Functional config: node ${p.node} of layer '${p.layer.name}' takes ${missing.join(', ') || 'an earlier node of its own layer'}, which no layer call computes before it ` +
          '(a cycle in the graph, or a reference to a node or output that does not exist)',
      );
    }
    const { layer, refs } = pending.splice(ready, 1)[0]!;
    const outs = layer.applyMulti(refs.map((r) => resolve(r)!));
    made.get(layer.name)!.push(outs);
  }
  const pick =
    (what: string) =>
    (r: TensorRef): SymbolicTensor => {
      const s = resolve(r);
      if (!s) throw new PolytensorError(`Functional config: ${what} ${r[0]}[${r[1]}][${r[2]}] is not computed by the graph`);
      return s;
    };
  return new Model({ name: cfg.name, inputs: cfg.inputLayers.map(pick('input')), outputs: cfg.outputLayers.map(pick('output')) }, { build: false });
}

function checkFunctionalConfig(config: Record<string, unknown>): FunctionalConfig {
  const bad = (field: string, problem: string): never => {
    throw new PolytensorError(`Functional config: ${field} ${problem}`);
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const ref = (field: string, v: unknown): TensorRef => {
    if (!Array.isArray(v) || v.length < 3 || typeof v[0] !== 'string' || !Number.isSafeInteger(v[1]) || v[1] < 0 || !Number.isSafeInteger(v[2]) || v[2] < 0) {
      bad(field, `must be [layer name, node index, output index], got ${JSON.stringify(v)?.slice(0, 60)}`);
    }
    return [(v as unknown[])[0] as string, (v as unknown[])[1] as number, (v as unknown[])[2] as number];
  };
  const refs = (field: string, v: unknown): TensorRef[] => {
    if (!Array.isArray(v) || v.length === 0) bad(field, 'must be a non-empty array of tensor references');
    return (v as unknown[]).map((r, i) => ref(`${field}[${i}]`, r));
  };
  const name = typeof config['name'] === 'string' && config['name'] ? config['name'] : bad('name', 'must be a non-empty string');
  if (!Array.isArray(config['layers']) || config['layers'].length === 0) bad('layers', 'must be a non-empty array');
  const layers = (config['layers'] as unknown[]).map((l, i): FunctionalLayerSpec => {
    if (!isObj(l)) return bad(`layers[${i}]`, 'must be an object');
    const lname = typeof l['name'] === 'string' && l['name'] ? l['name'] : bad(`layers[${i}].name`, 'must be a non-empty string');
    const className = typeof l['className'] === 'string' && l['className'] ? l['className'] : bad(`layers[${i}].className`, 'must be a non-empty string');
    if (!isObj(l['config'])) bad(`layers[${i}].config`, 'must be an object');
    if (!Array.isArray(l['inboundNodes'])) bad(`layers[${i}].inboundNodes`, 'must be an array');
    const inboundNodes = (l['inboundNodes'] as unknown[]).map((n, k) => refs(`layers[${i}].inboundNodes[${k}]`, n));
    return { name: lname, className, config: l['config'] as Record<string, unknown>, inboundNodes };
  });
  return { name, layers, inputLayers: refs('inputLayers', config['inputLayers']), outputLayers: refs('outputLayers', config['outputLayers']) };
}
