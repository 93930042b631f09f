/**
 * The seed models as one spec each, from which three equivalent programs are
 * made: a polytensor `Sequential` (trained with trainOnBatch), a tfjs-core
 * program (the same layers as tfjs ops, trained with an optimizer's minimize:
 * the same math tfjs-layers runs), and a float64 reference step in plain JS.
 * All three start from the same host-generated weights.
 */
import * as pt from '@polytensor/core';
import * as tf from '@tensorflow/tfjs-core';
import * as ref from './reference.js';
import { labels, normal, uniform } from './rng.js';

export type Activation = 'linear' | 'relu' | 'sigmoid' | 'softmax';

export type LayerSpec =
  | { kind: 'dense'; units: number; activation: Activation; init: 'truncatedNormal0.1' | 'heNormal' | 'glorotNormal' | 'glorotUniform' }
  | { kind: 'conv'; filters: number; size: number; activation: Activation }
  | { kind: 'avgpool' }
  | { kind: 'dropout'; rate: number }
  | { kind: 'flatten' };

export interface ModelSpec {
  name: string;
  description: string;
  inputShape: number[];
  layers: LayerSpec[];
  /** sparseSoftmaxCrossEntropy from logits, or Keras sparse categorical cross-entropy on probabilities. */
  loss: 'sparseSoftmaxCrossEntropy' | 'sparseCategoricalCrossentropy';
  optimizer: 'sgd' | 'adam';
  learningRate: number;
  classes: number;
}

/** The seed models of EXPERIMENTS (apps/train/src/models.ts). */
export const MODELS = {
  mlp: {
    name: 'mlp',
    description: 'MLP 784 → 64 sigmoid → 10, SGD 0.5',
    inputShape: [784],
    layers: [
      { kind: 'dense', units: 64, activation: 'sigmoid', init: 'truncatedNormal0.1' },
      { kind: 'dense', units: 10, activation: 'linear', init: 'truncatedNormal0.1' },
    ],
    loss: 'sparseSoftmaxCrossEntropy',
    optimizer: 'sgd',
    learningRate: 0.5,
    classes: 10,
  },
  fc: {
    name: 'fc',
    description: 'FC 784 → 500 relu → 500 relu → 10, SGD 0.1',
    inputShape: [784],
    layers: [
      { kind: 'dense', units: 500, activation: 'relu', init: 'heNormal' },
      { kind: 'dense', units: 500, activation: 'relu', init: 'heNormal' },
      { kind: 'dense', units: 10, activation: 'linear', init: 'glorotNormal' },
    ],
    loss: 'sparseSoftmaxCrossEntropy',
    optimizer: 'sgd',
    learningRate: 0.1,
    classes: 10,
  },
  cnn: {
    name: 'cnn',
    description: 'CNN of E3: conv64×2, avgpool, dropout .25, conv32×2, avgpool, dropout .25, dense 256, dropout .5, dense 10 softmax; Adam 1e-3',
    inputShape: [28, 28, 1],
    layers: [
      { kind: 'conv', filters: 64, size: 3, activation: 'relu' },
      { kind: 'conv', filters: 64, size: 3, activation: 'relu' },
      { kind: 'avgpool' },
      { kind: 'dropout', rate: 0.25 },
      { kind: 'conv', filters: 32, size: 3, activation: 'relu' },
      { kind: 'conv', filters: 32, size: 3, activation: 'relu' },
      { kind: 'avgpool' },
      { kind: 'dropout', rate: 0.25 },
      { kind: 'flatten' },
      { kind: 'dense', units: 256, activation: 'relu', init: 'glorotUniform' },
      { kind: 'dropout', rate: 0.5 },
      { kind: 'dense', units: 10, activation: 'softmax', init: 'glorotUniform' },
    ],
    loss: 'sparseCategoricalCrossentropy',
    optimizer: 'adam',
    learningRate: 0.001,
    classes: 10,
  },
} as const satisfies Record<string, ModelSpec>;

export type ModelName = keyof typeof MODELS;

/** The same spec with every dropout rate 0: the gate's deterministic twin (dropout masks come from each library's own RNG). */
export function withoutDropout(spec: ModelSpec): ModelSpec {
  return { ...spec, layers: spec.layers.map((l) => (l.kind === 'dropout' ? { kind: 'dropout', rate: 0 } : l)) };
}

/** Shapes of every weight, in Sequential order (kernel, bias per layer). */
export function weightShapes(spec: ModelSpec): number[][] {
  const shapes: number[][] = [];
  let shape = [...spec.inputShape];
  for (const l of spec.layers) {
    if (l.kind === 'dense') {
      shapes.push([shape[shape.length - 1]!, l.units], [l.units]);
      shape = [l.units];
    } else if (l.kind === 'conv') {
      shapes.push([l.size, l.size, shape[2]!, l.filters], [l.filters]);
      shape = [shape[0]!, shape[1]!, l.filters];
    } else if (l.kind === 'avgpool') {
      shape = [shape[0]! >> 1, shape[1]! >> 1, shape[2]!];
    } else if (l.kind === 'flatten') {
      shape = [shape.reduce((a, b) => a * b, 1)];
    }
  }
  return shapes;
}

/** Initial weights, generated on the host from `seed` with each layer's initializer (conv: Keras' glorotUniform); biases 0. */
export function initialWeights(spec: ModelSpec, seed: number): Float32Array[] {
  const shapes = weightShapes(spec);
  const inits: string[] = [];
  for (const l of spec.layers) if (l.kind === 'dense') inits.push(l.init);
  else if (l.kind === 'conv') inits.push('glorotUniform');
  return shapes.map((shape, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (i % 2 === 1) return new Float32Array(n);
    const receptive = shape.length === 4 ? shape[0]! * shape[1]! : 1;
    const fanIn = shape[shape.length - 2]! * receptive;
    const fanOut = shape[shape.length - 1]! * receptive;
    const s = seed * 101 + i;
    switch (inits[i >> 1]) {
      case 'truncatedNormal0.1':
        return normal(n, s, 0.1, true);
      case 'heNormal':
        return normal(n, s, Math.sqrt(2 / fanIn), true);
      case 'glorotNormal':
        return normal(n, s, Math.sqrt(2 / (fanIn + fanOut)), true);
      default: {
        const limit = Math.sqrt(6 / (fanIn + fanOut));
        return uniform(n, s, -limit, limit);
      }
    }
  });
}

/** A batch: pixel-like inputs in [0, 1) and class ids. */
export function batchData(spec: ModelSpec, batch: number, seed: number): { x: Float32Array; y: Int32Array; xShape: number[] } {
  const xShape = [batch, ...spec.inputShape];
  const n = xShape.reduce((a, b) => a * b, 1);
  return { x: uniform(n, seed, 0, 1), y: labels(batch, spec.classes, seed + 1), xShape };
}

// ---- polytensor -------------------------------------------------------------------

export function ptModel(spec: ModelSpec, weights: readonly Float32Array[]): pt.Sequential {
  const layers: pt.Layer[] = spec.layers.map((l, i) => {
    const first = i === 0 ? { inputShape: spec.inputShape } : {};
    switch (l.kind) {
      case 'dense':
        return new pt.Dense({ units: l.units, activation: l.activation, ...first });
      case 'conv':
        return new pt.Conv2D({ filters: l.filters, kernelSize: l.size, activation: l.activation, padding: 'same', ...first });
      case 'avgpool':
        return new pt.AveragePooling2D({ poolSize: 2, ...first });
      case 'dropout':
        return new pt.Dropout({ rate: l.rate, ...first });
      case 'flatten':
        return new pt.Flatten(first);
    }
  });
  const model = new pt.Sequential({ name: spec.name, layers });
  model.compile({ optimizer: spec.optimizer, learningRate: spec.learningRate, loss: spec.loss, metrics: ['accuracy'] });
  model.build();
  model.setWeightValues(weights);
  return model;
}

// ---- tfjs ---------------------------------------------------------------------------

export interface TfModel {
  vars: tf.Variable[];
  forward(x: tf.Tensor, training: boolean): tf.Tensor;
  /** One training step, as tfjs-layers' trainOnBatch does it: loss and accuracy, minimize; returns the loss. */
  step(x: tf.Tensor, y: tf.Tensor, training: boolean): Promise<number>;
  dispose(): void;
}

const TF_FUSED: Record<Activation, tf.fused.Activation | null> = { linear: 'linear', relu: 'relu', sigmoid: 'sigmoid', softmax: null };

export function tfModel(spec: ModelSpec, weights: readonly Float32Array[]): TfModel {
  const shapes = weightShapes(spec);
  const vars = weights.map((w, i) => tf.variable(tf.tensor(w, shapes[i]!), true, `${spec.name}_${i}_${Math.random().toString(36).slice(2)}`));
  // SGD: tfjs' own optimizer is the same math. Adam: tf.train.adam puts ε inside the bias
  // correction (lr·m̂/(√v̂ + ε)); Keras and polytensor use α·m/(√v + ε) with
  // α = lr·√(1−β2^t)/(1−β1^t). To time the same math, the tfjs step applies that form with tfjs ops.
  const sgd = spec.optimizer === 'sgd' ? tf.train.sgd(spec.learningRate) : null;
  const slots = spec.optimizer === 'adam' ? vars.map((v) => ({ m: tf.variable(tf.zerosLike(v), false), v: tf.variable(tf.zerosLike(v), false) })) : [];
  let t = 0;
  const applyGradients = (grads: tf.NamedTensorMap): void => {
    if (sgd) {
      sgd.applyGradients(grads);
      return;
    }
    t++;
    const [b1, b2, eps] = [0.9, 0.999, 1e-7];
    const alpha = (spec.learningRate * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    tf.tidy(() => {
      vars.forEach((w, i) => {
        const g = grads[w.name]!;
        const s = slots[i]!;
        const m = tf.add(tf.mul(s.m, b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(s.v, b2), tf.mul(tf.square(g), 1 - b2));
        s.m.assign(m);
        s.v.assign(v);
        w.assign(tf.sub(w, tf.mul(tf.div(m, tf.add(tf.sqrt(v), eps)), alpha)));
      });
    });
  };
  const forward = (x: tf.Tensor, training: boolean): tf.Tensor => {
    let h: tf.Tensor = x;
    let k = 0;
    for (const l of spec.layers) {
      if (l.kind === 'dense' || l.kind === 'conv') {
        const kernel = vars[k++]!;
        const bias = vars[k++]!;
        const fused = TF_FUSED[l.activation];
        if (l.kind === 'dense') {
          h = tf.fused.matMul({ a: h as tf.Tensor2D, b: kernel as tf.Tensor2D, bias, activation: fused ?? 'linear' });
        } else {
          h = tf.fused.conv2d({ x: h as tf.Tensor4D, filter: kernel as tf.Tensor4D, strides: 1, pad: 'same', bias, activation: fused ?? 'linear' });
        }
        if (l.activation === 'softmax') h = tf.softmax(h);
      } else if (l.kind === 'avgpool') {
        h = tf.avgPool(h as tf.Tensor4D, 2, 2, 'valid');
      } else if (l.kind === 'dropout') {
        if (training && l.rate > 0) h = tf.dropout(h, l.rate);
      } else {
        h = tf.reshape(h, [h.shape[0]!, -1]);
      }
    }
    return h;
  };
  const lossOf = (pred: tf.Tensor, y: tf.Tensor): tf.Scalar => {
    const oneHot = tf.oneHot(y as tf.Tensor1D, spec.classes);
    if (spec.loss === 'sparseSoftmaxCrossEntropy') return tf.losses.softmaxCrossEntropy(oneHot, pred) as tf.Scalar;
    // Keras: rescale rows to sum 1, clip to [1e-7, 1 - 1e-7], -Σ y·log p, mean over the batch
    const norm = tf.div(pred, tf.sum(pred, -1, true));
    const clipped = tf.clipByValue(norm, 1e-7, 1 - 1e-7);
    return tf.mean(tf.sum(tf.mul(oneHot, tf.neg(tf.log(clipped))), -1));
  };
  return {
    vars,
    forward,
    async step(x, y, training) {
      let acc: tf.Tensor | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const pred = forward(x, training);
        acc = tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(pred, -1), y), 'float32')));
        return lossOf(pred, y);
      }, vars);
      applyGradients(grads);
      tf.dispose(grads);
      const a = acc as tf.Tensor | null;
      if (a) {
        await a.data();
        a.dispose();
      }
      const loss = (await value.data())[0]!;
      value.dispose();
      return loss;
    },
    dispose() {
      for (const v of vars) v.dispose();
      for (const s of slots) tf.dispose([s.m, s.v]);
      sgd?.dispose();
    },
  };
}

// ---- float64 reference ---------------------------------------------------------------

interface Saved {
  kind: LayerSpec['kind'];
  input: Float64Array;
  inShape: number[];
  output: Float64Array;
  activation?: Activation;
}

/** Forward pass in float64; with `save`, keeps what the backward pass needs. Dropout must be off. */
export function refForward(spec: ModelSpec, weights: readonly ArrayLike<number>[], x: ArrayLike<number>, batch: number, save?: Saved[]): Float64Array {
  let h: Float64Array = Float64Array.from(x);
  let shape = [...spec.inputShape];
  let k = 0;
  for (const l of spec.layers) {
    const input = h;
    const inShape = shape;
    if (l.kind === 'dense') {
      const K = shape[shape.length - 1]!;
      const W = weights[k++]!;
      const b = weights[k++]!;
      const z = ref.matMul(h, W, batch, K, l.units, false).out;
      for (let i = 0; i < z.length; i++) z[i] += b[i % l.units]!;
      h = activate(z, l.activation, l.units);
      shape = [l.units];
      save?.push({ kind: 'dense', input, inShape, output: h, activation: l.activation });
    } else if (l.kind === 'conv') {
      const W = weights[k++]!;
      const b = weights[k++]!;
      const g = { B: batch, H: shape[0]!, W: shape[1]!, C: shape[2]!, O: l.filters, F: l.size };
      const z = ref.conv2d(h, W, g, false).out;
      for (let i = 0; i < z.length; i++) z[i] += b[i % l.filters]!;
      h = activate(z, l.activation, l.filters);
      shape = [shape[0]!, shape[1]!, l.filters];
      save?.push({ kind: 'conv', input, inShape, output: h, activation: l.activation });
    } else if (l.kind === 'avgpool') {
      const [H, W, C] = shape as [number, number, number];
      const Ho = H >> 1;
      const Wo = W >> 1;
      const out = new Float64Array(batch * Ho * Wo * C);
      for (let b = 0; b < batch; b++)
        for (let i = 0; i < Ho; i++)
          for (let j = 0; j < Wo; j++)
            for (let c = 0; c < C; c++) {
              let s = 0;
              for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) s += h[((b * H + 2 * i + di) * W + 2 * j + dj) * C + c]!;
              out[((b * Ho + i) * Wo + j) * C + c] = s / 4;
            }
      h = out;
      shape = [Ho, Wo, C];
      save?.push({ kind: 'avgpool', input, inShape, output: h });
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

/** One training step in float64: the loss before the update and the updated weights. */
export function refTrainStep(
  spec: ModelSpec,
  weights: readonly Float32Array[],
  x: Float32Array,
  y: Int32Array,
): { loss: number; weights: Float64Array[] } {
  const batch = y.length;
  const C = spec.classes;
  const saved: Saved[] = [];
  const out = refForward(spec, weights, x, batch, saved);
  let loss = 0;
  let g: Float64Array = new Float64Array(out.length);
  if (spec.loss === 'sparseSoftmaxCrossEntropy') {
    for (let b = 0; b < batch; b++) {
      let m = -Infinity;
      for (let j = 0; j < C; j++) m = Math.max(m, out[b * C + j]!);
      let s = 0;
      for (let j = 0; j < C; j++) s += Math.exp(out[b * C + j]! - m);
      const ls = Math.log(s);
      loss += -(out[b * C + y[b]!]! - m - ls);
      for (let j = 0; j < C; j++) g[b * C + j] = (Math.exp(out[b * C + j]! - m - ls) - (j === y[b] ? 1 : 0)) / batch;
    }
    loss /= batch;
  } else {
    const eps = 1e-7;
    for (let b = 0; b < batch; b++) {
      let s = 0;
      for (let j = 0; j < C; j++) s += out[b * C + j]!;
      const q = (j: number): number => out[b * C + j]! / s;
      const t = y[b]!;
      const qt = q(t);
      const clipped = Math.min(Math.max(qt, eps), 1 - eps);
      loss += -Math.log(clipped);
      // dL/dq_t = -1/(B q_t) inside the clip range; dq_t/dp_j = (δ_tj − q_t)/s
      const dq = qt > eps && qt < 1 - eps ? -1 / (batch * qt) : 0;
      for (let j = 0; j < C; j++) g[b * C + j] = (dq * ((j === t ? 1 : 0) - qt)) / s;
    }
    loss /= batch;
  }
  const grads: Float64Array[] = new Array<Float64Array>(weights.length);
  let k = weights.length;
  for (let li = saved.length - 1; li >= 0; li--) {
    const s = saved[li]!;
    if (s.kind === 'dense') {
      const units = s.output.length / batch;
      const K = s.input.length / batch;
      g = activationBackward(g, s.output, s.activation!, units);
      const W = weights[k - 2]!;
      // dW = xᵀ·g, db = Σ_b g, dx = g·Wᵀ
      const dW = new Float64Array(K * units);
      for (let b = 0; b < batch; b++)
        for (let i = 0; i < K; i++) {
          const xv = s.input[b * K + i]!;
          if (xv === 0) continue;
          for (let j = 0; j < units; j++) dW[i * units + j] += xv * g[b * units + j]!;
        }
      const db = new Float64Array(units);
      for (let b = 0; b < batch; b++) for (let j = 0; j < units; j++) db[j] += g[b * units + j]!;
      const dx = new Float64Array(batch * K);
      if (li > 0) {
        for (let b = 0; b < batch; b++)
          for (let i = 0; i < K; i++) {
            let acc = 0;
            for (let j = 0; j < units; j++) acc += g[b * units + j]! * W[i * units + j]!;
            dx[b * K + i] = acc;
          }
      }
      grads[k - 2] = dW;
      grads[k - 1] = db;
      k -= 2;
      g = dx;
    } else if (s.kind === 'conv') {
      const [H, Wd, Cin] = s.inShape as [number, number, number];
      const O = s.output.length / (batch * H * Wd);
      const geom = { B: batch, H, W: Wd, C: Cin, O, F: Math.round(Math.sqrt(weights[k - 2]!.length / (Cin * O))) };
      g = activationBackward(g, s.output, s.activation!, O);
      grads[k - 2] = ref.conv2dBackpropFilter(s.input, g, geom, false).out;
      const db = new Float64Array(O);
      for (let i = 0; i < g.length; i++) db[i % O] += g[i]!;
      grads[k - 1] = db;
      g = li > 0 ? ref.conv2dBackpropInput(g, weights[k - 2]!, geom, false).out : new Float64Array(0);
      k -= 2;
    } else if (s.kind === 'avgpool') {
      const [H, W, Cc] = s.inShape as [number, number, number];
      const Ho = H >> 1;
      const Wo = W >> 1;
      const dx = new Float64Array(batch * H * W * Cc);
      for (let b = 0; b < batch; b++)
        for (let i = 0; i < Ho; i++)
          for (let j = 0; j < Wo; j++)
            for (let c = 0; c < Cc; c++) {
              const v = g[((b * Ho + i) * Wo + j) * Cc + c]! / 4;
              for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) dx[((b * H + 2 * i + di) * W + 2 * j + dj) * Cc + c] = v;
            }
      g = dx;
    }
  }
  const updated = weights.map((w, i) => {
    const gr = grads[i]!;
    const out64 = new Float64Array(w.length);
    if (spec.optimizer === 'sgd') {
      for (let j = 0; j < w.length; j++) out64[j] = w[j]! - spec.learningRate * gr[j]!;
    } else {
      // Adam, first step: m = (1-β1)g, v = (1-β2)g², α = lr·√(1-β2)/(1-β1)
      const b1 = 0.9;
      const b2 = 0.999;
      const alpha = (spec.learningRate * Math.sqrt(1 - b2)) / (1 - b1);
      for (let j = 0; j < w.length; j++) {
        const m = (1 - b1) * gr[j]!;
        const v = (1 - b2) * gr[j]! * gr[j]!;
        out64[j] = w[j]! - (alpha * m) / (Math.sqrt(v) + 1e-7);
      }
    }
    return out64;
  });
  return { loss, weights: updated };
}
