/**
 * A seed model's forward pass and one training step in float64 plain
 * JavaScript, from a `ModelSpec` derived from the zoo model (models.ts):
 * independent of both libraries. Dropout must be off (the gate's twin).
 */
import type { Activation, ModelSpec } from './models.js';
import * as ref from './reference.js';

interface Saved {
  kind: 'dense' | 'conv' | 'avgpool';
  input: Float64Array;
  inShape: number[];
  output: Float64Array;
  activation?: Activation;
  /** avgpool: the window size. */
  size?: number;
}

/** Visits every (output element, window element) pair of a size×size, stride-size average pool over [batch, H, W, C]. */
function forEachPoolTap(batch: number, [H, W, C]: number[], size: number, visit: (outIndex: number, inIndex: number) => void): void {
  const Ho = Math.floor(H! / size);
  const Wo = Math.floor(W! / size);
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++)
        for (let c = 0; c < C!; c++)
          for (let di = 0; di < size; di++)
            for (let dj = 0; dj < size; dj++) visit(((b * Ho + i) * Wo + j) * C! + c, ((b * H! + size * i + di) * W! + size * j + dj) * C! + c);
}

/** Forward pass in float64; with `save`, keeps what the backward pass needs. */
export function refForward(spec: ModelSpec, weights: readonly ArrayLike<number>[], x: ArrayLike<number>, batch: number, save?: Saved[]): Float64Array {
  let h: Float64Array = Float64Array.from(x);
  let shape = [...spec.inputShape];
  let k = 0;
  for (const l of spec.layers) {
    const input = h;
    const inShape = shape;
    if (l.kind === 'dense' || l.kind === 'conv') {
      const W = weights[k++]!;
      const b = weights[k++]!;
      const units = l.kind === 'dense' ? l.units : l.filters;
      const z =
        l.kind === 'dense'
          ? ref.matMul(h, W, batch, shape[shape.length - 1]!, units, false).out
          : ref.conv2d(h, W, { B: batch, H: shape[0]!, W: shape[1]!, C: shape[2]!, O: units, F: l.size }, false).out;
      for (let i = 0; i < z.length; i++) z[i]! += b[i % units]!;
      h = activate(z, l.activation, units);
      shape = l.kind === 'dense' ? [units] : [shape[0]!, shape[1]!, units];
      save?.push({ kind: l.kind, input, inShape, output: h, activation: l.activation });
    } else if (l.kind === 'avgpool') {
      const [H, W, C] = shape as [number, number, number];
      shape = [Math.floor(H / l.size), Math.floor(W / l.size), C];
      const out = new Float64Array(batch * shape[0]! * shape[1]! * C);
      const scale = 1 / (l.size * l.size);
      forEachPoolTap(batch, inShape, l.size, (o, i) => (out[o]! += input[i]! * scale));
      h = out;
      save?.push({ kind: 'avgpool', input, inShape, output: h, size: l.size });
    } else if (l.kind === 'dropout') {
      if (l.rate !== 0) throw new Error('refForward: the float64 reference runs without dropout');
    } else {
      shape = [shape.reduce((a, b) => a * b, 1)];
    }
  }
  return h;
}

function activate(z: Float64Array, a: Activation, n: number): Float64Array {
  if (a === 'relu') for (let i = 0; i < z.length; i++) z[i] = z[i]! > 0 ? z[i]! : 0;
  else if (a === 'sigmoid') for (let i = 0; i < z.length; i++) z[i] = 1 / (1 + Math.exp(-z[i]!));
  else if (a === 'softmax') {
    for (let r = 0; r < z.length / n; r++) {
      let m = -Infinity;
      for (let j = 0; j < n; j++) m = Math.max(m, z[r * n + j]!);
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.exp(z[r * n + j]! - m);
      for (let j = 0; j < n; j++) z[r * n + j] = Math.exp(z[r * n + j]! - m) / s;
    }
  }
  return z;
}

/** dL/dz from dL/dy for y = act(z), in place on g. */
function activationBackward(g: Float64Array, y: Float64Array, a: Activation, n: number): Float64Array {
  if (a === 'relu') for (let i = 0; i < g.length; i++) g[i] = y[i]! > 0 ? g[i]! : 0;
  else if (a === 'sigmoid') for (let i = 0; i < g.length; i++) g[i] = g[i]! * y[i]! * (1 - y[i]!);
  else if (a === 'softmax') {
    for (let r = 0; r < g.length / n; r++) {
      let dot = 0;
      for (let j = 0; j < n; j++) dot += g[r * n + j]! * y[r * n + j]!;
      for (let j = 0; j < n; j++) g[r * n + j] = y[r * n + j]! * (g[r * n + j]! - dot);
    }
  }
  return g;
}

/** The loss of a batch and its gradient with respect to the model's output. */
function lossAndGrad(spec: ModelSpec, out: Float64Array, y: Int32Array): { loss: number; g: Float64Array } {
  const batch = y.length;
  const C = spec.classes;
  const g = new Float64Array(out.length);
  let loss = 0;
  for (let b = 0; b < batch; b++) {
    const t = y[b]!;
    if (spec.loss === 'sparseSoftmaxCrossEntropy') {
      let m = -Infinity;
      for (let j = 0; j < C; j++) m = Math.max(m, out[b * C + j]!);
      let s = 0;
      for (let j = 0; j < C; j++) s += Math.exp(out[b * C + j]! - m);
      const ls = Math.log(s);
      loss += -(out[b * C + t]! - m - ls);
      for (let j = 0; j < C; j++) g[b * C + j] = (Math.exp(out[b * C + j]! - m - ls) - (j === t ? 1 : 0)) / batch;
    } else {
      // Keras: q = p / Σp, clipped to [ε, 1 − ε]; dL/dq_t = −1/(B q_t) inside the clip range; dq_t/dp_j = (δ_tj − q_t)/Σp
      const eps = 1e-7;
      let s = 0;
      for (let j = 0; j < C; j++) s += out[b * C + j]!;
      const qt = out[b * C + t]! / s;
      loss += -Math.log(Math.min(Math.max(qt, eps), 1 - eps));
      const dq = qt > eps && qt < 1 - eps ? -1 / (batch * qt) : 0;
      for (let j = 0; j < C; j++) g[b * C + j] = (dq * ((j === t ? 1 : 0) - qt)) / s;
    }
  }
  return { loss: loss / batch, g };
}

/** The weights after one optimizer step (the first: Adam's slots start at 0). */
function firstUpdate(spec: ModelSpec, w: Float32Array, g: Float64Array): Float64Array {
  const o = spec.optimizer;
  const out = new Float64Array(w.length);
  if (o.kind === 'sgd') {
    for (let j = 0; j < w.length; j++) out[j] = w[j]! - o.learningRate * g[j]!;
    return out;
  }
  // Adam, step 1: m = (1−β1)g, v = (1−β2)g², α = lr·√(1−β2)/(1−β1)
  const alpha = (o.learningRate * Math.sqrt(1 - o.beta2)) / (1 - o.beta1);
  for (let j = 0; j < w.length; j++) {
    const m = (1 - o.beta1) * g[j]!;
    const v = (1 - o.beta2) * g[j]! * g[j]!;
    out[j] = w[j]! - (alpha * m) / (Math.sqrt(v) + o.epsilon);
  }
  return out;
}

/** One training step in float64: the loss before the update and the updated weights. */
export function refTrainStep(spec: ModelSpec, weights: readonly Float32Array[], x: Float32Array, y: Int32Array): { loss: number; weights: Float64Array[] } {
  const batch = y.length;
  const saved: Saved[] = [];
  const out = refForward(spec, weights, x, batch, saved);
  const { loss, g: dOut } = lossAndGrad(spec, out, y);
  let g = dOut;
  const grads: Float64Array[] = new Array<Float64Array>(weights.length);
  let k = weights.length;
  for (let li = saved.length - 1; li >= 0; li--) {
    const s = saved[li]!;
    if (s.kind === 'avgpool') {
      const dx = new Float64Array(s.input.length);
      const scale = 1 / (s.size! * s.size!);
      const dy = g;
      forEachPoolTap(batch, s.inShape, s.size!, (o, i) => (dx[i]! += dy[o]! * scale));
      g = dx;
      continue;
    }
    const W = weights[k - 2]!;
    const units = s.output.length / (s.kind === 'dense' ? batch : batch * s.inShape[0]! * s.inShape[1]!);
    g = activationBackward(g, s.output, s.activation!, units);
    const db = new Float64Array(units);
    for (let i = 0; i < g.length; i++) db[i % units]! += g[i]!;
    grads[k - 1] = db;
    if (s.kind === 'dense') {
      // dW = xᵀ·g, dx = g·Wᵀ
      const K = s.input.length / batch;
      const dW = new Float64Array(K * units);
      const dx = new Float64Array(li > 0 ? batch * K : 0);
      for (let b = 0; b < batch; b++) {
        for (let i = 0; i < K; i++) {
          const xv = s.input[b * K + i]!;
          let acc = 0;
          for (let j = 0; j < units; j++) {
            dW[i * units + j]! += xv * g[b * units + j]!;
            acc += g[b * units + j]! * W[i * units + j]!;
          }
          if (li > 0) dx[b * K + i] = acc;
        }
      }
      grads[k - 2] = dW;
      g = dx;
    } else {
      const [H, Wd, Cin] = s.inShape as [number, number, number];
      const geom = { B: batch, H, W: Wd, C: Cin, O: units, F: Math.round(Math.sqrt(W.length / (Cin * units))) };
      grads[k - 2] = ref.conv2dBackpropFilter(s.input, g, geom, false).out;
      g = li > 0 ? ref.conv2dBackpropInput(g, W, geom, false).out : new Float64Array(0);
    }
    k -= 2;
  }
  return { loss, weights: weights.map((w, i) => firstUpdate(spec, w, grads[i]!)) };
}
