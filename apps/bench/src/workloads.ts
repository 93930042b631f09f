/**
 * The workloads. Each one sets itself up on the active backend of either
 * library from the same seeded host data, runs one timed unit, and checks its
 * output against a float64 reference (computed once per process and cached).
 */
import * as pt from '@polytensor/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  ADAM_FLIP_ALLOWANCE, INFER_TOLERANCE, accumulationGate, relativeToMaxGate, softmaxGate, trainingGate, ulpGate, type Numerics,
} from './gate.js';
import { MODELS, batchData, initialWeights, ptModel, refForward, refTrainStep, tfModel, withoutDropout, type ModelSpec } from './models.js';
import * as ref from './reference.js';
import { uniform } from './rng.js';
import type { GateResult, Throughput } from './types.js';

export interface Ctx {
  quick: boolean;
  numerics: Numerics;
}

/** One implementation of a workload, set up and ready to time. */
export interface Handle {
  /** Run once and judge the output against the float64 reference. */
  gate(): Promise<GateResult>;
  /** One timed unit; resolves once its result is computed and read (GPU work awaited). */
  run(): Promise<void>;
  dispose(): void;
}

export interface Workload {
  id: string;
  title: string;
  description(quick: boolean): string;
  /** Items one run processes (inference: samples; dispatch: ops), for a throughput figure. */
  throughput?: { unit: string; items(quick: boolean): number };
  polytensor(ctx: Ctx): Handle | Promise<Handle>;
  tfjs(ctx: Ctx): Handle | Promise<Handle>;
}

export function throughputOf(w: Workload, quick: boolean, medianMs: number): Throughput | null {
  if (!w.throughput) return null;
  return { value: (w.throughput.items(quick) / medianMs) * 1000, unit: w.throughput.unit };
}

// ---- helpers -------------------------------------------------------------------------

const cache = new Map<string, unknown>();
/** The reference for `key`, computed on first use. */
function cached<T>(key: string, compute: () => T): T {
  if (!cache.has(key)) cache.set(key, compute());
  return cache.get(key) as T;
}

/** Drop cached references (tests; long sessions). */
export function clearReferenceCache(): void {
  cache.clear();
}

/** A single-output op: the same function shape for both libraries. */
interface OpSpec<T> {
  inputs: Array<{ values: Float32Array; shape: number[] }>;
  call(...xs: T[]): T;
  judge(out: Float32Array): GateResult;
}

function ptOp(spec: OpSpec<pt.Tensor>): Handle {
  const xs = spec.inputs.map((i) => pt.tensor(i.values, i.shape));
  return {
    async gate() {
      const y = spec.call(...xs);
      const v = (await y.data()) as Float32Array;
      y.dispose();
      return spec.judge(v);
    },
    async run() {
      const y = spec.call(...xs);
      await y.data();
      y.dispose();
    },
    dispose() {
      for (const x of xs) x.dispose();
    },
  };
}

function tfOp(spec: OpSpec<tf.Tensor>): Handle {
  const xs = spec.inputs.map((i) => tf.tensor(i.values, i.shape));
  return {
    async gate() {
      const y = spec.call(...xs);
      const v = (await y.data()) as Float32Array;
      y.dispose();
      return spec.judge(v);
    },
    async run() {
      const y = spec.call(...xs);
      await y.data();
      y.dispose();
    },
    dispose() {
      for (const x of xs) x.dispose();
    },
  };
}

function opWorkload(
  id: string,
  title: string,
  description: (quick: boolean) => string,
  make: (quick: boolean) => {
    inputs: Array<{ values: Float32Array; shape: number[] }>;
    ours: (...xs: pt.Tensor[]) => pt.Tensor;
    theirs: (...xs: tf.Tensor[]) => tf.Tensor;
    judge: (out: Float32Array, num: Numerics) => GateResult;
    /** Compute (and cache) the float64 reference, so that the timed first run does not include it. */
    reference?: () => unknown;
  },
): Workload {
  const setup = (quick: boolean): ReturnType<typeof make> => cached(`${id}:${quick}:inputs`, () => make(quick));
  return {
    id,
    title,
    description,
    polytensor(ctx) {
      const s = setup(ctx.quick);
      s.reference?.();
      return ptOp({ inputs: s.inputs, call: s.ours, judge: (v) => s.judge(v, ctx.numerics) });
    },
    tfjs(ctx) {
      const s = setup(ctx.quick);
      s.reference?.();
      return tfOp({ inputs: s.inputs, call: s.theirs, judge: (v) => s.judge(v, ctx.numerics) });
    },
  };
}

// ---- matMul ----------------------------------------------------------------------------

function matmul(n: number, quickN: number): Workload {
  const size = (quick: boolean): number => (quick ? quickN : n);
  return opWorkload(
    `matmul-${n}`,
    `matMul ${n}`,
    (quick) => `matMul of two ${size(quick)}×${size(quick)} float32 matrices (uniform in [-1, 1))`,
    (quick) => {
      const N = size(quick);
      const a = uniform(N * N, 11 + N);
      const b = uniform(N * N, 12 + N);
      const reference = (): ref.Accumulated => cached(`matmul-${n}:${quick}:ref`, () => ref.matMul(a, b, N, N, N));
      return {
        reference,
        inputs: [{ values: a, shape: [N, N] }, { values: b, shape: [N, N] }],
        ours: (x, y) => pt.matMul(x!, y!),
        theirs: (x, y) => tf.matMul(x!, y!),
        judge: (out, num) => {
          const r = reference();
          return accumulationGate(out, r.out, r.absSum!, r.n, num, `matMul ${N}`);
        },
      };
    },
  );
}

// ---- conv2d --------------------------------------------------------------------------

const convGeom = (quick: boolean): ref.ConvGeom => (quick ? { B: 2, H: 8, W: 8, C: 8, O: 8, F: 3 } : { B: 50, H: 28, W: 28, C: 64, O: 64, F: 3 });
const geomText = (g: ref.ConvGeom): string => `batch ${g.B}, ${g.H}×${g.W}×${g.C} → ${g.O}, ${g.F}×${g.F}, stride 1, SAME`;

function convData(quick: boolean): { x: Float32Array; w: Float32Array; dy: Float32Array; g: ref.ConvGeom } {
  return cached(`conv:${quick}:data`, () => {
    const g = convGeom(quick);
    const limit = Math.sqrt(6 / (g.F * g.F * (g.C + g.O)));
    return {
      g,
      x: uniform(g.B * g.H * g.W * g.C, 21, 0, 1),
      w: uniform(g.F * g.F * g.C * g.O, 22, -limit, limit),
      dy: uniform(g.B * g.H * g.W * g.O, 23, -1e-2, 1e-2),
    };
  });
}

const tfConvAttrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };

const conv2dFwd = opWorkload(
  'conv2d-fwd',
  'conv2d forward',
  (quick) => `conv2d of the seed CNN's big layer: ${geomText(convGeom(quick))}`,
  (quick) => {
    const { x, w, g } = convData(quick);
    const reference = (): ref.Accumulated => cached(`conv2d-fwd:${quick}:ref`, () => ref.conv2d(x, w, g));
    return {
      reference,
      inputs: [{ values: x, shape: [g.B, g.H, g.W, g.C] }, { values: w, shape: [g.F, g.F, g.C, g.O] }],
      ours: (a, b) => pt.conv2d(a!, b!, 1, 'same'),
      theirs: (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'),
      judge: (out, num) => {
        const r = reference();
        return accumulationGate(out, r.out, r.absSum!, r.n, num, 'conv2d');
      },
    };
  },
);

const conv2dGradInput = opWorkload(
  'conv2d-grad-input',
  'conv2d ∂input',
  (quick) => `gradient of that conv2d w.r.t. its input (Conv2DBackpropInput): ${geomText(convGeom(quick))}`,
  (quick) => {
    const { w, dy, g } = convData(quick);
    const inShape: [number, number, number, number] = [g.B, g.H, g.W, g.C];
    const reference = (): ref.Accumulated => cached(`conv2d-grad-input:${quick}:ref`, () => ref.conv2dBackpropInput(dy, w, g));
    return {
      reference,
      inputs: [{ values: dy, shape: [g.B, g.H, g.W, g.O] }, { values: w, shape: [g.F, g.F, g.C, g.O] }],
      ours: (d, f) => pt.conv2dBackpropInput(inShape, d!, f!, 1, 'same'),
      // the kernel itself, as our op calls ours (tf.conv2dTranspose is the same kernel behind an op)
      theirs: (d, f) => tf.engine().runKernel('Conv2DBackpropInput', { dy: d!, filter: f! }, { ...tfConvAttrs, inputShape: inShape }) as tf.Tensor,
      judge: (out, num) => {
        const r = reference();
        return accumulationGate(out, r.out, r.absSum!, r.n, num, 'conv2dBackpropInput');
      },
    };
  },
);

const conv2dGradFilter = opWorkload(
  'conv2d-grad-filter',
  'conv2d ∂filter',
  (quick) => `gradient of that conv2d w.r.t. its filter (Conv2DBackpropFilter): ${geomText(convGeom(quick))}`,
  (quick) => {
    const { x, dy, g } = convData(quick);
    const filterShape: [number, number, number, number] = [g.F, g.F, g.C, g.O];
    const reference = (): ref.Accumulated => cached(`conv2d-grad-filter:${quick}:ref`, () => ref.conv2dBackpropFilter(x, dy, g));
    return {
      reference,
      inputs: [{ values: x, shape: [g.B, g.H, g.W, g.C] }, { values: dy, shape: [g.B, g.H, g.W, g.O] }],
      ours: (a, d) => pt.conv2dBackpropFilter(a!, d!, filterShape, 1, 'same'),
      theirs: (a, d) => tf.engine().runKernel('Conv2DBackpropFilter', { x: a!, dy: d! }, { ...tfConvAttrs, filterShape }) as tf.Tensor,
      judge: (out, num) => {
        const r = reference();
        return accumulationGate(out, r.out, r.absSum!, r.n, num, 'conv2dBackpropFilter');
      },
    };
  },
);

// ---- elementwise, softmax, reduce ----------------------------------------------------------

const side = (quick: boolean): number => (quick ? 100 : 1000);

const addWorkload = opWorkload(
  'add-1m',
  'add 1M',
  (quick) => `elementwise add of two ${side(quick)}×${side(quick)} tensors (${side(quick) ** 2} values)`,
  (quick) => {
    const n = side(quick);
    const a = uniform(n * n, 31, -100, 100);
    const b = uniform(n * n, 32, -1, 1);
    return {
      inputs: [{ values: a, shape: [n, n] }, { values: b, shape: [n, n] }],
      ours: (x, y) => pt.add(x!, y!),
      theirs: (x, y) => tf.add(x!, y!),
      judge: (out, num) => ulpGate(out, ref.add(a, b), num.arithUlp, 'add'),
    };
  },
);

const expWorkload = opWorkload(
  'exp-1m',
  'exp 1M',
  (quick) => `elementwise exp over ${side(quick) ** 2} values in [-10, 10)`,
  (quick) => {
    const n = side(quick);
    const a = uniform(n * n, 33, -10, 10);
    return {
      inputs: [{ values: a, shape: [n, n] }],
      ours: (x) => pt.exp(x!),
      theirs: (x) => tf.exp(x!),
      judge: (out, num) => ulpGate(out, ref.exp(a), (i) => num.expUlp(a[i]!), 'exp', num.expUlpText),
    };
  },
);

const softmaxWorkload = opWorkload(
  'softmax-1k',
  'softmax 1000×1000',
  (quick) => `softmax over the last axis of a ${side(quick)}×${side(quick)} tensor (values in [-8, 8))`,
  (quick) => {
    const n = side(quick);
    const a = uniform(n * n, 34, -8, 8);
    return {
      inputs: [{ values: a, shape: [n, n] }],
      ours: (x) => pt.softmax(x!),
      theirs: (x) => tf.softmax(x!),
      judge: (out, num) => softmaxGate(out, a, n, num),
    };
  },
);

const sumWorkload = opWorkload(
  'sum-1m',
  'sum 1000×1000',
  (quick) => `sum over the last axis of a ${side(quick)}×${side(quick)} tensor (reduce to ${side(quick)} values)`,
  (quick) => {
    const n = side(quick);
    const a = uniform(n * n, 35);
    return {
      inputs: [{ values: a, shape: [n, n] }],
      ours: (x) => pt.sum(x!, -1),
      theirs: (x) => tf.sum(x!, -1),
      judge: (out, num) => {
        const r = ref.sumLastAxis(a, n, n);
        return accumulationGate(out, r.out, r.absSum!, r.n, num, 'sum');
      },
    };
  },
);

// ---- dispatch overhead ---------------------------------------------------------------------

const dispatchOps = (quick: boolean): number => (quick ? 100 : 1000);

/** Many tiny adds: what one op costs beyond its arithmetic (validation, bookkeeping, kernel launch). */
const dispatchWorkload: Workload = {
  id: 'dispatch-add',
  title: 'dispatch (tiny add)',
  description: (quick) => `per-op overhead: ${dispatchOps(quick)} adds of two [4] tensors per run (each result disposed; the last one read)`,
  throughput: { unit: 'ops/s', items: dispatchOps },
  polytensor(ctx) {
    const a = pt.tensor([1, 2, 3, 4]);
    const b = pt.tensor([0.5, 0.25, 0.125, 0.0625]);
    const want = Float64Array.from([1.5, 2.25, 3.125, 4.0625]);
    return {
      async gate() {
        const c = pt.add(a, b);
        const v = await c.data();
        c.dispose();
        return ulpGate(v, want, ctx.numerics.arithUlp, 'add [4]');
      },
      async run() {
        const n = dispatchOps(ctx.quick);
        for (let i = 0; i < n - 1; i++) pt.add(a, b).dispose();
        const last = pt.add(a, b);
        await last.data();
        last.dispose();
      },
      dispose() {
        a.dispose();
        b.dispose();
      },
    };
  },
  tfjs(ctx) {
    const a = tf.tensor([1, 2, 3, 4]);
    const b = tf.tensor([0.5, 0.25, 0.125, 0.0625]);
    const want = Float64Array.from([1.5, 2.25, 3.125, 4.0625]);
    return {
      async gate() {
        const c = tf.add(a, b);
        const v = await c.data();
        c.dispose();
        return ulpGate(v, want, ctx.numerics.arithUlp, 'add [4]');
      },
      async run() {
        const n = dispatchOps(ctx.quick);
        for (let i = 0; i < n - 1; i++) tf.add(a, b).dispose();
        const last = tf.add(a, b);
        await last.data();
        last.dispose();
      },
      dispose() {
        a.dispose();
        b.dispose();
      },
    };
  },
};

// ---- training steps ----------------------------------------------------------------------

interface TrainSetup {
  spec: ModelSpec;
  w0: Float32Array[];
  x: Float32Array;
  y: Int32Array;
  xShape: number[];
}

const TRAIN_BATCH = { mlp: [64, 8], fc: [100, 8], cnn: [50, 1] } as const;

function trainSetup(name: keyof typeof MODELS, quick: boolean): TrainSetup {
  return cached(`${name}-train:${quick}:data`, () => {
    const spec: ModelSpec = MODELS[name];
    const batch = TRAIN_BATCH[name][quick ? 1 : 0];
    const { x, y, xShape } = batchData(spec, batch, 41);
    return { spec, w0: initialWeights(spec, 7), x, y, xShape };
  });
}

function trainRef(name: keyof typeof MODELS, quick: boolean): { loss: number; weights: Float64Array[] } {
  return cached(`${name}-train:${quick}:ref`, () => {
    const s = trainSetup(name, quick);
    return refTrainStep(withoutDropout(s.spec), s.w0, s.x, s.y);
  });
}

/** Adam's sign-like first step flips at ReLU ties: allow 0.1% of weights past the bound (see trainingGate). */
const allowFor = (spec: ModelSpec): number => (spec.optimizer === 'adam' ? ADAM_FLIP_ALLOWANCE : 0);

const hasDropout = (spec: ModelSpec): boolean => spec.layers.some((l) => l.kind === 'dropout' && l.rate > 0);

function trainWorkload(name: keyof typeof MODELS): Workload {
  const spec: ModelSpec = MODELS[name];
  return {
    id: `${name}-train`,
    title: `${name.toUpperCase()} train step`,
    description: (quick) =>
      `one training step (forward, loss, accuracy, backward, ${spec.optimizer} update) of the ${spec.description}, batch ${TRAIN_BATCH[name][quick ? 1 : 0]}` +
      (hasDropout(spec) ? '; the gate runs the same step with dropout off (masks come from each library’s own RNG)' : ''),
    polytensor(ctx) {
      const s = trainSetup(name, ctx.quick);
      trainRef(name, ctx.quick);
      const x = pt.tensor(s.x, s.xShape);
      const y = pt.tensor(s.y, [s.y.length], 'int32');
      let model: pt.Sequential | null = null;
      return {
        async gate() {
          const twin = ptModel(withoutDropout(s.spec), s.w0);
          try {
            const logs = twin.trainOnBatch(x, y);
            const r = trainRef(name, ctx.quick);
            return trainingGate(logs['loss']!, twin.getWeightValues(), r.loss, r.weights, s.w0, allowFor(s.spec));
          } finally {
            twin.dispose();
          }
        },
        async run() {
          model ??= ptModel(s.spec, s.w0);
          model.trainOnBatch(x, y);
        },
        dispose() {
          model?.dispose();
          x.dispose();
          y.dispose();
        },
      };
    },
    tfjs(ctx) {
      const s = trainSetup(name, ctx.quick);
      trainRef(name, ctx.quick);
      const x = tf.tensor(s.x, s.xShape);
      const y = tf.tensor(s.y, [s.y.length], 'int32');
      let model: ReturnType<typeof tfModel> | null = null;
      return {
        async gate() {
          const twin = tfModel(withoutDropout(s.spec), s.w0);
          try {
            const loss = await twin.step(x, y, true);
            const weights = await Promise.all(twin.vars.map((v) => v.data()));
            const r = trainRef(name, ctx.quick);
            return trainingGate(loss, weights, r.loss, r.weights, s.w0, allowFor(s.spec));
          } finally {
            twin.dispose();
          }
        },
        async run() {
          model ??= tfModel(s.spec, s.w0);
          await model.step(x, y, true);
        },
        dispose() {
          model?.dispose();
          x.dispose();
          y.dispose();
        },
      };
    },
  };
}

// ---- inference -------------------------------------------------------------------------------

const INFER_BATCH = { mlp: [1000, 64], cnn: [100, 1] } as const;

function inferWorkload(name: 'mlp' | 'cnn'): Workload {
  const spec: ModelSpec = MODELS[name];
  const batch = (quick: boolean): number => INFER_BATCH[name][quick ? 1 : 0];
  const setup = (quick: boolean): TrainSetup =>
    cached(`${name}-infer:${quick}:data`, () => {
      const { x, y, xShape } = batchData(spec, batch(quick), 51);
      return { spec, w0: initialWeights(spec, 8), x, y, xShape };
    });
  const reference = (quick: boolean): Float64Array =>
    cached(`${name}-infer:${quick}:ref`, () => {
      const s = setup(quick);
      return refForward(withoutDropout(spec), s.w0, s.x, batch(quick));
    });
  return {
    id: `${name}-infer`,
    title: `${name.toUpperCase()} inference`,
    description: (quick) => `inference (predict) of the ${spec.description}, on a batch of ${batch(quick)}`,
    throughput: { unit: 'samples/s', items: batch },
    polytensor(ctx) {
      const s = setup(ctx.quick);
      reference(ctx.quick);
      const x = pt.tensor(s.x, s.xShape);
      const model = ptModel(spec, s.w0);
      const predict = async (): Promise<Float32Array> => {
        const out = model.predict(x, { batchSize: batch(ctx.quick) });
        const v = (await out.data()) as Float32Array;
        out.dispose();
        return v;
      };
      return {
        async gate() {
          return relativeToMaxGate(await predict(), reference(ctx.quick), INFER_TOLERANCE.rel, `${name} outputs`);
        },
        async run() {
          await predict();
        },
        dispose() {
          model.dispose();
          x.dispose();
        },
      };
    },
    tfjs(ctx) {
      const s = setup(ctx.quick);
      reference(ctx.quick);
      const x = tf.tensor(s.x, s.xShape);
      const model = tfModel(spec, s.w0);
      const predict = async (): Promise<Float32Array> => {
        const out = tf.tidy(() => model.forward(x, false));
        const v = (await out.data()) as Float32Array;
        out.dispose();
        return v;
      };
      return {
        async gate() {
          return relativeToMaxGate(await predict(), reference(ctx.quick), INFER_TOLERANCE.rel, `${name} outputs`);
        },
        async run() {
          await predict();
        },
        dispose() {
          model.dispose();
          x.dispose();
        },
      };
    },
  };
}

/** Every workload, in report order. */
export const WORKLOADS: readonly Workload[] = [
  matmul(256, 32),
  matmul(512, 48),
  matmul(1024, 64),
  conv2dFwd,
  conv2dGradInput,
  conv2dGradFilter,
  addWorkload,
  expWorkload,
  softmaxWorkload,
  sumWorkload,
  dispatchWorkload,
  trainWorkload('mlp'),
  trainWorkload('fc'),
  trainWorkload('cnn'),
  inferWorkload('mlp'),
  inferWorkload('cnn'),
];

export const WORKLOAD_IDS: readonly string[] = WORKLOADS.map((w) => w.id);

export function workloadById(id: string): Workload {
  const w = WORKLOADS.find((x) => x.id === id);
  if (!w) throw new Error(`unknown workload '${id}'; valid: ${WORKLOAD_IDS.join(', ')}`);
  return w;
}
