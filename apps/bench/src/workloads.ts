/**
 * The workloads. Each one sets itself up on the active backend of either
 * library from the same seeded host data, runs one timed unit, and checks its
 * output against a float64 reference (computed once per process and cached).
 * Every workload is written once over `Lib` (libs.ts); only the op each
 * library calls differs.
 */
import * as pt from '@polytensor/core';
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_FLIP_ALLOWANCE, INFER_TOLERANCE, accumulationGate, relativeToMaxGate, softmaxGate, trainingGate, ulpGate, type Numerics } from './gate.js';
import { POLYTENSOR, TFJS, read, type Lib, type LibTensor } from './libs.js';
import { batchData, hasDropout, initialWeights, modelSpec, optimizerText, withoutDropout, type ModelName, type ModelSpec, type Weights } from './models.js';
import { convFlops, matMulFlops, modelFlops } from './flops.js';
import { naiveMatMul, type GpuConstructor, type NaiveKernel } from './naive_gpujs.js';
import * as ref from './reference.js';
import { refForward, refTrainStep } from './reference_model.js';
import { lstmTrain } from './lstm.js';
import { dropoutMasks, random1m } from './random.js';
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
  /** Floating-point operations one run does (flops.ts: products and convolutions, a multiply-add is 2), for a GFLOP/s figure. */
  flops?(quick: boolean): number;
  polytensor(ctx: Ctx): Handle | Promise<Handle>;
  tfjs(ctx: Ctx): Handle | Promise<Handle>;
  /**
   * The seed model whose inference this is: ONNX Runtime (Node) runs it too,
   * exported with @polytensor/onnx (onnx_runtime.ts, kept out of the browser page).
   */
  onnx?: 'mlp' | 'cnn';
  /** A hand-written gpu.js kernel doing the same (what backend-gpujs's kernels must beat); only some workloads have one. */
  gpujs?(ctx: Ctx, GPU: GpuConstructor): Handle | Promise<Handle>;
}

export function throughputOf(w: Workload, quick: boolean, medianMs: number): Throughput | null {
  if (!w.throughput) return null;
  return { value: (w.throughput.items(quick) / medianMs) * 1000, unit: w.throughput.unit };
}

// ---- helpers -------------------------------------------------------------------------

const cache = new Map<string, unknown>();
/** The value for `key`, computed on first use (inputs, initial weights, references). */
function cached<T>(key: string, compute: () => T): T {
  if (!cache.has(key)) cache.set(key, compute());
  return cache.get(key) as T;
}

/** Drop cached references (tests; long sessions). */
export function clearReferenceCache(): void {
  cache.clear();
}

type Input = { values: Float32Array; shape: number[] };

/** How a timed run of an op workload works. */
interface RunShape {
  /** Calls per run: all but the last result are disposed unread (queued work), the last is read. Default 1. */
  calls?(quick: boolean): number;
  /** Create the input tensors from host arrays inside every run (arrays in, arrays out) instead of once. */
  upload?: boolean;
}

/**
 * An op on one library: the gate reads one call's result; a run makes
 * `calls` calls and reads the last (so GPU work is inside the timed region).
 */
function opHandle<T extends LibTensor>(
  lib: Lib<T>,
  inputs: readonly Input[],
  call: (...xs: T[]) => T,
  judge: (out: Float32Array) => GateResult,
  calls: number,
  upload: boolean,
): Handle {
  const make = (): T[] => inputs.map((i) => lib.tensor(i.values, i.shape));
  const resident = upload ? null : make();
  const once = async (n: number): Promise<Float32Array> => {
    const xs = resident ?? make();
    try {
      for (let i = 0; i < n - 1; i++) call(...xs).dispose();
      const y = call(...xs);
      try {
        return await read(y);
      } finally {
        y.dispose();
      }
    } finally {
      if (!resident) for (const x of xs) x.dispose();
    }
  };
  return {
    gate: async () => judge(await once(1)),
    run: async () => void (await once(calls)),
    dispose() {
      for (const x of resident ?? []) x.dispose();
    },
  };
}

interface OpSetup {
  inputs: Input[];
  ours: (...xs: pt.Tensor[]) => pt.Tensor;
  theirs: (...xs: tf.Tensor[]) => tf.Tensor;
  judge: (out: Float32Array, num: Numerics) => GateResult;
  /** Compute (and cache) the float64 reference, so that the timed first run does not include it. */
  reference?: () => unknown;
}

interface OpWorkload extends Pick<Workload, 'id' | 'title' | 'description' | 'throughput' | 'flops'>, RunShape {
  setup(quick: boolean): OpSetup;
  /** The same op as a naive gpu.js kernel, when there is one. */
  naive?: (s: OpSetup, quick: boolean, GPU: GpuConstructor) => NaiveKernel;
}

function opWorkload(def: OpWorkload): Workload {
  const setup = (quick: boolean): OpSetup => cached(`${def.id}:${quick}:inputs`, () => def.setup(quick));
  const handle =
    <T extends LibTensor>(lib: Lib<T>, pick: (s: OpSetup) => (...xs: T[]) => T) =>
    (ctx: Ctx): Handle => {
      const s = setup(ctx.quick);
      s.reference?.();
      return opHandle(lib, s.inputs, pick(s), (v) => s.judge(v, ctx.numerics), def.calls?.(ctx.quick) ?? 1, def.upload ?? false);
    };
  const w: Workload = {
    id: def.id,
    title: def.title,
    description: def.description,
    ...(def.throughput ? { throughput: def.throughput } : {}),
    ...(def.flops ? { flops: def.flops } : {}),
    polytensor: handle(POLYTENSOR, (s) => s.ours),
    tfjs: handle(TFJS, (s) => s.theirs),
  };
  const naive = def.naive;
  if (naive) {
    w.gpujs = (ctx, GPU) => {
      const s = setup(ctx.quick);
      s.reference?.();
      const k = naive(s, ctx.quick, GPU);
      return { gate: async () => s.judge(k.run(), ctx.numerics), run: async () => void k.run(), dispose: () => k.dispose() };
    };
  }
  return w;
}

// ---- matMul ----------------------------------------------------------------------------

function matmulSetup(n: number, quick: boolean, N: number): OpSetup {
  const a = uniform(N * N, 11 + N);
  const b = uniform(N * N, 12 + N);
  const reference = (): ref.Accumulated => cached(`matmul-${n}:${quick}:ref`, () => ref.matMul(a, b, N, N, N));
  return {
    reference,
    inputs: [
      { values: a, shape: [N, N] },
      { values: b, shape: [N, N] },
    ],
    ours: (x, y) => pt.matMul(x!, y!),
    theirs: (x, y) => tf.matMul(x!, y!),
    judge: (out, num) => {
      const r = reference();
      return accumulationGate(out, r.out, r.absSum!, r.n, num, `matMul ${N}`);
    },
  };
}

const matSize =
  (n: number, quickN: number) =>
  (quick: boolean): number =>
    quick ? quickN : n;

function matmul(n: number, quickN: number): Workload {
  const size = matSize(n, quickN);
  return opWorkload({
    id: `matmul-${n}`,
    title: `matMul ${n}`,
    description: (quick) => `matMul of two ${size(quick)}×${size(quick)} float32 matrices (uniform in [-1, 1))`,
    flops: (quick) => matMulFlops(size(quick), size(quick), size(quick)),
    setup: (quick) => matmulSetup(n, quick, size(quick)),
  });
}

const CHAIN = 8;

/** Products queued back to back, one readback: closer to the kernel's own cost on a GPU, where a readback per product dominates. */
function matmulChain(n: number, quickN: number): Workload {
  const size = matSize(n, quickN);
  return opWorkload({
    id: `matmul-${n}-chain`,
    title: `matMul ${n} ×${CHAIN}`,
    description: (quick) =>
      `${CHAIN} matMuls of the same two ${size(quick)}×${size(quick)} matrices queued back to back, only the last one read (throughput: products/s)`,
    throughput: { unit: 'products/s', items: () => CHAIN },
    flops: (quick) => CHAIN * matMulFlops(size(quick), size(quick), size(quick)),
    calls: () => CHAIN,
    setup: (quick) => matmulSetup(n, quick, size(quick)),
  });
}

/** Arrays in, arrays out: upload both operands, multiply, read the product; beside a naive gpu.js kernel (in Chromium, with gpujs). */
function matmulUpload(n: number, quickN: number): Workload {
  const size = matSize(n, quickN);
  return opWorkload({
    id: `matmul-${n}-upload`,
    title: `matMul ${n} from host arrays`,
    description: (quick) =>
      `matMul of two ${size(quick)}×${size(quick)} matrices from host arrays: create both tensors, multiply, read the product, free everything ` +
      '(the Chromium run with gpujs adds a naive gpu.js kernel: one thread per output, a loop over k, arrays in and out)',
    upload: true,
    flops: (quick) => matMulFlops(size(quick), size(quick), size(quick)),
    setup: (quick) => matmulSetup(n, quick, size(quick)),
    naive: (s, quick, GPU) => naiveMatMul(GPU, s.inputs[0]!.values, s.inputs[1]!.values, size(quick)),
  });
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

/** One of the three convolution kernels on the seed CNN's big layer, judged by the accumulation rule. */
function convWorkload(
  id: string,
  title: string,
  what: string,
  op: string,
  make: (d: ReturnType<typeof convData>) => Pick<OpSetup, 'inputs' | 'ours' | 'theirs'> & { reference: () => ref.Accumulated },
): Workload {
  return opWorkload({
    id,
    title,
    description: (quick) => `${what}: ${geomText(convGeom(quick))}`,
    flops: (quick) => {
      const g = convGeom(quick);
      return convFlops(g.B, g.H, g.W, g.C, g.O, g.F);
    },
    setup(quick) {
      const m = make(convData(quick));
      const reference = (): ref.Accumulated => cached(`${id}:${quick}:ref`, m.reference);
      return {
        ...m,
        reference,
        judge: (out, num) => {
          const r = reference();
          return accumulationGate(out, r.out, r.absSum!, r.n, num, op);
        },
      };
    },
  });
}

const conv2dFwd = convWorkload('conv2d-fwd', 'conv2d forward', "conv2d of the seed CNN's big layer", 'conv2d', ({ x, w, g }) => ({
  reference: () => ref.conv2d(x, w, g),
  inputs: [
    { values: x, shape: [g.B, g.H, g.W, g.C] },
    { values: w, shape: [g.F, g.F, g.C, g.O] },
  ],
  ours: (a, b) => pt.conv2d(a!, b!, 1, 'same'),
  theirs: (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'),
}));

const conv2dGradInput = convWorkload(
  'conv2d-grad-input',
  'conv2d ∂input',
  'gradient of that conv2d w.r.t. its input (Conv2DBackpropInput)',
  'conv2dBackpropInput',
  ({ w, dy, g }) => {
    const inShape: [number, number, number, number] = [g.B, g.H, g.W, g.C];
    return {
      reference: () => ref.conv2dBackpropInput(dy, w, g),
      inputs: [
        { values: dy, shape: [g.B, g.H, g.W, g.O] },
        { values: w, shape: [g.F, g.F, g.C, g.O] },
      ],
      ours: (d, f) => pt.conv2dBackpropInput(inShape, d!, f!, 1, 'same'),
      // the kernel itself, as our op calls ours (tf.conv2dTranspose is the same kernel behind an op)
      theirs: (d, f) => tf.engine().runKernel('Conv2DBackpropInput', { dy: d!, filter: f! }, { ...tfConvAttrs, inputShape: inShape }) as tf.Tensor,
    };
  },
);

const conv2dGradFilter = convWorkload(
  'conv2d-grad-filter',
  'conv2d ∂filter',
  'gradient of that conv2d w.r.t. its filter (Conv2DBackpropFilter)',
  'conv2dBackpropFilter',
  ({ x, dy, g }) => {
    const filterShape: [number, number, number, number] = [g.F, g.F, g.C, g.O];
    return {
      reference: () => ref.conv2dBackpropFilter(x, dy, g),
      inputs: [
        { values: x, shape: [g.B, g.H, g.W, g.C] },
        { values: dy, shape: [g.B, g.H, g.W, g.O] },
      ],
      ours: (a, d) => pt.conv2dBackpropFilter(a!, d!, filterShape, 1, 'same'),
      theirs: (a, d) => tf.engine().runKernel('Conv2DBackpropFilter', { x: a!, dy: d! }, { ...tfConvAttrs, filterShape }) as tf.Tensor,
    };
  },
);

// ---- elementwise, softmax, reduce ----------------------------------------------------------

const side = (quick: boolean): number => (quick ? 100 : 1000);

const addWorkload = opWorkload({
  id: 'add-1m',
  title: 'add 1M',
  description: (quick) => `elementwise add of two ${side(quick)}×${side(quick)} tensors (${side(quick) ** 2} values)`,
  setup(quick) {
    const n = side(quick);
    const a = uniform(n * n, 31, -100, 100);
    const b = uniform(n * n, 32, -1, 1);
    return {
      inputs: [
        { values: a, shape: [n, n] },
        { values: b, shape: [n, n] },
      ],
      ours: (x, y) => pt.add(x!, y!),
      theirs: (x, y) => tf.add(x!, y!),
      judge: (out, num) => ulpGate(out, ref.add(a, b), num.arithUlp, 'add'),
    };
  },
});

const expWorkload = opWorkload({
  id: 'exp-1m',
  title: 'exp 1M',
  description: (quick) => `elementwise exp over ${side(quick) ** 2} values in [-10, 10)`,
  setup(quick) {
    const n = side(quick);
    const a = uniform(n * n, 33, -10, 10);
    return {
      inputs: [{ values: a, shape: [n, n] }],
      ours: (x) => pt.exp(x!),
      theirs: (x) => tf.exp(x!),
      judge: (out, num) => ulpGate(out, ref.exp(a), (i) => num.expUlp(a[i]!), 'exp', num.expUlpText),
    };
  },
});

const softmaxWorkload = opWorkload({
  id: 'softmax-1k',
  title: 'softmax 1000×1000',
  description: (quick) => `softmax over the last axis of a ${side(quick)}×${side(quick)} tensor (values in [-8, 8))`,
  setup(quick) {
    const n = side(quick);
    const a = uniform(n * n, 34, -8, 8);
    return {
      inputs: [{ values: a, shape: [n, n] }],
      ours: (x) => pt.softmax(x!),
      theirs: (x) => tf.softmax(x!),
      judge: (out, num) => softmaxGate(out, a, n, num),
    };
  },
});

const sumWorkload = opWorkload({
  id: 'sum-1m',
  title: 'sum 1000×1000',
  description: (quick) => `sum over the last axis of a ${side(quick)}×${side(quick)} tensor (reduce to ${side(quick)} values)`,
  setup(quick) {
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
});

// ---- dispatch overhead ---------------------------------------------------------------------

const dispatchOps = (quick: boolean): number => (quick ? 100 : 1000);

/** Many tiny adds: what one op costs beyond its arithmetic (validation, bookkeeping, kernel launch). */
const dispatchWorkload = opWorkload({
  id: 'dispatch-add',
  title: 'dispatch (tiny add)',
  description: (quick) => `per-op overhead: ${dispatchOps(quick)} adds of two [4] tensors per run (each result disposed; the last one read)`,
  throughput: { unit: 'ops/s', items: dispatchOps },
  calls: dispatchOps,
  setup: () => ({
    inputs: [
      { values: Float32Array.from([1, 2, 3, 4]), shape: [4] },
      { values: Float32Array.from([0.5, 0.25, 0.125, 0.0625]), shape: [4] },
    ],
    ours: (a, b) => pt.add(a!, b!),
    theirs: (a, b) => tf.add(a!, b!),
    judge: (out, num) => ulpGate(out, Float64Array.from([1.5, 2.25, 3.125, 4.0625]), num.arithUlp, 'add [4]'),
  }),
});

// ---- the seed models (@polytensor/models): training steps and inference ---------------------

export interface ModelSetup {
  spec: ModelSpec;
  w0: Weights;
  x: Float32Array;
  y: Int32Array;
  xShape: number[];
}

/** Batch sizes: a training step takes the recipe's (quick: a few); inference its own. */
const QUICK_TRAIN_BATCH: Record<ModelName, number> = { mlp: 8, fc: 8, cnn: 1 };
const INFER_BATCH = { mlp: [1000, 64], cnn: [100, 1] } as const;

/** Inputs and the zoo model's initial weights, once per process and mode. */
function modelSetup(key: string, name: ModelName, batch: number, dataSeed: number, weightSeed: number): ModelSetup {
  return cached(`${key}:data`, () => {
    const spec = modelSpec(name);
    const { x, y, xShape } = batchData(spec, batch, dataSeed);
    return { spec, w0: initialWeights(name, weightSeed), x, y, xShape };
  });
}

/** Adam's sign-like first step flips at ReLU ties: allow 0.1% of weights past the bound (see trainingGate). */
const allowFor = (spec: ModelSpec): number => (spec.optimizer.kind === 'adam' ? ADAM_FLIP_ALLOWANCE : 0);

function trainWorkload(name: ModelName): Workload {
  const batch = (quick: boolean): number => (quick ? QUICK_TRAIN_BATCH[name] : modelSpec(name).batchSize);
  const setup = (quick: boolean): ModelSetup => modelSetup(`${name}-train:${quick}`, name, batch(quick), 41, 7);
  const reference = (quick: boolean): { loss: number; weights: Float64Array[] } =>
    cached(`${name}-train:${quick}:ref`, () => {
      const s = setup(quick);
      return refTrainStep(withoutDropout(s.spec), s.w0.values, s.x, s.y);
    });
  const handle =
    <T extends LibTensor>(lib: Lib<T>) =>
    (ctx: Ctx): Handle => {
      const s = setup(ctx.quick);
      reference(ctx.quick);
      const x = lib.tensor(s.x, s.xShape);
      const y = lib.tensor(s.y, [s.y.length]);
      let model: ReturnType<Lib<T>['model']> | null = null;
      return {
        async gate() {
          const twin = lib.model(s.spec, s.w0, false);
          try {
            const loss = await twin.trainStep(x, y);
            const r = reference(ctx.quick);
            return trainingGate(loss, await twin.weights(), r.loss, r.weights, s.w0.values, allowFor(s.spec));
          } finally {
            twin.dispose();
          }
        },
        async run() {
          model ??= lib.model(s.spec, s.w0, true);
          await model.trainStep(x, y);
        },
        dispose() {
          model?.dispose();
          x.dispose();
          y.dispose();
        },
      };
    };
  return {
    id: `${name}-train`,
    title: `${name.toUpperCase()} train step`,
    description: (quick) => {
      const spec = modelSpec(name);
      return (
        `one training step (forward, loss, accuracy, backward, ${spec.optimizer.kind} update) of the zoo's ${name} (${spec.summary}; ${optimizerText(spec.optimizer)}), batch ${batch(quick)}` +
        (hasDropout(spec) ? '; the gate runs the same step with dropout off (masks come from each library’s own RNG)' : '')
      );
    },
    flops: (quick) => modelFlops(modelSpec(name), batch(quick), true),
    polytensor: handle(POLYTENSOR),
    tfjs: handle(TFJS),
  };
}

/** An inference workload's inputs, initial weights and float64 reference (shared with ONNX Runtime's version). */
export function inferenceData(name: 'mlp' | 'cnn', quick: boolean): { setup: ModelSetup; batch: number; reference: Float64Array } {
  const batch = INFER_BATCH[name][quick ? 1 : 0];
  const setup = modelSetup(`${name}-infer:${quick}`, name, batch, 51, 8);
  const reference = cached(`${name}-infer:${quick}:ref`, () => refForward(withoutDropout(setup.spec), setup.w0.values, setup.x, batch));
  return { setup, batch, reference };
}

/** Batches per timed epoch of a fit workload. */
export const FIT_STEPS = (quick: boolean): number => (quick ? 2 : 16);

/**
 * An epoch of FIT_STEPS shuffled batches: `<name>-fit` through `Sequential.fit`
 * (the recipe's metrics, verbose 0), `<name>-loop` through the explicit loop
 * (gather a batch, minimize, loss and accuracy read back). The report divides
 * the two on each polytensor backend: fit's own overhead. tfjs runs its
 * explicit loop for both. The gate trains on one unshuffled batch, which must
 * give the float64 reference's training step.
 */
function epochWorkload(name: ModelName, how: 'fit' | 'loop'): Workload {
  const batch = (quick: boolean): number => (quick ? QUICK_TRAIN_BATCH[name] : modelSpec(name).batchSize);
  // The same seeds as `<name>-train`: its batch is the first batch here.
  const setup = (quick: boolean): ModelSetup => modelSetup(`${name}-epoch:${quick}`, name, batch(quick) * FIT_STEPS(quick), 41, 7);
  const first = (quick: boolean): { x: Float32Array; y: Int32Array; xShape: number[] } => {
    const s = setup(quick);
    const b = batch(quick);
    return { x: s.x.subarray(0, s.x.length / FIT_STEPS(quick)), y: s.y.subarray(0, b), xShape: [b, ...s.xShape.slice(1)] };
  };
  const reference = (quick: boolean): { loss: number; weights: Float64Array[] } =>
    cached(`${name}-epoch:${quick}:ref`, () => {
      const f = first(quick);
      return refTrainStep(withoutDropout(setup(quick).spec), setup(quick).w0.values, f.x, f.y);
    });
  const handle =
    <T extends LibTensor>(lib: Lib<T>) =>
    (ctx: Ctx): Handle => {
      const s = setup(ctx.quick);
      reference(ctx.quick);
      const x = lib.tensor(s.x, s.xShape);
      const y = lib.tensor(s.y, [s.y.length]);
      let model: ReturnType<Lib<T>['model']> | null = null;
      return {
        async gate() {
          const f = first(ctx.quick);
          const twin = lib.model(s.spec, s.w0, false);
          const [x1, y1] = [lib.tensor(f.x, f.xShape), lib.tensor(f.y, [f.y.length])];
          try {
            const loss = await (how === 'fit' ? twin.fitEpoch : twin.loopEpoch)(x1, y1, batch(ctx.quick), false);
            const r = reference(ctx.quick);
            return trainingGate(loss, await twin.weights(), r.loss, r.weights, s.w0.values, allowFor(s.spec));
          } finally {
            twin.dispose();
            x1.dispose();
            y1.dispose();
          }
        },
        async run() {
          model ??= lib.model(s.spec, s.w0, true);
          await (how === 'fit' ? model.fitEpoch : model.loopEpoch)(x, y, batch(ctx.quick), true);
        },
        dispose() {
          model?.dispose();
          x.dispose();
          y.dispose();
        },
      };
    };
  return {
    id: `${name}-${how}`,
    title: `${name.toUpperCase()} ${how === 'fit' ? 'fit' : 'explicit loop'} epoch`,
    description: (quick) =>
      `an epoch of ${FIT_STEPS(quick)} shuffled batches of ${batch(quick)} ` +
      (how === 'fit'
        ? "through Sequential.fit (the recipe's metrics, verbose 0) on polytensor"
        : 'through the explicit loop (gather a batch, minimize, loss and accuracy read back) on polytensor') +
      '; the explicit loop on tfjs',
    throughput: { unit: 'steps/s', items: FIT_STEPS },
    flops: (quick) => FIT_STEPS(quick) * modelFlops(modelSpec(name), batch(quick), true),
    polytensor: handle(POLYTENSOR),
    tfjs: handle(TFJS),
  };
}

function inferWorkload(name: 'mlp' | 'cnn'): Workload {
  const batch = (quick: boolean): number => INFER_BATCH[name][quick ? 1 : 0];
  const setup = (quick: boolean): ModelSetup => inferenceData(name, quick).setup;
  const reference = (quick: boolean): Float64Array => inferenceData(name, quick).reference;
  const handle =
    <T extends LibTensor>(lib: Lib<T>) =>
    (ctx: Ctx): Handle => {
      const s = setup(ctx.quick);
      reference(ctx.quick);
      const x = lib.tensor(s.x, s.xShape);
      const model = lib.model(s.spec, s.w0, true);
      const predict = (): Promise<Float32Array> => model.predict(x, batch(ctx.quick));
      return {
        gate: async () => relativeToMaxGate(await predict(), reference(ctx.quick), INFER_TOLERANCE.rel, `${name} outputs`),
        run: async () => void (await predict()),
        dispose() {
          model.dispose();
          x.dispose();
        },
      };
    };
  return {
    id: `${name}-infer`,
    title: `${name.toUpperCase()} inference`,
    description: (quick) => `inference (predict) of the zoo's ${name} (${modelSpec(name).summary}), on a batch of ${batch(quick)}`,
    throughput: { unit: 'samples/s', items: batch },
    flops: (quick) => modelFlops(modelSpec(name), batch(quick), false),
    polytensor: handle(POLYTENSOR),
    tfjs: handle(TFJS),
    onnx: name,
  };
}

/** Every workload, in report order. */
export const WORKLOADS: readonly Workload[] = [
  matmul(256, 32),
  matmul(512, 48),
  matmul(1024, 64),
  matmulChain(512, 48),
  matmulUpload(512, 48),
  conv2dFwd,
  conv2dGradInput,
  conv2dGradFilter,
  addWorkload,
  expWorkload,
  softmaxWorkload,
  sumWorkload,
  dispatchWorkload,
  random1m,
  dropoutMasks,
  trainWorkload('mlp'),
  epochWorkload('mlp', 'fit'),
  epochWorkload('mlp', 'loop'),
  trainWorkload('fc'),
  trainWorkload('cnn'),
  inferWorkload('mlp'),
  inferWorkload('cnn'),
  lstmTrain,
];

export const WORKLOAD_IDS: readonly string[] = WORKLOADS.map((w) => w.id);

export function workloadById(id: string): Workload {
  const w = WORKLOADS.find((x) => x.id === id);
  if (!w) throw new Error(`unknown workload '${id}'; valid: ${WORKLOAD_IDS.join(', ')}`);
  return w;
}
