/**
 * Training equivalence of models built from core's layers: the same model
 * (one seed: the same initial weights), data and SGD steps through
 * `trainOnBatch` on the backend under test and on the float64 reference
 * backend (each op in float64, rounded to its float32 output). The loss
 * trajectories must agree within TRAINING_TOLERANCE, and nothing may leak.
 * One case per model family; each new layer joins one, so every layer trains
 * on every backend the suite runs on.
 */
import type { Backend, LayersModel } from '@polytensor/core';
import {
  Add,
  Bidirectional,
  Concatenate,
  Conv1D,
  Conv2DTranspose,
  Cropping2D,
  Dense,
  DepthwiseConv2D,
  ELU,
  Embedding,
  Flatten,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GRU,
  input,
  LayerNormalization,
  LSTM,
  MaxPooling1D,
  MaxPooling2D,
  memory,
  model,
  Permute,
  PReLU,
  RepeatVector,
  SeparableConv2D,
  Sequential,
  setSeed,
  SimpleRNN,
  tensor,
  TimeDistributed,
  UpSampling2D,
  ZeroPadding2D,
} from '@polytensor/core';
import type { CaseResult, ConformanceCase } from './cases/types.js';
import { useBackend } from './engine_bridge.js';
import { fmtErr, fmtNum } from './float.js';
import { createReferenceBackend } from './reference_backend.js';
import { Rng } from './rng.js';
import { TRAINING_TOLERANCE } from './tolerances.js';

/** A model to train: made after the backend is chosen (its weights live there), with host data. */
export interface ModelProblem {
  readonly name: string;
  readonly steps: number;
  /** The compiled model (setSeed first: same weights on every backend). */
  make(): LayersModel;
  /** Inputs and labels as host arrays with shapes. */
  readonly x: ReadonlyArray<{ values: Float32Array | Int32Array; shape: number[]; dtype?: 'float32' | 'int32' }>;
  readonly y: ReadonlyArray<{ values: Float32Array; shape: number[] }>;
}

function train(p: ModelProblem): number[] {
  const m = p.make();
  const x = p.x.map((a) => tensor(a.values, a.shape, a.dtype ?? 'float32'));
  const y = p.y.map((a) => tensor(a.values, a.shape));
  const losses: number[] = [];
  try {
    for (let s = 0; s < p.steps; s++) losses.push(m.trainOnBatch(x, y).loss);
    losses.push(m.evaluate(x, y, { batchSize: x[0]!.shape[0]! })['loss']!);
  } finally {
    for (const t of [...x, ...y]) t.dispose();
    m.dispose();
  }
  return losses;
}

let reference: Backend | null = null;
const referenceLosses = new Map<string, number[]>();

/** The problem's trajectory on the float64 reference backend (computed once). */
function referenceTrajectory(p: ModelProblem): number[] {
  let want = referenceLosses.get(p.name);
  if (!want) {
    reference ??= createReferenceBackend({ name: 'conformance-model-training-reference' });
    useBackend(reference);
    want = train(p);
    referenceLosses.set(p.name, want);
  }
  return want;
}

function compare(got: readonly number[], want: readonly number[]): CaseResult {
  const { abs, rel } = TRAINING_TOLERANCE;
  let worst = 0;
  let message = '';
  want.forEach((w, i) => {
    const g = got[i];
    const err = g === undefined || Number.isNaN(g) ? Infinity : Math.abs(g - w) / (abs + rel * Math.abs(w));
    if (err > worst) worst = err;
    if (!(err <= 1) && !message)
      message = `loss after ${i} step(s): got ${g === undefined ? 'nothing' : fmtNum(g)}, expected ${fmtNum(w)}, error ${fmtErr(err)} of the bound`;
  });
  return { pass: worst <= 1, worst, bound: 1, unit: 'bound', message, notes: [`loss ${fmtNum(want[0]!)} → ${fmtNum(want[want.length - 1]!)}`] };
}

/** A conformance case training `p` on the backend under test against the reference trajectory. */
export function modelTrainingCase(p: ModelProblem): ConformanceCase<'training'> {
  return {
    kernel: 'training',
    op: 'training',
    name: p.name,
    kind: 'training',
    run(backend: Backend): CaseResult {
      const want = referenceTrajectory(p);
      useBackend(backend);
      const tensorsBefore = memory().numTensors;
      const idsBefore = backend.numDataIds();
      let got: number[];
      try {
        got = train(p);
      } catch (e) {
        return {
          pass: false,
          worst: Infinity,
          bound: 1,
          unit: 'bound',
          message: `training threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
        };
      }
      const leakedTensors = memory().numTensors - tensorsBefore;
      const leakedIds = backend.numDataIds() - idsBefore;
      if (leakedTensors !== 0 || leakedIds !== 0) {
        return { pass: false, worst: Infinity, bound: 1, unit: 'bound', message: `training leaked ${leakedTensors} tensor(s), ${leakedIds} buffer(s)` };
      }
      return compare(got, want);
    },
  };
}

const normal = (r: Rng, n: number): Float32Array => Float32Array.from(r.array(n, (q) => q.normal()));

/** Two inputs through one shared Dense, Concatenate and Add, two outputs (MSE and cross-entropy, weighted). */
function functionalTwoTower(): ModelProblem {
  const r = new Rng('conformance/training/functional');
  const n = 16;
  const kinds = Float32Array.from({ length: n * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0));
  return {
    name: 'functional: shared Dense on two inputs, Concatenate and Add, MSE + cross-entropy outputs, 10 SGD steps',
    steps: 10,
    x: [
      { values: normal(r, n * 5), shape: [n, 5] },
      { values: normal(r, n * 5), shape: [n, 5] },
    ],
    y: [
      { values: normal(r, n), shape: [n, 1] },
      { values: kinds, shape: [n, 3] },
    ],
    make() {
      setSeed(11);
      const a = input({ shape: [5] });
      const b = input({ shape: [5] });
      const shared = new Dense({ units: 6, activation: 'tanh' });
      const [ha, hb] = [shared.apply(a), shared.apply(b)];
      const score = new Dense({ units: 1 }).apply(new Concatenate().apply([ha, hb]));
      const kind = new Dense({ units: 3, activation: 'softmax' }).apply(new Add().apply([ha, hb]));
      const m = model({ inputs: [a, b], outputs: [score, kind] });
      m.compile({ optimizer: 'sgd', learningRate: 0.2, loss: ['meanSquaredError', 'categoricalCrossentropy'], lossWeights: [1, 0.5] });
      return m;
    },
  };
}

/** Padded id sequences through Embedding (maskZero), a Bidirectional GRU, TimeDistributed Dense, SimpleRNN and LSTM. */
function recurrentText(): ModelProblem {
  const r = new Rng('conformance/training/recurrent');
  const n = 8;
  const time = 5;
  // Ids 1..9, each sequence padded with zeros after a length of 2 to 5.
  const ids = new Int32Array(n * time);
  const labels = new Float32Array(n * 2);
  for (let s = 0; s < n; s++) {
    const len = 2 + (s % 4);
    let total = 0;
    for (let t = 0; t < len; t++) {
      const id = r.int(1, 9);
      ids[s * time + t] = id;
      total += id;
    }
    labels[s * 2 + (total > 5 * len ? 1 : 0)] = 1;
  }
  return {
    name: 'recurrent: Embedding (maskZero), Bidirectional GRU, TimeDistributed Dense, SimpleRNN, LSTM on padded ids, 8 SGD steps',
    steps: 8,
    x: [{ values: ids, shape: [n, time], dtype: 'int32' }],
    y: [{ values: labels, shape: [n, 2] }],
    make() {
      setSeed(12);
      const m = new Sequential({
        layers: [
          new Embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputLength: time }),
          new Bidirectional({ layer: new GRU({ units: 3, returnSequences: true }) }),
          new TimeDistributed({ layer: new Dense({ units: 3, activation: 'tanh' }) }),
          new SimpleRNN({ units: 3, returnSequences: true }),
          new LSTM({ units: 3 }),
          new Dense({ units: 2, activation: 'softmax' }),
        ],
      });
      m.compile({ optimizer: 'sgd', learningRate: 0.5, loss: 'categoricalCrossentropy' });
      return m;
    },
  };
}

/** Images and sequences through the other convolutions, pools, padding, normalization and reshaping layers. */
function convolutionZoo(): ModelProblem {
  const r = new Rng('conformance/training/convolutions');
  const n = 4;
  const kinds = Float32Array.from({ length: n * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0));
  return {
    name: 'convolutions: Depthwise, Separable, Transpose, Conv1D (causal), pools, padding, cropping, upsampling, LayerNormalization, PReLU, ELU, RepeatVector, Permute, 6 SGD steps',
    steps: 6,
    x: [
      { values: normal(r, n * 6 * 6 * 2), shape: [n, 6, 6, 2] },
      { values: normal(r, n * 8 * 3), shape: [n, 8, 3] },
    ],
    y: [{ values: kinds, shape: [n, 3] }],
    make() {
      setSeed(13);
      const img = input({ shape: [6, 6, 2] });
      const seq = input({ shape: [8, 3] });
      let a = new DepthwiseConv2D({ kernelSize: 3, padding: 'same', depthMultiplier: 2 }).apply(img); // [6,6,4]
      a = new PReLU({ sharedAxes: [1, 2], alphaInitializer: { className: 'Constant', config: { value: 0.2 } } }).apply(a);
      a = new SeparableConv2D({ filters: 3, kernelSize: 3 }).apply(a); // [4,4,3]
      a = new LayerNormalization().apply(a);
      a = new Conv2DTranspose({ filters: 2, kernelSize: 2, strides: 2, activation: 'tanh' }).apply(a); // [8,8,2]
      a = new Cropping2D({ cropping: 1 }).apply(a); // [6,6,2]
      a = new ZeroPadding2D({ padding: 1 }).apply(a); // [8,8,2]
      a = new MaxPooling2D({ poolSize: 2 }).apply(a); // [4,4,2]
      a = new UpSampling2D({ size: 2 }).apply(a); // [8,8,2]
      a = new GlobalAveragePooling2D().apply(a); // [2]
      let b = new Conv1D({ filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 2 }).apply(seq); // [8,4]
      b = new ELU({ alpha: 0.5 }).apply(b);
      b = new MaxPooling1D({ poolSize: 2 }).apply(b); // [4,4]
      b = new GlobalMaxPooling1D().apply(b); // [4]
      let c = new Concatenate().apply([a, b]); // [6]
      c = new RepeatVector({ n: 2 }).apply(c); // [2,6]
      c = new Permute({ dims: [2, 1] }).apply(c); // [6,2]
      c = new Flatten().apply(c);
      const m = model({ inputs: [img, seq], outputs: new Dense({ units: 3, activation: 'softmax' }).apply(c) });
      m.compile({ optimizer: 'sgd', learningRate: 0.3, loss: 'categoricalCrossentropy' });
      return m;
    },
  };
}

export const modelTrainingCases: readonly ConformanceCase<'training'>[] = [
  modelTrainingCase(functionalTwoTower()),
  modelTrainingCase(recurrentText()),
  modelTrainingCase(convolutionZoo()),
];
