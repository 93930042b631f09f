// SimpleRNN, LSTM and GRU as ONNX's RNN, LSTM and GRU ops. polytensor keeps
// a gate's weights as a block of columns of kernel [in, gates·units]; ONNX
// keeps them as rows of W [1, gates·units, in], in its own gate order: LSTM
// i, o, f, c (Keras: i, f, c, o), GRU z, r, h (as Keras). ONNX wants
// time-major data [time, batch, features]: a Transpose on the way in and out.
import { GRU, LSTM, PolytensorError, SimpleRNN, type Bidirectional, type RNN } from '@polytensor/core';
import { recurrentActivation } from '../activations.js';
import { floats, strings, type GraphBuilder } from '../graph.js';
import { hasWeight, permuteHost, squeeze, transpose, unsqueeze, weightOf, type HostTensor } from '../ops.js';
import type { Converter, LayerCall } from './types.js';

/** Keras' gate blocks in ONNX's order. */
function gateOrder(layer: RNN): number[] {
  if (layer instanceof LSTM) return [0, 3, 1, 2];
  if (layer instanceof GRU) return [0, 1, 2];
  return [0];
}

/** Columns [rows, G·u] with the gate blocks reordered, transposed to [1, G·u, rows]. */
function gateRows(t: HostTensor, order: readonly number[], units: number): HostTensor {
  const [rows, cols] = t.shape as [number, number];
  const reordered = new Float32Array(t.data.length);
  for (let r = 0; r < rows; r++) {
    order.forEach((blk, g) => reordered.set(t.data.subarray(r * cols + blk * units, r * cols + (blk + 1) * units), r * cols + g * units));
  }
  const out = permuteHost({ data: reordered, shape: [rows, cols] }, [1, 0]);
  return { data: out.data, shape: [1, cols, rows] };
}

/** A bias vector [G·u] with its blocks reordered. */
function gateBias(b: Float32Array, order: readonly number[], units: number): Float32Array {
  const out = new Float32Array(b.length);
  order.forEach((blk, g) => out.set(b.subarray(blk * units, (blk + 1) * units), g * units));
  return out;
}

/** The ONNX op's outputs: the sequence Y [time, 1, batch, units] and the final states [1, batch, units]. */
interface RecurrentOutputs {
  readonly y: string;
  readonly h: string;
  readonly c: string | null;
}

/** One recurrent op over x [batch, time, features] (initial states [batch, units] optional). */
function recurrentNode(g: GraphBuilder, layer: RNN, x: string, states: readonly string[]): RecurrentOutputs {
  const p = layer.name;
  const u = layer.units;
  const order = gateOrder(layer);
  const G = order.length;
  const W = gateRows(weightOf(layer, 'kernel'), order, u);
  const R = gateRows(weightOf(layer, 'recurrentKernel'), order, u);
  let B = '';
  if (hasWeight(layer, 'bias')) {
    const b = weightOf(layer, 'bias').data;
    // [input bias, recurrent bias]; only GRU with resetAfter has a recurrent one (the bias' second row).
    const twoRows = layer instanceof GRU && layer.resetAfter;
    const input = gateBias(twoRows ? b.subarray(0, G * u) : b, order, u);
    const recurrent = twoRows ? gateBias(b.subarray(G * u), order, u) : new Float32Array(G * u);
    const both = new Float32Array(2 * G * u);
    both.set(input);
    both.set(recurrent, G * u);
    B = g.initializer(`${p}/bias`, both, [1, 2 * G * u]);
  }
  const acts =
    layer instanceof LSTM
      ? [layer.recurrentActivation, layer.activation, layer.activation]
      : layer instanceof GRU
        ? [layer.recurrentActivation, layer.activation]
        : [layer.activation];
  const forms = acts.map((a) => recurrentActivation(p, a));
  // Alphas and betas are listed for the activations that take them, in order.
  const alphas = forms.filter((f) => f.alpha !== undefined).map((f) => f.alpha!);
  const betas = forms.filter((f) => f.beta !== undefined).map((f) => f.beta!);
  const attrs = {
    hidden_size: u,
    direction: layer.goBackwards ? 'reverse' : 'forward',
    activations: strings(forms.map((f) => f.name)),
    activation_alpha: alphas.length ? floats(alphas) : undefined,
    activation_beta: betas.length ? floats(betas) : undefined,
    ...(layer instanceof GRU ? { linear_before_reset: layer.resetAfter ? 1 : 0 } : {}),
  };
  const opType = layer instanceof LSTM ? 'LSTM' : layer instanceof GRU ? 'GRU' : 'RNN';
  const xt = transpose(g, x, [1, 0, 2], p);
  const init = states.map((s) => unsqueeze(g, s, [0], p));
  const inputs = [xt, g.initializer(`${p}/kernel`, W.data, W.shape), g.initializer(`${p}/recurrentKernel`, R.data, R.shape), B];
  if (init.length) inputs.push('', ...init);
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const outs = g.op(opType, inputs, p, attrs, opType === 'LSTM' ? 3 : 2);
  return { y: outs[0]!, h: outs[1]!, c: outs[2] ?? null };
}

/**
 * The layer's outputs from the op's: the sequence back to [batch, time,
 * units] (in processing order when going backwards, as polytensor returns
 * it; reversed once more with `flip`), or the final h; then the states when
 * returnState.
 */
function layerOutputs(g: GraphBuilder, layer: RNN, o: RecurrentOutputs, flip = false): string[] {
  const p = layer.name;
  const h = squeeze(g, o.h, [0], p);
  let y: string;
  if (layer.returnSequences) {
    y = transpose(g, squeeze(g, o.y, [1], p), [1, 0, 2], p);
    // ONNX's reverse direction writes step t at position t; polytensor lists the steps as processed.
    if (layer.goBackwards !== flip) y = g.op1('Slice', [y, g.ints([-1]), g.ints([-Number.MAX_SAFE_INTEGER]), g.ints([1]), g.ints([-1])], p);
  } else y = h;
  if (!layer.returnState) return [y];
  return o.c ? [y, h, squeeze(g, o.c, [0], p)] : [y, h];
}

export const recurrent: Converter = ({ g, layer, inputs }: LayerCall<RNN>) => {
  if (!(layer instanceof SimpleRNN || layer instanceof LSTM || layer instanceof GRU)) {
    throw new PolytensorError(`exportOnnx: layer '${layer.name}' (${layer.className}) is a recurrent layer with no ONNX form`);
  }
  return layerOutputs(g, layer, recurrentNode(g, layer, inputs[0]!, inputs.slice(1)));
};

/** Two recurrent ops (the backward one's sequence flipped, as polytensor puts it back in time order), then the merge. */
export const bidirectional: Converter = ({ g, layer, inputs }: LayerCall<Bidirectional>) => {
  const p = layer.name;
  const n = layer.forward.stateCount;
  const states = inputs.slice(1);
  const [f, ...fStates] = layerOutputs(g, layer.forward, recurrentNode(g, layer.forward, inputs[0]!, states.slice(0, n)));
  const [b, ...bStates] = layerOutputs(g, layer.backward, recurrentNode(g, layer.backward, inputs[0]!, states.slice(n)), layer.forward.returnSequences);
  let merged: string[];
  switch (layer.mergeMode) {
    case 'concat':
      merged = [g.op1('Concat', [f!, b!], p, { axis: -1 })];
      break;
    case 'sum':
      merged = [g.op1('Add', [f!, b!], p)];
      break;
    case 'mul':
      merged = [g.op1('Mul', [f!, b!], p)];
      break;
    case 'ave':
      merged = [g.op1('Div', [g.op1('Add', [f!, b!], p), g.scalar(2)], p)];
      break;
    default:
      merged = [f!, b!];
  }
  return layer.forward.returnState ? [...merged, ...fStates, ...bStates] : merged;
};
