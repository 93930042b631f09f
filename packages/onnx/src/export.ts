// exportOnnx: walk a model's layer calls, write each as ONNX nodes, encode.
import {
  Bidirectional,
  Embedding,
  LayersModel,
  Model,
  PolytensorError,
  RNN,
  Sequential,
  TimeDistributed,
  formatShape,
  singleShape,
  type Layer,
  type LayerNode,
  type Shape,
  type SymbolicTensor,
} from '@polytensor/core';
import { GraphBuilder, onnx, valueInfo, type Dim, type ElemType } from './graph.js';
import { CONVERTERS } from './layers/index.js';
import { checkOpset, irVersionOf } from './opset.js';

export interface ExportOnnxOptions {
  /** ONNX opset to write, 13 to 21 (default 17). */
  opset?: number;
  /** The graph's doc string (default: which polytensor model it came from). */
  docString?: string;
}

/** The symbolic name of the batch dimension of every input and output. */
export const BATCH_DIM = 'batch';

/** A value and whether it carries a padding mask (Embedding with maskZero). */
interface Value {
  readonly name: string;
  readonly masked: boolean;
}

/** Every class in `layer` (wrapped ones too) must have a converter: checked before any weight is read. */
function checkSupported(layer: Layer, model: string): void {
  if (layer instanceof LayersModel) {
    for (const l of layer.layers) checkSupported(l, model);
    return;
  }
  if (!CONVERTERS.has(layer.className)) {
    throw new PolytensorError(
      `exportOnnx: layer '${layer.name}' of model '${model}' is a ${layer.className} (class ${layer.constructor.name}), which has no ONNX form. ` +
        `The exporter writes polytensor's built-in layers (${[...CONVERTERS.keys()].join(', ')}); ` +
        'rebuild that step from them, or export the model without it',
    );
  }
  if (layer instanceof TimeDistributed) checkSupported(layer.layer, model);
  if (layer instanceof Bidirectional) checkSupported(layer.forward, model);
}

class Exporter {
  constructor(readonly g: GraphBuilder) {}

  /** One layer call: its converter, or a nested model's graph inline. */
  layer(layer: Layer, inputs: readonly Value[], shapes: readonly Shape[]): Value[] {
    if (layer instanceof LayersModel)
      return this.model(
        layer,
        inputs.map((v) => ({ name: v.name, masked: false })),
      );
    const masked = inputs[0]?.masked ?? false;
    if (masked && (layer instanceof RNN || layer instanceof Bidirectional)) {
      throw new PolytensorError(
        `exportOnnx: layer '${layer.name}' (${layer.className}) takes the padding mask of an Embedding with maskZero, which the export cannot carry ` +
          "(ONNX's recurrent ops only skip padding at the end of a sequence); export a model whose Embedding has maskZero false",
      );
    }
    const converter = CONVERTERS.get(layer.className)!;
    const outs = converter({
      g: this.g,
      layer,
      inputs: inputs.map((v) => v.name),
      shapes,
      convert: (inner, ins, innerShapes) =>
        this.layer(
          inner,
          ins.map((name) => ({ name, masked: false })),
          innerShapes,
        ).map((v) => v.name),
    });
    const outMasked = layer instanceof Embedding ? layer.maskZero : layer.supportsMasking && masked;
    return outs.map((name, i) => ({ name, masked: i === 0 && outMasked }));
  }

  /** A model's graph over the given input values; its output values. */
  model(m: LayersModel, inputs: readonly Value[]): Value[] {
    if (m instanceof Sequential) {
      let shape = m.inputShapes[0]!;
      let value = inputs[0]!;
      for (const l of m.layers) {
        value = this.layer(l, [value], [shape])[0]!;
        shape = singleShape(l.computeOutputShape(shape), l.name);
      }
      return [value];
    }
    if (m instanceof Model) {
      const values = new Map<number, Value>();
      m.inputs.forEach((x, i) => values.set(x.id, inputs[i]!));
      for (const node of callOrder(m.outputs)) {
        if (node.inputs.length === 0) continue; // an input layer: its value is given
        const outs = this.layer(
          node.layer,
          node.inputs.map((s) => values.get(s.id)!),
          node.inputs.map((s) => s.shape),
        );
        node.outputs.forEach((s, k) => values.set(s.id, outs[k]!));
      }
      return m.outputs.map((y) => values.get(y.id)!);
    }
    throw new PolytensorError(`exportOnnx: model '${m.name}' is a ${m.className}; only Sequential and functional models (model({ inputs, outputs })) export`);
  }
}

/** The layer calls the outputs depend on, each after those it takes inputs from (iterative: deep graphs must not overflow the stack). */
function callOrder(outputs: readonly SymbolicTensor[]): LayerNode[] {
  const order: LayerNode[] = [];
  const done = new Set<LayerNode>();
  for (const y of outputs) {
    const stack: Array<{ node: LayerNode; next: number }> = [{ node: y.node, next: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (done.has(top.node)) {
        stack.pop();
      } else if (top.next < top.node.inputs.length) {
        stack.push({ node: top.node.inputs[top.next++]!.node, next: 0 });
      } else {
        done.add(top.node);
        order.push(top.node);
        stack.pop();
      }
    }
  }
  return order;
}

const dims = (shape: Shape, name: string): Dim[] => shape.map((d, i) => (i === 0 ? BATCH_DIM : (d ?? `${name}_dim${i}`)));

/**
 * The model as an ONNX ModelProto (bytes), for ONNX Runtime and other ONNX
 * consumers: inference only (Dropout is the identity, BatchNormalization uses
 * its moving statistics). The batch dimension of every input and output is
 * symbolic ('batch'); weights are float32 initializers. Inputs and outputs
 * keep the model's names (`model.inputNames`, `model.outputNames`). Layers
 * stay channels-last: convolutions and pools, channels-first in ONNX, are
 * wrapped in Transposes.
 *
 * Throws a PolytensorError, before writing anything, for an argument that is
 * not a model, an unbuilt model, an opset outside 13–21, or a layer with no
 * ONNX form (Lambda, a layer class of your own).
 * @example
 * const model = seedMlp();
 * model.build();
 * const bytes = exportOnnx(model);              // Uint8Array
 * const session = await ort.InferenceSession.create(bytes);
 */
export function exportOnnx(model: LayersModel, options: ExportOnnxOptions = {}): Uint8Array {
  if (!(model instanceof LayersModel)) {
    const got = model === null ? 'null' : typeof model === 'object' ? `a ${(model as object).constructor?.name ?? 'plain object'}` : typeof model;
    throw new PolytensorError(`exportOnnx: pass a polytensor model (a Sequential, or one from model({ inputs, outputs })), got ${got}`);
  }
  if (options === null || typeof options !== 'object')
    throw new PolytensorError(`exportOnnx: options must be an object like { opset: 17 }, got ${String(options)}`);
  const opset = checkOpset(options.opset);
  if (!model.built) {
    const how = model.inputShape
      ? 'call model.build() (or predict or fit) first'
      : 'give its first layer an inputShape and call model.build(), or build(inputShape)';
    throw new PolytensorError(`exportOnnx: model '${model.name}' is not built yet, so it has no weights to export; ${how}`);
  }
  checkSupported(model, model.name);

  const g = new GraphBuilder(opset);
  const shapes = model.inputShapes;
  const inputs = model.inputNames.map((name, i) => {
    g.claim(name);
    const type: ElemType = model.inputDTypes[i] === 'int32' ? 'int32' : 'float32';
    g.setType(name, type);
    return { name, type, shape: shapes[i]! };
  });
  const results = new Exporter(g).model(
    model,
    inputs.map((x) => ({ name: x.name, masked: false })),
  );
  const outputShapes = model.outputShapes;
  const outputs = model.outputNames.map((base, i) => {
    // An output may not reuse an input's name (a one-layer Sequential names both after its layer).
    let name = base;
    for (let k = 1; !g.claim(name); k++) name = `${base}_output${k > 1 ? k : ''}`;
    const value = results[i]!.name;
    g.node('Identity', [value], [name], name);
    return valueInfo(name, g.typeOf(value), dims(outputShapes[i]!, name));
  });

  const proto = onnx.ModelProto.create({
    irVersion: irVersionOf(opset),
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'polytensor',
    graph: onnx.GraphProto.create({
      name: model.name,
      docString: options.docString ?? `polytensor ${model.className} '${model.name}' (${formatShape(shapes[0]!)} → ${formatShape(outputShapes[0]!)})`,
      node: g.nodes,
      initializer: g.initializers,
      input: inputs.map((x) => valueInfo(x.name, x.type, dims(x.shape, x.name))),
      output: outputs,
    }),
  });
  return onnx.ModelProto.encode(proto).finish();
}
