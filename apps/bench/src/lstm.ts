/**
 * lstm-train: one SGD step of a 2-layer LSTM classifier (sequences of 50
 * steps, 32 features, 128 units per layer, then Dense(10) and softmax
 * cross-entropy; batch 32) in polytensor (Sequential of LSTM layers) and in
 * tfjs-core written as tfjs-layers runs an LSTM (the inputs unstacked along
 * time, per step x·W + h·U + b split into the four gates), from the same
 * initial weights. The gate checks the loss against a float64 forward pass
 * and the update against float64 central differences of that loss at a few
 * weights of each layer (a full float64 backward pass through time is not
 * needed to catch a wrong gradient).
 */
import * as pt from '@polytensor/core';
import * as tf from '@tensorflow/tfjs-core';
import { TRAIN_TOLERANCE } from './gate.js';
import { uniform } from './rng.js';
import type { GateResult } from './types.js';
import type { Ctx, Handle, Workload } from './workloads.js';

interface Geometry {
  batch: number;
  time: number;
  features: number;
  units: number;
  classes: number;
}

const geometry = (quick: boolean): Geometry =>
  quick ? { batch: 4, time: 6, features: 8, units: 8, classes: 10 } : { batch: 32, time: 50, features: 32, units: 128, classes: 10 };
const LEARNING_RATE = 0.1;

interface Setup {
  g: Geometry;
  x: Float32Array;
  y: Int32Array;
  /** kernel1, recurrent1, bias1, kernel2, recurrent2, bias2, dense kernel, dense bias: polytensor's and Keras' order and layout. */
  w0: Float32Array[];
  shapes: number[][];
}

const setups = new Map<boolean, Setup>();
function setupOf(quick: boolean): Setup {
  let s = setups.get(quick);
  if (!s) {
    const g = geometry(quick);
    const { batch, time, features: f, units: u, classes } = g;
    const shapes = [[f, 4 * u], [u, 4 * u], [4 * u], [u, 4 * u], [u, 4 * u], [4 * u], [u, classes], [classes]];
    const scale = (fanIn: number): number => Math.sqrt(3 / fanIn);
    const w0 = shapes.map((shape, i) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const fanIn = shape.length === 2 ? shape[0]! : 1;
      return shape.length === 1 ? uniform(n, 300 + i, -0.1, 0.1) : uniform(n, 300 + i, -scale(fanIn), scale(fanIn));
    });
    const y = Int32Array.from(uniform(batch, 299, 0, classes), (v) => Math.min(classes - 1, Math.floor(v)));
    s = { g, x: uniform(batch * time * f, 298), y, w0, shapes };
    setups.set(quick, s);
  }
  return s;
}

// ---- float64 reference -------------------------------------------------------------------

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/** One LSTM layer over [batch, time, inDim] (row-major), Keras' gate order; the whole sequence out. */
function lstm64(
  x: Float64Array,
  batch: number,
  time: number,
  inDim: number,
  u: number,
  W: ArrayLike<number>,
  U: ArrayLike<number>,
  b: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(batch * time * u);
  const h = new Float64Array(u);
  const c = new Float64Array(u);
  const z = new Float64Array(4 * u);
  for (let n = 0; n < batch; n++) {
    h.fill(0);
    c.fill(0);
    for (let t = 0; t < time; t++) {
      for (let j = 0; j < 4 * u; j++) z[j] = b[j]!;
      const xo = (n * time + t) * inDim;
      for (let k = 0; k < inDim; k++) {
        const xv = x[xo + k]!;
        if (xv === 0) continue;
        const row = k * 4 * u;
        for (let j = 0; j < 4 * u; j++) z[j]! += xv * W[row + j]!;
      }
      for (let k = 0; k < u; k++) {
        const hv = h[k]!;
        const row = k * 4 * u;
        for (let j = 0; j < 4 * u; j++) z[j]! += hv * U[row + j]!;
      }
      for (let j = 0; j < u; j++) {
        const cj = sig(z[u + j]!) * c[j]! + sig(z[j]!) * Math.tanh(z[2 * u + j]!);
        c[j] = cj;
        h[j] = sig(z[3 * u + j]!) * Math.tanh(cj);
      }
      out.set(h, (n * time + t) * u);
    }
  }
  return out;
}

/** The mean softmax cross-entropy of the model on (x, y) with weights `w`. */
function loss64(s: Setup, w: ArrayLike<number>[]): number {
  const { batch, time, features, units: u, classes } = s.g;
  const h1 = lstm64(Float64Array.from(s.x), batch, time, features, u, w[0]!, w[1]!, w[2]!);
  const h2 = lstm64(h1, batch, time, u, u, w[3]!, w[4]!, w[5]!);
  let total = 0;
  for (let n = 0; n < batch; n++) {
    const last = (n * time + time - 1) * u;
    const logits = Array.from({ length: classes }, (_, j) => {
      let v = w[7]![j]!;
      for (let k = 0; k < u; k++) v += h2[last + k]! * w[6]![k * classes + j]!;
      return v;
    });
    const mx = Math.max(...logits);
    const lse = mx + Math.log(logits.reduce((a, v) => a + Math.exp(v - mx), 0));
    total += lse - logits[s.y[n]!]!;
  }
  return total / batch;
}

interface Reference {
  loss: number;
  /** [weight index, flat index, dL/dw by central differences]. */
  grads: Array<[number, number, number]>;
}

const references = new Map<boolean, Reference>();
function referenceOf(quick: boolean): Reference {
  let r = references.get(quick);
  if (!r) {
    const s = setupOf(quick);
    const w = s.w0.map((a) => Float64Array.from(a));
    const probes: Array<[number, number]> = [
      [0, 3],
      [1, 5 * s.g.units + 2],
      [2, s.g.units + 1],
      [3, 7],
      [4, 11],
      [6, 4],
    ];
    const h = 1e-4;
    const grads = probes.map(([k, i]): [number, number, number] => {
      const v = w[k]![i]!;
      w[k]![i] = v + h;
      const up = loss64(s, w);
      w[k]![i] = v - h;
      const down = loss64(s, w);
      w[k]![i] = v;
      return [k, i, (up - down) / (2 * h)];
    });
    r = { loss: loss64(s, w), grads };
    references.set(quick, r);
  }
  return r;
}

/** The step's loss against the float64 loss; its update at the probed weights against -lr·(finite-difference gradient). */
function lstmGate(loss: number, after: readonly ArrayLike<number>[], s: Setup, r: Reference): GateResult {
  const lossFrac = Math.abs(loss - r.loss) / (TRAIN_TOLERANCE.abs + TRAIN_TOLERANCE.rel * Math.abs(r.loss));
  let worst = Number.isNaN(lossFrac) ? Infinity : lossFrac;
  const parts: string[] = [];
  for (const [k, i, g] of r.grads) {
    const got = (s.w0[k]![i]! - after[k]![i]!) / LEARNING_RATE;
    // float32 forward/backward through 100 steps against a float64 difference quotient
    const frac = Math.abs(got - g) / (2e-4 + 2e-2 * Math.abs(g));
    worst = Math.max(worst, Number.isNaN(frac) ? Infinity : frac);
    parts.push(`w${k}[${i}] ${got.toPrecision(4)} vs ${g.toPrecision(4)}`);
  }
  return {
    passed: worst <= 1,
    rule: 'training',
    worst,
    detail: `loss ${loss.toPrecision(6)} vs ${r.loss.toPrecision(6)}; gradients by finite differences (2e-4 + 2e-2·|g|): ${parts.join(', ')}`,
  };
}

// ---- polytensor ---------------------------------------------------------------------------

function ptHandle(ctx: Ctx): Handle {
  const s = setupOf(ctx.quick);
  const { g } = s;
  const make = (): pt.Sequential => {
    const m = new pt.Sequential({
      layers: [
        new pt.LSTM({ units: g.units, returnSequences: true, inputShape: [g.time, g.features] }),
        new pt.LSTM({ units: g.units }),
        new pt.Dense({ units: g.classes }),
      ],
    });
    m.compile({ optimizer: 'sgd', learningRate: LEARNING_RATE, loss: 'sparseSoftmaxCrossEntropy' });
    m.setWeightValues(s.w0);
    return m;
  };
  const x = pt.tensor(s.x, [g.batch, g.time, g.features]);
  const y = pt.tensor(s.y, [g.batch], 'int32');
  let model: pt.Sequential | null = null;
  return {
    async gate() {
      const twin = make();
      try {
        const loss = (await twin.trainOnBatchAsync(x, y))['loss']!;
        return lstmGate(loss, twin.getWeightValues(), s, referenceOf(ctx.quick));
      } finally {
        twin.dispose();
      }
    },
    async run() {
      model ??= make();
      // awaited, as every training row (and the tfjs step, which awaits its loss): a blocking
      // read stalls the GPU backends in Chromium (README, "The training step is trainOnBatchAsync")
      await model.trainOnBatchAsync(x, y);
    },
    dispose() {
      model?.dispose();
      x.dispose();
      y.dispose();
    },
  };
}

// ---- tfjs (as tfjs-layers runs an LSTM) ---------------------------------------------------

function tfHandle(ctx: Ctx): Handle {
  const s = setupOf(ctx.quick);
  const { g } = s;
  const make = () => {
    const vars = s.w0.map((w, i) => tf.variable(tf.tensor(w, s.shapes[i]!), true, `lstm_bench_${i}_${Math.random().toString(36).slice(2)}`));
    const sgd = tf.train.sgd(LEARNING_RATE);
    const layer = (steps: tf.Tensor2D[], W: tf.Tensor, U: tf.Tensor, b: tf.Tensor): tf.Tensor2D[] => {
      let h = tf.zeros([g.batch, g.units]) as tf.Tensor2D;
      let c = tf.zeros([g.batch, g.units]) as tf.Tensor2D;
      const outs: tf.Tensor2D[] = [];
      for (const xt of steps) {
        const z = tf.add(tf.add(tf.matMul(xt, W as tf.Tensor2D), tf.matMul(h, U as tf.Tensor2D)), b);
        const [zi, zf, zc, zo] = tf.split(z, 4, 1) as tf.Tensor2D[];
        c = tf.add(tf.mul(tf.sigmoid(zf!), c), tf.mul(tf.sigmoid(zi!), tf.tanh(zc!)));
        h = tf.mul(tf.sigmoid(zo!), tf.tanh(c));
        outs.push(h);
      }
      return outs;
    };
    const lossOf = (x: tf.Tensor, y: tf.Tensor): tf.Scalar => {
      const steps = tf.unstack(x, 1) as tf.Tensor2D[];
      const h1 = layer(steps, vars[0]!, vars[1]!, vars[2]!);
      const h2 = layer(h1, vars[3]!, vars[4]!, vars[5]!);
      const logits = tf.add(tf.matMul(h2[h2.length - 1]!, vars[6]! as tf.Tensor2D), vars[7]!);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(y as tf.Tensor1D, g.classes), logits);
    };
    return {
      vars,
      async step(x: tf.Tensor, y: tf.Tensor): Promise<number> {
        const { value, grads } = tf.variableGrads(() => lossOf(x, y));
        sgd.applyGradients(grads);
        const loss = (await value.data())[0]!;
        tf.dispose([value, ...Object.values(grads)]);
        return loss;
      },
      dispose() {
        tf.dispose(vars);
        sgd.dispose();
      },
    };
  };
  const x = tf.tensor(s.x, [g.batch, g.time, g.features]);
  const y = tf.tensor(s.y, [g.batch], 'int32');
  let model: ReturnType<typeof make> | null = null;
  return {
    async gate() {
      const twin = make();
      try {
        const loss = await twin.step(x, y);
        const after = await Promise.all(twin.vars.map(async (v) => (await v.data()) as Float32Array));
        return lstmGate(loss, after, s, referenceOf(ctx.quick));
      } finally {
        twin.dispose();
      }
    },
    async run() {
      model ??= make();
      await model.step(x, y);
    },
    dispose() {
      model?.dispose();
      x.dispose();
      y.dispose();
    },
  };
}

export const lstmTrain: Workload = {
  id: 'lstm-train',
  title: 'LSTM train step',
  description: (quick) => {
    const g = geometry(quick);
    return `one SGD step (lr ${LEARNING_RATE}) of a 2-layer LSTM (${g.units} units each) over sequences of ${g.time} steps of ${g.features} features, then Dense(${g.classes}) and softmax cross-entropy, batch ${g.batch}; tfjs as tfjs-layers runs an LSTM (unstack, one matMul pair per step, split into gates)`;
  },
  polytensor: ptHandle,
  tfjs: tfHandle,
};
