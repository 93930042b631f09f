/**
 * Gradient checks: every differentiable kernel's gradient, computed through
 * core's autodiff (`grads`) on the backend under test, against a float64
 * reference gradient: Richardson-extrapolated central differences of the
 * float64 reference forward. Inputs stay away from kinks (relu/abs at 0, max
 * ties, pool ties, floor at integers) by more than the difference step.
 */
import type { KernelName, Tensor } from '@polytensor/core';
import * as core from '@polytensor/core';
import { computeConv2DInfo, computePool2DInfo, ENGINE, grads, memory, tensor, type GradientRules } from '@polytensor/core';
import { caseFrom, type CaseResult, type CaseSubject, type ConformanceCase } from './cases/types.js';
import { useBackend } from './engine_bridge.js';
import { fmtErr, fmtNum } from './float.js';
import { host, shapeStr, sizeOf, toTyped, unravel, type HostTensor } from './host.js';
import * as ref from './reference/index.js';
import { Rng } from './rng.js';
import { GRADIENT_TOLERANCE, type GradientTolerance } from './tolerances.js';

/** A gradient case as data. */
export interface GradientSpec<K extends CaseSubject = KernelName> {
  /** The kernel whose gradient rule this exercises ('op' for a composite op of core: its gradient is its kernels' rules chained). */
  readonly kernel: K;
  /** The report row (default: the kernel's name): the sub-op for unary, binary and reduce ('exp'). */
  readonly op?: string;
  readonly name: string;
  readonly inputs: (r: Rng) => HostTensor[];
  /** Inputs differentiated (default: every float32 input). */
  readonly wrt?: readonly number[];
  /** The forward through core ops. */
  readonly core: (xs: readonly Tensor[]) => Tensor;
  /** The same forward on the float64 reference (unrounded). */
  readonly reference: (xs: readonly HostTensor[]) => HostTensor;
  /** How the gradient is judged (default GRADIENT_TOLERANCE). */
  readonly tolerance?: GradientTolerance;
  /**
   * An elementwise forward of one input: differentiate each element on its
   * own, with a step relative to |x| (h = 10⁻³·|x|), so tiny inputs (log near
   * 0) and saturated outputs (expm1 near −1) keep their digits.
   */
  readonly elementwise?: boolean;
  /** The gradient rules to differentiate with (default: core's, as `grads` uses); the suite's own tests pass older formulas. */
  readonly rules?: GradientRules;
}

/** `grads(f)(xs, dy)` with other gradient rules than core's. */
function gradientsWith(rules: GradientRules, f: (...xs: Tensor[]) => Tensor, xs: Tensor[], dy: Tensor): Tensor[] {
  const { value, grads: gs } = ENGINE.gradients(() => f(...xs), xs, rules, dy);
  value.dispose();
  return gs;
}

/**
 * d/dx_j of F at x by central differences with one Richardson step:
 * D(h) = (F(x+h) − F(x−h)) / 2h, result (4·D(h/2) − D(h)) / 3, error O(h⁴).
 */
export function richardson(F: () => number, x: Float64Array, j: number, h: number): number {
  const x0 = x[j]!;
  const D = (s: number): number => {
    x[j] = x0 + s;
    const fp = F();
    x[j] = x0 - s;
    const fm = F();
    x[j] = x0;
    return (fp - fm) / (2 * s);
  };
  return (4 * D(h / 2) - D(h)) / 3;
}

/** The vector-Jacobian product dyᵀ·J of `forward` w.r.t. input k, by finite differences in float64. */
export function referenceVjp(forward: (xs: readonly HostTensor[]) => HostTensor, inputs: readonly HostTensor[], dy: Float64Array, k: number): Float64Array {
  const xs = inputs.map((x) => ({ ...x, values: Float64Array.from(x.values) }));
  const target = xs[k]!.values;
  const F = (): number => {
    const y = forward(xs).values;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += dy[i]! * y[i]!;
    return s;
  };
  const g = new Float64Array(target.length);
  for (let j = 0; j < target.length; j++) {
    const h = 1e-3 * Math.max(1, Math.abs(target[j]!));
    g[j] = richardson(F, target, j, h);
  }
  return g;
}

/**
 * dy ⊙ f'(x) for an elementwise `forward`, each element differentiated alone
 * (no other output in the sum to cancel against) with the step h = 10⁻³·|x|.
 */
export function elementwiseVjp(forward: (xs: readonly HostTensor[]) => HostTensor, x: HostTensor, dy: Float64Array): Float64Array {
  const g = new Float64Array(x.values.length);
  const at = new Float64Array(1);
  const one: HostTensor = { shape: [1], values: at, dtype: x.dtype };
  for (let j = 0; j < g.length; j++) {
    at[0] = x.values[j]!;
    const h = 1e-3 * (Math.abs(at[0]) || 1);
    g[j] = dy[j]! * richardson(() => forward([one]).values[0]!, at, 0, h);
  }
  return g;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Turn a gradient spec into a conformance case. */
export function gradientCase<K extends CaseSubject>(spec: GradientSpec<K>): ConformanceCase<K> {
  return caseFrom(spec, 'gradient', (backend, op) => {
    const { rtol, atol, abs } = spec.tolerance ?? GRADIENT_TOLERANCE;
    const fail = (message: string): CaseResult => ({ pass: false, worst: Infinity, bound: 1, unit: 'bound', message });
    const rng = new Rng(`gradient/${op}/${spec.name}`);
    const inputs = spec.inputs(rng);
    const wrt = spec.wrt ?? inputs.flatMap((x, i) => (x.dtype === 'float32' ? [i] : []));
    const out = spec.reference(inputs);
    const dy = host(
      out.shape,
      rng.array(sizeOf(out.shape), (q) => q.float(-1, 1)),
    );
    const expected = wrt.map((k) =>
      spec.elementwise ? elementwiseVjp(spec.reference, inputs[k]!, dy.values) : referenceVjp(spec.reference, inputs, dy.values, k),
    );

    useBackend(backend);
    const tensorsBefore = memory().numTensors;
    const idsBefore = backend.numDataIds();
    let got: Float32Array[];
    const xs = inputs.map((x) => tensor(toTyped(x), x.shape, x.dtype));
    const dyT = tensor(toTyped(dy), dy.shape, 'float32');
    try {
      const f = (...ws: Tensor[]): Tensor => {
        const all = [...xs];
        wrt.forEach((k, i) => (all[k] = ws[i]!));
        return spec.core(all);
      };
      const ws = wrt.map((k) => xs[k]!);
      const gs = spec.rules ? gradientsWith(spec.rules, f, ws, dyT) : grads(f)(ws, dyT);
      try {
        for (let i = 0; i < gs.length; i++) {
          const want = inputs[wrt[i]!]!.shape;
          if (shapeStr(gs[i]!.shape) !== shapeStr(want)) {
            return fail(`gradient ${i} has shape ${shapeStr(gs[i]!.shape)}, expected ${shapeStr(want)}`);
          }
        }
        got = gs.map((g) => Float32Array.from(g.dataSync()));
      } finally {
        for (const g of gs) g.dispose();
      }
    } catch (e) {
      return fail(`computing the gradient threw ${errorText(e)}`);
    } finally {
      for (const x of xs) x.dispose();
      dyT.dispose();
    }
    const tensorsAfter = memory().numTensors;
    const idsAfter = backend.numDataIds();
    if (tensorsAfter !== tensorsBefore) return fail(`leaked ${tensorsAfter - tensorsBefore} tensor(s) through the gradient`);
    if (idsAfter !== idsBefore) return fail(`numDataIds() went from ${idsBefore} to ${idsAfter}: the backend leaked buffers`);

    let worst = 0;
    let message = '';
    let failures = 0;
    wrt.forEach((k, w) => {
      const e = expected[w]!;
      const g = got[w]!;
      let scale = 0;
      for (const v of e) scale = Math.max(scale, Math.abs(v));
      for (let i = 0; i < e.length; i++) {
        const bound = rtol * Math.abs(e[i]!) + atol * scale + abs;
        const err = Number.isNaN(g[i]!) ? Infinity : Math.abs(g[i]! - e[i]!) / bound;
        if (err > worst || Number.isNaN(err)) worst = err;
        if (!(err <= 1)) {
          failures++;
          if (!message) {
            const idx = unravel(i, inputs[k]!.shape);
            message =
              `d/d(input ${k}) element [${idx.join(',')}] at x=${fmtNum(inputs[k]!.values[i]!)}: ` +
              `got ${fmtNum(g[i]!)}, expected ${fmtNum(e[i]!)}, error ${fmtErr(err)} of the bound`;
          }
        }
      }
    });
    if (failures > 1) message += ` (${failures} elements fail)`;
    return { pass: failures === 0, worst, bound: 1, unit: 'bound', message };
  });
}

// ---- input generators ----------------------------------------------------------

type Gen = (r: Rng) => number;
const uni =
  (lo: number, hi: number): Gen =>
  (r) =>
    r.float(lo, hi);
/** |x| in [lo, hi], random sign: away from the kink at 0. */
const awayFromZero =
  (lo: number, hi: number): Gen =>
  (r) =>
    (r.bool() ? -1 : 1) * r.float(lo, hi);
/** x = k + f with f in [0.15, 0.35] ∪ [0.65, 0.85]: away from integers and half-integers. */
const offGrid: Gen = (r) => r.int(-3, 3) + (r.bool() ? r.float(0.15, 0.35) : r.float(0.65, 0.85));
const t =
  (shape: readonly number[], gen: Gen) =>
  (r: Rng): HostTensor =>
    host(shape, r.array(sizeOf(shape), gen));
/** Distinct values at least 0.02 apart (max/min/pool without ties), shuffled. */
const distinct =
  (shape: readonly number[]) =>
  (r: Rng): HostTensor => {
    const n = sizeOf(shape);
    const vals = r.shuffle(Array.from({ length: n }, (_, i) => (i - n / 2) * 0.05 + r.float(0, 0.01)));
    return host(shape, vals);
  };

// ---- cases ----------------------------------------------------------------------

type UnaryName =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'reciprocal'
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'elu'
  | 'softplus'
  | 'sin'
  | 'cos'
  | 'floor'
  | 'ceil'
  | 'round';

const UNARY_GRADS: ReadonlyArray<readonly [UnaryName, Gen]> = [
  ['neg', uni(-3, 3)],
  ['abs', awayFromZero(0.05, 3)],
  ['sign', awayFromZero(0.05, 3)],
  ['exp', uni(-3, 3)],
  ['expm1', uni(-3, 3)],
  ['log', uni(0.3, 3)],
  ['log1p', uni(-0.5, 3)],
  ['sqrt', uni(0.3, 3)],
  ['rsqrt', uni(0.3, 3)],
  ['square', uni(-3, 3)],
  ['reciprocal', awayFromZero(0.3, 3)],
  ['relu', awayFromZero(0.05, 3)],
  ['sigmoid', uni(-4, 4)],
  ['tanh', uni(-3, 3)],
  ['elu', awayFromZero(0.05, 3)],
  ['softplus', uni(-5, 5)],
  ['sin', uni(-4, 4)],
  ['cos', uni(-4, 4)],
  ['floor', offGrid],
  ['ceil', offGrid],
  ['round', offGrid],
];

const unaryGradients = UNARY_GRADS.map(([op, gen]) =>
  gradientCase({
    kernel: 'unary',
    op,
    name: `${op} [3,5]`,
    inputs: (r) => [t([3, 5], gen)(r)],
    // biome-ignore lint/performance/noDynamicNamespaceImportAccess: every op by its name (a test suite, never bundled for size)
    core: ([x]) => core[op](x!),
    reference: ([x]) => ref.unary(op, x!),
  }),
);

type BinaryName = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'squaredDifference';

const BINARY_GRADS: ReadonlyArray<readonly [BinaryName, Gen, Gen]> = [
  ['add', uni(-2, 2), uni(-2, 2)],
  ['sub', uni(-2, 2), uni(-2, 2)],
  ['mul', uni(-2, 2), uni(-2, 2)],
  ['div', uni(-2, 2), awayFromZero(0.5, 2)],
  ['pow', uni(0.5, 2), uni(-2, 2)],
  ['maximum', uni(-2, 2), uni(-2, 2)],
  ['minimum', uni(-2, 2), uni(-2, 2)],
  ['squaredDifference', uni(-2, 2), uni(-2, 2)],
];

/** maximum/minimum: b is a shifted copy of a's row so no pair is within 0.05 of a tie. */
function binaryInputs(op: BinaryName, ga: Gen, gb: Gen, sa: number[], sb: number[]) {
  return (r: Rng): HostTensor[] => {
    const a = t(sa, ga)(r);
    if (op !== 'maximum' && op !== 'minimum') return [a, t(sb, gb)(r)];
    const b = t(sb, gb)(r);
    // nudge b away from every a it meets under broadcasting
    const bv = b.values.map((v) => v);
    for (let j = 0; j < bv.length; j++) {
      for (let guard = 0; guard < 50; guard++) {
        let near = false;
        for (let i = 0; i < a.values.length; i++) if (Math.abs(a.values[i]! - bv[j]!) < 0.05) near = true;
        if (!near) break;
        bv[j] = Math.fround(bv[j]! + 0.037);
      }
    }
    return [a, host(sb, bv)];
  };
}

const binaryGradients = BINARY_GRADS.flatMap(([op, ga, gb]) =>
  (
    [
      [[3, 4], [3, 4], 'same shape [3,4]'],
      [[3, 4], [4], 'broadcast [3,4] ⊗ [4]'],
      [[2, 1, 3], [4, 1], 'broadcast [2,1,3] ⊗ [4,1]'],
    ] as const
  ).map(([sa, sb, what]) =>
    gradientCase({
      kernel: 'binary',
      op,
      name: what,
      inputs: binaryInputs(op, ga, gb, [...sa], [...sb]),
      // biome-ignore lint/performance/noDynamicNamespaceImportAccess: every op by its name (a test suite, never bundled for size)
      core: ([a, b]) => core[op](a!, b!),
      reference: ([a, b]) => ref.binary(op, a!, b!),
    }),
  ),
);

const whereGradient = gradientCase({
  kernel: 'where',
  name: 'cond [3,4] ⊗ a [3,4] ⊗ b [4]',
  inputs: (r) => [
    host(
      [3, 4],
      r.array(12, (q) => (q.bool() ? 1 : 0)),
      'bool',
    ),
    t([3, 4], uni(-2, 2))(r),
    t([4], uni(-2, 2))(r),
  ],
  core: ([c, a, b]) => core.where(c!, a!, b!),
  reference: ([c, a, b]) => ref.where(c!, a!, b!),
});

type ReduceName = 'sum' | 'prod' | 'max' | 'min';

/** op(x, axis) against the reference's reduction over [axis], or over every axis when axis is undefined. */
const reduceGradient = (op: ReduceName, name: string, input: (r: Rng) => HostTensor, axis?: number): ConformanceCase =>
  gradientCase({
    kernel: 'reduce',
    op,
    name,
    inputs: (r) => [input(r)],
    // biome-ignore lint/performance/noDynamicNamespaceImportAccess: every op by its name (a test suite, never bundled for size)
    core: ([x]) => core[op](x!, axis),
    reference: ([x]) => ref.reduce(op, x!, axis === undefined ? x!.shape.map((_, i) => i) : [axis]).out,
  });

const reduceGradients: ConformanceCase[] = [
  reduceGradient('sum', 'sum [3,4,5] axis 1', t([3, 4, 5], uni(-2, 2)), 1),
  reduceGradient('sum', 'sum [3,4] all axes', t([3, 4], uni(-2, 2))),
  gradientCase({
    kernel: 'reduce',
    op: 'sum',
    name: 'mean [3,4,5] axes [0,2] (sum / n)',
    inputs: (r) => [t([3, 4, 5], uni(-2, 2))(r)],
    core: ([x]) => core.mean(x!, [0, 2]),
    reference: ([x]) => {
      const s = ref.reduce('sum', x!, [0, 2]).out;
      return { ...s, values: s.values.map((v) => v / 15) };
    },
  }),
  reduceGradient('prod', 'prod [3,4] axis 1', t([3, 4], awayFromZero(0.5, 1.5)), 1),
  reduceGradient('max', 'max [4,5] axis 1 (no ties)', distinct([4, 5]), 1),
  reduceGradient('max', 'max [3,4] all axes', distinct([3, 4])),
  reduceGradient('min', 'min [4,5] axis 0 (no ties)', distinct([4, 5]), 0),
];

const movementGradients: ConformanceCase[] = [
  gradientCase({
    kernel: 'transpose',
    name: '[2,3,4] perm [2,0,1]',
    inputs: (r) => [t([2, 3, 4], uni(-2, 2))(r)],
    core: ([x]) => core.transpose(x!, [2, 0, 1]),
    reference: ([x]) => ref.transpose(x!, [2, 0, 1]),
  }),
  gradientCase({
    kernel: 'slice',
    name: '[4,5] begin [1,1] size [2,3]',
    inputs: (r) => [t([4, 5], uni(-2, 2))(r)],
    core: ([x]) => core.slice(x!, [1, 1], [2, 3]),
    reference: ([x]) => ref.slice(x!, [1, 1], [2, 3]),
  }),
  gradientCase({
    kernel: 'concat',
    name: '[2,3] + [2,2] axis 1',
    inputs: (r) => [t([2, 3], uni(-2, 2))(r), t([2, 2], uni(-2, 2))(r)],
    core: (xs) => core.concat([xs[0]!, xs[1]!], 1),
    reference: (xs) => ref.concat(xs, 1),
  }),
  gradientCase({
    kernel: 'pad',
    name: '[2,3] paddings [[1,0],[2,1]]',
    inputs: (r) => [t([2, 3], uni(-2, 2))(r)],
    core: ([x]) =>
      core.pad(
        x!,
        [
          [1, 0],
          [2, 1],
        ],
        0.5,
      ),
    reference: ([x]) =>
      ref.pad(
        x!,
        [
          [1, 0],
          [2, 1],
        ],
        0.5,
      ),
  }),
  gradientCase({
    kernel: 'gather',
    name: 'x [5,3] indices [4,0,4,2] axis 0 (repeats)',
    inputs: (r) => [t([5, 3], uni(-2, 2))(r), host([4], [4, 0, 4, 2], 'int32')],
    core: ([x, i]) => core.gather(x!, i!, 0),
    reference: ([x, i]) => ref.gather(x!, i!, 0),
  }),
  gradientCase({
    kernel: 'gather',
    name: 'x [3,4] indices [2,2] axis 1',
    inputs: (r) => [t([3, 4], uni(-2, 2))(r), host([2, 2], [3, 1, 1, 0], 'int32')],
    core: ([x, i]) => core.gather(x!, i!, 1),
    reference: ([x, i]) => ref.gather(x!, i!, 1),
  }),
  gradientCase({
    kernel: 'scatterAdd',
    name: 'updates [6,3] indices [0,2,0,1,2,2] → [3,3]',
    inputs: (r) => [t([6, 3], uni(-2, 2))(r), host([6], [0, 2, 0, 1, 2, 2], 'int32')],
    core: ([u, i]) => core.scatterAdd(u!, i!, 0, [3, 3]),
    reference: ([u, i]) => ref.scatterAdd(u!, i!, 0, [3, 3]).out,
  }),
];

function mm(tA: boolean, tB: boolean, M: number, K: number, N: number): ConformanceCase {
  const sa = tA ? [K, M] : [M, K];
  const sb = tB ? [N, K] : [K, N];
  return gradientCase({
    kernel: 'matMul',
    name: `a ${shapeStr(sa)} b ${shapeStr(sb)}${tA ? ' transposeA' : ''}${tB ? ' transposeB' : ''}`,
    inputs: (r) => [t(sa, uni(-1, 1))(r), t(sb, uni(-1, 1))(r)],
    core: ([a, b]) => core.matMul(a!, b!, tA, tB),
    reference: ([a, b]) => {
      const o = ref.matMul({ ...a!, shape: [1, ...a!.shape] }, { ...b!, shape: [1, ...b!.shape] }, tA, tB).out;
      return { ...o, shape: o.shape.slice(1) };
    },
  });
}

const matMulGradients: ConformanceCase[] = [
  mm(false, false, 4, 5, 3),
  mm(true, false, 4, 5, 3),
  mm(false, true, 4, 5, 3),
  mm(true, true, 4, 5, 3),
  gradientCase({
    kernel: 'matMul',
    name: 'batched a [2,3,4] b [2,4,2]',
    inputs: (r) => [t([2, 3, 4], uni(-1, 1))(r), t([2, 4, 2], uni(-1, 1))(r)],
    core: ([a, b]) => core.matMul(a!, b!),
    reference: ([a, b]) => ref.matMul(a!, b!, false, false).out,
  }),
  gradientCase({
    kernel: 'matMul',
    name: 'batch broadcast a [2,3,4] b [1,4,2]',
    inputs: (r) => [t([2, 3, 4], uni(-1, 1))(r), t([1, 4, 2], uni(-1, 1))(r)],
    core: ([a, b]) => core.matMul(a!, b!),
    reference: ([a, b]) => ref.matMul(a!, b!, false, false).out,
  }),
];

const fusedGradients: ConformanceCase[] = (['linear', 'sigmoid', 'tanh', 'relu'] as const).map((act) =>
  gradientCase({
    kernel: 'fusedMatMul',
    name: `${act} + bias a [4,5] b [5,3]`,
    inputs: (r) => [t([4, 5], uni(-1, 1))(r), t([5, 3], uni(-1, 1))(r), t([3], uni(-0.5, 0.5))(r)],
    core: ([a, b, bias]) => core.fusedMatMul({ a: a!, b: b!, bias: bias!, activation: act }),
    reference: ([a, b, bias]) => ref.fusedMatMul(a!, b!, bias!, act, false, false).out,
  }),
);

/** fusedConv2d in x, filter and bias, every activation (relu inputs random: a pre-activation within the step of 0 would fail). */
const fusedConvGradients: ConformanceCase[] = (
  [
    ['linear', 1, 'same'],
    ['relu', 1, 'same'],
    ['sigmoid', 2, 'valid'],
    ['tanh', 2, 'same'],
  ] as const
).map(([act, s, pad]) => {
  const info = computeConv2DInfo('conformance', [1, 5, 5, 2], [3, 3, 2, 2], s, pad, 1);
  return gradientCase({
    kernel: 'fusedConv2d',
    name: `${act} + bias x [1,5,5,2] filter [3,3,2,2] stride ${s} ${pad}`,
    inputs: (r) => [t([1, 5, 5, 2], uni(-1, 1))(r), t([3, 3, 2, 2], uni(-1, 1))(r), t([2], uni(-0.5, 0.5))(r)],
    core: ([x, f, bias]) => core.fusedConv2d({ x: x!, filter: f!, strides: s, pad, bias: bias!, activation: act }),
    reference: ([x, f, bias]) => ref.fusedConv2d(x!, f!, bias!, act, info).out,
  });
});

interface ConvG {
  readonly x: [number, number, number, number];
  readonly f: [number, number, number, number];
  readonly s: number;
  readonly pad: 'same' | 'valid';
  readonly d: number;
}
const CONV_G: readonly ConvG[] = [
  { x: [1, 5, 5, 2], f: [3, 3, 2, 2], s: 1, pad: 'same', d: 1 },
  { x: [2, 6, 5, 1], f: [2, 3, 1, 2], s: 2, pad: 'valid', d: 1 },
  { x: [1, 6, 6, 1], f: [2, 2, 1, 2], s: 1, pad: 'valid', d: 2 },
];

const convGradients: ConformanceCase[] = CONV_G.flatMap((g) => {
  const info = computeConv2DInfo('conformance', g.x, g.f, g.s, g.pad, g.d);
  const what = `x ${shapeStr(g.x)} filter ${shapeStr(g.f)} stride ${g.s} ${g.pad} dilation ${g.d}`;
  return [
    gradientCase({
      kernel: 'conv2d',
      name: what,
      inputs: (r) => [t(g.x, uni(-1, 1))(r), t(g.f, uni(-1, 1))(r)],
      core: ([x, f]) => core.conv2d(x!, f!, g.s, g.pad, g.d),
      reference: ([x, f]) => ref.conv2d(x!, f!, info).out,
    }),
    gradientCase({
      kernel: 'conv2dBackpropInput',
      name: what,
      inputs: (r) => [t(info.outShape, uni(-1, 1))(r), t(g.f, uni(-1, 1))(r)],
      core: ([dy, f]) => core.conv2dBackpropInput(g.x, dy!, f!, g.s, g.pad, g.d),
      reference: ([dy, f]) => ref.conv2dBackpropInput(dy!, f!, info).out,
    }),
    gradientCase({
      kernel: 'conv2dBackpropFilter',
      name: what,
      inputs: (r) => [t(g.x, uni(-1, 1))(r), t(info.outShape, uni(-1, 1))(r)],
      core: ([x, dy]) => core.conv2dBackpropFilter(x!, dy!, g.f, g.s, g.pad, g.d),
      reference: ([x, dy]) => ref.conv2dBackpropFilter(x!, dy!, info).out,
    }),
  ];
});

interface PoolG {
  readonly x: [number, number, number, number];
  readonly size: number;
  readonly s: number;
  readonly pad: 'same' | 'valid';
}
const POOL_G: readonly PoolG[] = [
  { x: [1, 4, 4, 2], size: 2, s: 2, pad: 'valid' },
  { x: [1, 5, 5, 1], size: 3, s: 1, pad: 'same' },
  { x: [2, 5, 4, 1], size: 3, s: 2, pad: 'same' },
];

const poolGradients: ConformanceCase[] = POOL_G.flatMap((g) => {
  const info = computePool2DInfo('conformance', g.x, g.size, g.s, g.pad);
  const what = `x ${shapeStr(g.x)} window ${g.size} stride ${g.s} ${g.pad}`;
  return [
    gradientCase({
      kernel: 'maxPool',
      name: `${what} (no ties)`,
      inputs: (r) => [distinct(g.x)(r)],
      core: ([x]) => core.maxPool(x!, g.size, g.s, g.pad),
      reference: ([x]) => ref.maxPool(x!, info),
    }),
    gradientCase({
      kernel: 'avgPool',
      name: what,
      inputs: (r) => [t(g.x, uni(-2, 2))(r)],
      core: ([x]) => core.avgPool(x!, g.size, g.s, g.pad),
      reference: ([x]) => ref.avgPool(x!, info).out,
    }),
    // avgPool's backward is linear in dy: its own gradient rule (second order) runs the avgPool kernel
    gradientCase({
      kernel: 'avgPoolGrad',
      name: `dy ${shapeStr(info.outShape)} of ${what}`,
      inputs: (r) => [t(info.outShape, uni(-2, 2))(r)],
      core: ([dy]) => ENGINE.runKernel('avgPoolGrad', [dy!, info]),
      reference: ([dy]) => ref.avgPoolGrad(dy!, info).out,
    }),
  ];
});

const softmaxGradients: ConformanceCase[] = (['softmax', 'logSoftmax'] as const).flatMap((kernel) =>
  (
    [
      [[3, 5], '[3,5]'],
      [[2, 2, 4], 'rank 3 [2,2,4]'],
    ] as const
  ).map(([shape, name]) =>
    gradientCase({
      kernel,
      name,
      inputs: (r) => [t(shape, uni(-3, 3))(r)],
      // biome-ignore lint/performance/noDynamicNamespaceImportAccess: every op by its name (a test suite, never bundled for size)
      core: ([x]) => core[kernel](x!),
      // biome-ignore lint/performance/noDynamicNamespaceImportAccess: every op by its name (a test suite, never bundled for size)
      reference: ([x]) => ref[kernel](x!).out,
    }),
  ),
);

const crossEntropyGradients: ConformanceCase[] = [
  gradientCase({
    kernel: 'softmaxCrossEntropy',
    name: 'soft labels [3,5], in logits and labels',
    inputs: (r) => [t([3, 5], uni(-3, 3))(r), t([3, 5], uni(0, 1))(r)],
    core: ([logits, labels]) => core.softmaxCrossEntropyWithLogits(labels!, logits!),
    reference: ([logits, labels]) => ref.softmaxCrossEntropy(logits!, labels!).out,
  }),
  gradientCase({
    kernel: 'softmaxCrossEntropy',
    name: 'one-hot labels [2,2,4], in logits',
    inputs: (r) => [t([2, 2, 4], uni(-3, 3))(r), host([2, 2, 4], [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0])],
    wrt: [0],
    core: ([logits, labels]) => core.softmaxCrossEntropyWithLogits(labels!, logits!),
    reference: ([logits, labels]) => ref.softmaxCrossEntropy(logits!, labels!).out,
  }),
];

/** Every differentiable kernel's gradient through core's autodiff. */
export const gradientCases: readonly ConformanceCase[] = [
  ...unaryGradients,
  ...binaryGradients,
  whereGradient,
  ...reduceGradients,
  ...movementGradients,
  ...matMulGradients,
  ...fusedGradients,
  ...fusedConvGradients,
  ...convGradients,
  ...poolGradients,
  ...softmaxGradients,
  ...crossEntropyGradients,
];
