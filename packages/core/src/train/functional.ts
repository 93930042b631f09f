import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { clone } from '../ops/cast.js';
import type { Tensor } from '../tensor.js';
import type { LayerConfig } from '../nn/layers/index.js';
import { formatShape, InputLayer, type LayerNode, shapeFits, shapeList, SymbolicTensor, type Layer, type Shape, type Shapes } from '../nn/layers/index.js';
import { LayersModel } from './layers_model.js';
import { summaryTable } from './summary.js';
import type { FunctionalTopology, ModelTopology } from './io/types.js';

export interface ModelArgs {
  /** The symbolic tensors input() returned: one, or an array for several inputs. */
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  /** Symbolic tensors computed from the inputs: one, or an array for several outputs. */
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  name?: string;
}

/** A saved tensor reference: [layer name, node index, output index]. */
export type TensorRef = [string, number, number];

export interface FunctionalLayerSpec {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** Per node of the layer in this model: the tensors it took. */
  inboundNodes: TensorRef[][];
}

/** A functional model's saved config (Keras' layout: layers with their inbound nodes, and the input and output references). */
export interface FunctionalConfig {
  name: string;
  layers: FunctionalLayerSpec[];
  inputLayers: TensorRef[];
  outputLayers: TensorRef[];
}

const list = <T>(v: T | readonly T[]): readonly T[] => (Array.isArray(v) ? (v as readonly T[]) : [v as T]);

/**
 * A model made of a graph of layers (Keras' functional API): several inputs
 * and outputs, shared layers (one layer applied twice shares its weights),
 * models nested as layers. Build it with `model({ inputs, outputs })`.
 * @example
 * const a = input({ shape: [8], name: 'a' });
 * const b = input({ shape: [8], name: 'b' });
 * const shared = layers.dense({ units: 4, activation: 'relu' });
 * const merged = layers.concatenate().apply([shared.apply(a), shared.apply(b)]);
 * const m = model({ inputs: [a, b], outputs: [layers.dense({ units: 1, name: 'score' }).apply(merged), layers.dense({ units: 3, activation: 'softmax', name: 'kind' }).apply(merged)] });
 * m.compile({ optimizer: 'adam', loss: { score: 'meanSquaredError', kind: 'categoricalCrossentropy' }, lossWeights: { score: 1, kind: 0.5 } });
 */
export class Model extends LayersModel {
  static readonly className: string = 'Functional';
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Layer calls in execution order (input layers' excluded). */
  private readonly nodes: readonly LayerNode[];
  private readonly layerList: readonly Layer[];

  /** `build: false` leaves weights unallocated (model loading checks the file first). */
  constructor(args: ModelArgs, options: { build?: boolean } = {}) {
    if (args === null || typeof args !== 'object') throw new PolytensorError('model: pass { inputs, outputs }, e.g. model({ inputs: x, outputs: y })');
    super({ name: args.name ?? 'model' });
    const inputs = list(args.inputs);
    const outputs = list(args.outputs);
    if (inputs.length === 0) throw new PolytensorError(`model '${this.name}': inputs is empty; pass the tensors input() returned`);
    if (outputs.length === 0) throw new PolytensorError(`model '${this.name}': outputs is empty; pass symbolic tensors computed from the inputs`);
    inputs.forEach((x, i) => {
      if (!(x instanceof SymbolicTensor)) {
        throw new PolytensorError(`model '${this.name}': inputs[${i}] is ${x === null ? 'null' : typeof x}, not a symbolic tensor; pass what input() returned`);
      }
      if (!(x.sourceLayer instanceof InputLayer)) {
        throw new PolytensorError(
          `model '${this.name}': inputs[${i}] is the output of ${x.sourceLayer.name} (${x.sourceLayer.className}), not of input(); pass what input() returned`,
        );
      }
      if (inputs.indexOf(x) !== i) throw new PolytensorError(`model '${this.name}': input '${x.sourceLayer.name}' is listed twice`);
    });
    outputs.forEach((y, i) => {
      if (!(y instanceof SymbolicTensor)) {
        throw new PolytensorError(
          `model '${this.name}': outputs[${i}] is ${y === null ? 'null' : typeof y}, not a symbolic tensor; apply layers to input() and pass the result`,
        );
      }
    });
    this.inputs = [...inputs];
    this.outputs = [...outputs];
    const order = topologicalNodes(this.name, outputs);
    for (const node of order) {
      if (node.layer instanceof InputLayer && !inputs.includes(node.outputs[0]!)) {
        const reaching = outputs.filter((y) => dependsOn(y.node, node)).map((y) => `'${y.name}'`);
        throw new PolytensorError(
          `model '${this.name}': output ${reaching.join(', ')} depends on input '${node.layer.name}', which is not among the model's inputs; ` +
            'add it to inputs, or build the outputs from the listed inputs only',
        );
      }
    }
    this.nodes = order.filter((n) => !(n.layer instanceof InputLayer));
    const layersInOrder: Layer[] = [...inputs.map((x) => x.sourceLayer)];
    for (const n of this.nodes) if (!layersInOrder.includes(n.layer)) layersInOrder.push(n.layer);
    const seen = new Map<string, Layer>();
    for (const l of layersInOrder) {
      const other = seen.get(l.name);
      if (other && other !== l) throw new PolytensorError(`model '${this.name}': two layers are named '${l.name}'; layer names must be unique in a model`);
      seen.set(l.name, l);
    }
    this.layerList = layersInOrder;
    if (options.build !== false) this.build();
  }

  /** Every layer once, input layers first, then in the order of their first call. */
  get layers(): readonly Layer[] {
    return this.layerList;
  }

  get inputNames(): readonly string[] {
    return this.inputs.map((x) => x.sourceLayer.name);
  }

  get outputNames(): readonly string[] {
    const names: string[] = [];
    for (const y of this.outputs) {
      const base = y.sourceLayer.name;
      let name = base;
      for (let k = 1; names.includes(name); k++) name = `${base}_${k}`;
      names.push(name);
    }
    return names;
  }

  get inputShapes(): readonly Shape[] {
    return this.inputs.map((x) => x.shape);
  }

  get inputDTypes(): readonly string[] {
    return this.inputs.map((x) => x.dtype);
  }

  get outputShapes(): readonly Shape[] {
    return this.outputs.map((y) => y.shape);
  }

  computeOutputShape(inputShape: Shapes): Shapes {
    const given = shapeList(inputShape);
    given.forEach((s, i) => {
      const own = this.inputShapes[i];
      if (!own || !shapeFits(own, s)) {
        throw new PolytensorError(
          `${this.name} (Functional): input ${i} has shape ${formatShape(s)} but the model takes ${own ? formatShape(own) : 'no such input'}`,
        );
      }
    });
    return this.outputShapes.length === 1 ? this.outputShapes[0]! : this.outputShapes;
  }

  /** Create the weights of every layer not built yet, for the shapes it was applied to. */
  override build(): void {
    if (this.built) return;
    for (const n of this.nodes) n.layer.buildPending();
    super.build(this.inputShapes.length === 1 ? this.inputShapes[0]! : this.inputShapes);
  }

  protected forward(xs: Tensor[], training: boolean): Tensor[] {
    this.ensureBuilt();
    return ENGINE.tidy(() => {
      const values = new Map<number, Tensor>();
      const masks = new Map<number, Tensor | null>();
      this.inputs.forEach((x, i) => values.set(x.id, xs[i]!));
      for (const node of this.nodes) {
        const ins = node.inputs.map((s) => values.get(s.id)!);
        const mask = masks.get(node.inputs[0]!.id) ?? null;
        const outs = node.layer.applyMulti(ins, { training, mask });
        const outMask = node.layer.computeMask(ins.length === 1 ? ins[0]! : ins, mask);
        node.outputs.forEach((s, k) => {
          values.set(s.id, outs[k]!);
          masks.set(s.id, k === 0 ? outMask : null);
        });
      }
      // An output that is an input is copied: the caller may dispose what predict returns.
      return this.outputs.map((y) => (this.inputs.includes(y) ? clone(values.get(y.id)!) : values.get(y.id)!));
    });
  }

  /** Keras' functional summary: each layer's output shape, parameters, and the tensors it takes. */
  summary(print: (line: string) => void = console.log): string {
    this.ensureBuilt();
    const rows = this.layerList.map((l) => {
      const nodes = this.nodesOf(l);
      const shapes = nodes.flatMap((n) => n.outputs.map((o) => formatShape(o.shape)));
      const shape = new Set(shapes).size === 1 ? shapes[0]! : 'multiple';
      const connected = nodes.flatMap((n) => n.inputs.map((s) => this.refName(s)));
      return [`${l.name} (${l.className})`, shape, String(l.countParams()), connected];
    });
    return summaryTable(this, ['Layer (type)', 'Output shape', 'Param #', 'Connected to'], rows, print);
  }

  /** The layer's nodes that belong to this model, in order. */
  private nodesOf(layer: Layer): LayerNode[] {
    if (layer instanceof InputLayer) return this.inputs.filter((x) => x.sourceLayer === layer).map((x) => x.node);
    return layer.inboundNodes.filter((n) => this.nodes.includes(n));
  }

  /** A tensor as this model's config names it: [layer, node index among the layer's nodes in this model, output index]. */
  private ref(s: SymbolicTensor): TensorRef {
    return [s.sourceLayer.name, this.nodesOf(s.sourceLayer).indexOf(s.node), s.outputIndex];
  }

  private refName(s: SymbolicTensor): string {
    const [layer, node, out] = this.ref(s);
    return `${layer}[${node}][${out}]`;
  }

  getConfig(): LayerConfig & FunctionalConfig {
    return {
      name: this.name,
      layers: this.layerList.map((l) => ({
        name: l.name,
        className: l.className,
        config: l.getConfig(),
        inboundNodes: this.nodesOf(l)
          .filter(() => !(l instanceof InputLayer))
          .map((n) => n.inputs.map((s) => this.ref(s))),
      })),
      inputLayers: this.inputs.map((x) => this.ref(x)),
      outputLayers: this.outputs.map((y) => this.ref(y)),
    };
  }

  toTopology(): ModelTopology {
    return { className: 'Functional', config: this.getConfig() as unknown as FunctionalTopology['config'] };
  }
}

/**
 * A functional model from symbolic inputs and outputs (Keras' `Model(inputs, outputs)`).
 * @example
 * const x = input({ shape: [4] });
 * const m = model({ inputs: x, outputs: layers.dense({ units: 1 }).apply(x) });
 */
export function model(args: ModelArgs): Model {
  return new Model(args);
}

/** The layer calls the outputs depend on, each after the calls it takes inputs from. */
function topologicalNodes(name: string, outputs: readonly SymbolicTensor[]): LayerNode[] {
  const order: LayerNode[] = [];
  const state = new Map<LayerNode, 'visiting' | 'done'>();
  // Iterative depth-first search: deep graphs must not overflow the stack.
  for (const y of outputs) {
    const stack: Array<{ node: LayerNode; next: number }> = [{ node: y.node, next: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.next === 0) {
        const s = state.get(top.node);
        if (s === 'done') {
          stack.pop();
          continue;
        }
        if (s === 'visiting') throw new PolytensorError(`model '${name}': the graph has a cycle through layer '${top.node.layer.name}'`);
        state.set(top.node, 'visiting');
      }
      if (top.next < top.node.inputs.length) {
        const child = top.node.inputs[top.next++]!.node;
        if (state.get(child) === 'visiting') throw new PolytensorError(`model '${name}': the graph has a cycle through layer '${child.layer.name}'`);
        if (state.get(child) !== 'done') stack.push({ node: child, next: 0 });
      } else {
        state.set(top.node, 'done');
        order.push(top.node);
        stack.pop();
      }
    }
  }
  return order;
}

/** Whether `node` is `target` or computed from it. */
function dependsOn(node: LayerNode, target: LayerNode, seen = new Set<LayerNode>()): boolean {
  if (node === target) return true;
  if (seen.has(node)) return false;
  seen.add(node);
  return node.inputs.some((s) => dependsOn(s.node, target, seen));
}
