/**
 * Training equivalence: a tiny MLP (4 → 8 tanh → 3, softmax cross-entropy
 * from logits via logSoftmax) trained by plain SGD through core's ops and
 * autodiff on the backend under test, against the same loop in float64 with
 * hand-written forward and backward passes. Same seed, same data, same
 * initial weights (drawn here, not by core's generator, so the reference can
 * use them too).
 */
import type { Backend, Tensor } from '@polytensor/core';
import { add, argMax, logSoftmax, matMul, memory, mean, mul, neg, sub, sum, tanh, tensor, tidy, valueAndGrads } from '@polytensor/core';
import type { CaseResult, ConformanceCase } from './cases/types.js';
import { useBackend } from './engine_bridge.js';
import { fmtErr, fmtNum } from './float.js';
import { Rng } from './rng.js';
import { TRAINING_TOLERANCE } from './tolerances.js';

export interface MlpProblem {
  readonly inputs: number;
  readonly hidden: number;
  readonly classes: number;
  readonly samples: number;
  /** Row-major [samples, inputs]. */
  readonly x: Float64Array;
  readonly labels: Int32Array;
  /** Initial parameters W1 [in, hidden], b1 [hidden], W2 [hidden, classes], b2 [classes]. */
  readonly params: readonly Float64Array[];
  readonly learningRate: number;
  readonly steps: number;
}

/** The seeded problem: float32-representable data and weights. */
export function mlpProblem(seed = 'conformance/training/mlp'): MlpProblem {
  const r = new Rng(seed);
  const inputs = 4;
  const hidden = 8;
  const classes = 3;
  const samples = 24;
  const x = Float64Array.from(r.array(samples * inputs, (q) => q.normal()));
  // labels from a random linear teacher, so the problem is learnable
  const teacher = r.array(inputs * classes, (q) => q.normal());
  const labels = new Int32Array(samples);
  for (let s = 0; s < samples; s++) {
    let best = 0;
    let bestV = -Infinity;
    for (let c = 0; c < classes; c++) {
      let v = 0;
      for (let i = 0; i < inputs; i++) v += x[s * inputs + i]! * teacher[i * classes + c]!;
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    labels[s] = best;
  }
  const init = (n: number, std: number): Float64Array => Float64Array.from(r.array(n, (q) => q.normal(0, std)));
  const params = [init(inputs * hidden, 0.5), init(hidden, 0.1), init(hidden * classes, 0.5), init(classes, 0.1)];
  return { inputs, hidden, classes, samples, x, labels, params, learningRate: 0.5, steps: 20 };
}

export interface MlpForward {
  readonly loss: number;
  readonly accuracy: number;
  /** Gradients of the loss w.r.t. W1, b1, W2, b2. */
  readonly grads: Float64Array[];
}

/** Loss, accuracy and analytic gradients of the MLP in float64. */
export function mlpReference(p: MlpProblem, params: readonly Float64Array[]): MlpForward {
  const [W1, b1, W2, b2] = params as [Float64Array, Float64Array, Float64Array, Float64Array];
  const { inputs: I, hidden: H, classes: C, samples: N, x } = p;
  const h = new Float64Array(N * H);
  const dlogits = new Float64Array(N * C);
  let loss = 0;
  let correct = 0;
  for (let s = 0; s < N; s++) {
    for (let j = 0; j < H; j++) {
      let z = b1[j]!;
      for (let i = 0; i < I; i++) z += x[s * I + i]! * W1[i * H + j]!;
      h[s * H + j] = Math.tanh(z);
    }
    const logits = new Float64Array(C);
    let m = -Infinity;
    for (let c = 0; c < C; c++) {
      let z = b2[c]!;
      for (let j = 0; j < H; j++) z += h[s * H + j]! * W2[j * C + c]!;
      logits[c] = z;
      m = Math.max(m, z);
    }
    let se = 0;
    for (let c = 0; c < C; c++) se += Math.exp(logits[c]! - m);
    const lse = m + Math.log(se);
    const y = p.labels[s]!;
    loss -= (logits[y]! - lse) / N;
    let arg = 0;
    for (let c = 1; c < C; c++) if (logits[c]! > logits[arg]!) arg = c;
    if (arg === y) correct++;
    for (let c = 0; c < C; c++) dlogits[s * C + c] = (Math.exp(logits[c]! - lse) - (c === y ? 1 : 0)) / N;
  }
  const gW1 = new Float64Array(I * H);
  const gb1 = new Float64Array(H);
  const gW2 = new Float64Array(H * C);
  const gb2 = new Float64Array(C);
  for (let s = 0; s < N; s++) {
    for (let c = 0; c < C; c++) {
      const d = dlogits[s * C + c]!;
      gb2[c] = gb2[c]! + d;
      for (let j = 0; j < H; j++) gW2[j * C + c] = gW2[j * C + c]! + h[s * H + j]! * d;
    }
    for (let j = 0; j < H; j++) {
      let dh = 0;
      for (let c = 0; c < C; c++) dh += dlogits[s * C + c]! * W2[j * C + c]!;
      const dz = dh * (1 - h[s * H + j]! ** 2);
      gb1[j] = gb1[j]! + dz;
      for (let i = 0; i < I; i++) gW1[i * H + j] = gW1[i * H + j]! + x[s * I + i]! * dz;
    }
  }
  return { loss, accuracy: correct / N, grads: [gW1, gb1, gW2, gb2] };
}

export interface Trajectory {
  /** Loss before each step (steps + 1 values: the last is after the final update). */
  readonly losses: number[];
  readonly finalAccuracy: number;
}

/** The float64 training loop. */
export function trainReference(p: MlpProblem): Trajectory {
  let params = p.params.map((w) => Float64Array.from(w));
  const losses: number[] = [];
  for (let step = 0; step < p.steps; step++) {
    const f = mlpReference(p, params);
    losses.push(f.loss);
    params = params.map((w, k) => w.map((v, i) => v - p.learningRate * f.grads[k]![i]!));
  }
  const last = mlpReference(p, params);
  losses.push(last.loss);
  return { losses, finalAccuracy: last.accuracy };
}

/** The same loop through core's ops and autodiff on the active backend. */
export function trainCore(p: MlpProblem): Trajectory {
  const shapes = [[p.inputs, p.hidden], [p.hidden], [p.hidden, p.classes], [p.classes]];
  const x = tensor(Float32Array.from(p.x), [p.samples, p.inputs], 'float32');
  const onehot = new Float32Array(p.samples * p.classes);
  p.labels.forEach((y, s) => (onehot[s * p.classes + y] = 1));
  const targets = tensor(onehot, [p.samples, p.classes], 'float32');
  let params: Tensor[] = p.params.map((w, k) => tensor(Float32Array.from(w), shapes[k]!, 'float32'));
  const logitsOf = (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor): Tensor => add(matMul(tanh(add(matMul(x, W1), b1)), W2), b2);
  const lossOf = (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor): Tensor => neg(mean(sum(mul(targets, logSoftmax(logitsOf(W1, b1, W2, b2))), 1)));
  const step = valueAndGrads(lossOf);
  const losses: number[] = [];
  try {
    for (let s = 0; s < p.steps; s++) {
      const { value, grads } = step(params);
      losses.push(value.dataSync()[0]!);
      const next = tidy(() => params.map((w, k) => sub(w, mul(grads[k]!, p.learningRate))));
      value.dispose();
      for (const g of grads) g.dispose();
      for (const w of params) w.dispose();
      params = next;
    }
    const final = tidy(() => {
      const [W1, b1, W2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
      return [lossOf(W1, b1, W2, b2), argMax(logitsOf(W1, b1, W2, b2), 1)];
    });
    losses.push(final[0]!.dataSync()[0]!);
    const pred = final[1]!.dataSync();
    let correct = 0;
    p.labels.forEach((y, s) => (correct += pred[s] === y ? 1 : 0));
    for (const t of final) t.dispose();
    return { losses, finalAccuracy: correct / p.samples };
  } finally {
    for (const w of params) w.dispose();
    x.dispose();
    targets.dispose();
  }
}

/** Compare two loss trajectories: worst |Δloss| as a fraction of abs + rel·|loss_ref|. */
export function compareTrajectories(got: Trajectory, want: Trajectory): CaseResult {
  const { abs, rel } = TRAINING_TOLERANCE;
  let worst = 0;
  let message = '';
  for (let i = 0; i < want.losses.length; i++) {
    const g = got.losses[i];
    const w = want.losses[i]!;
    const err = g === undefined || Number.isNaN(g) ? Infinity : Math.abs(g - w) / (abs + rel * Math.abs(w));
    if (err > worst) worst = err;
    if (!(err <= 1) && !message) {
      message = `loss after ${i} step(s): got ${g === undefined ? 'nothing' : fmtNum(g)}, expected ${fmtNum(w)}, error ${fmtErr(err)} of the bound`;
    }
  }
  let pass = worst <= 1;
  if (pass && got.finalAccuracy !== want.finalAccuracy) {
    pass = false;
    message = `final accuracy ${got.finalAccuracy} differs from the reference's ${want.finalAccuracy}`;
  }
  return { pass, worst, bound: 1, unit: 'bound', message };
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

export const trainingCases: readonly ConformanceCase<'training'>[] = [
  {
    kernel: 'training',
    op: 'training',
    name: 'MLP 4→8 tanh→3, softmax cross-entropy, 20 SGD steps (lr 0.5)',
    kind: 'training',
    run(backend: Backend): CaseResult {
      const p = mlpProblem();
      const want = trainReference(p);
      useBackend(backend);
      const tensorsBefore = memory().numTensors;
      const idsBefore = backend.numDataIds();
      let got: Trajectory;
      try {
        got = trainCore(p);
      } catch (e) {
        return { pass: false, worst: Infinity, bound: 1, unit: 'bound', message: `training threw ${errorText(e)}` };
      }
      const leakedTensors = memory().numTensors - tensorsBefore;
      const leakedIds = backend.numDataIds() - idsBefore;
      if (leakedTensors !== 0 || leakedIds !== 0) {
        return { pass: false, worst: Infinity, bound: 1, unit: 'bound', message: `training leaked ${leakedTensors} tensor(s), ${leakedIds} buffer(s)` };
      }
      const r = compareTrajectories(got, want);
      return {
        ...r,
        notes: [`loss ${want.losses[0]!.toFixed(4)} → ${want.losses[want.losses.length - 1]!.toFixed(4)}, accuracy ${(100 * want.finalAccuracy).toFixed(1)}%`],
      };
    },
  },
];
