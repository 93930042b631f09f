/**
 * Op cases: the forward of one of core's composite ops (tile, cumsum, einsum …:
 * no kernel of their own, built from the table's kernels) run through core on
 * the backend under test, against a float64 reference of the op written here.
 * A composite inherits its kernels' conformance, but not its own correctness:
 * an index off by one, a wrong axis, NaN lost by a `where`, a gradient rule
 * that forgets an input. So every composite op has forward cases (with its
 * special values: NaN, ±Inf, −0, empty, rank 0) and gradient cases
 * (`opGradient`), on every backend.
 */
import type { Tensor } from '@polytensor/core';
import { memory, tensor } from '@polytensor/core';
import { compare, type CheckResult, type Judgement } from '../compare.js';
import { FLT_MIN } from '../float.js';
import { gradientCase, type GradientSpec } from '../gradients.js';
import { shapeStr, toTyped, type HostTensor } from '../host.js';
import { Rng } from '../rng.js';
import { failResult, type CaseResult, type ConformanceCase } from '../cases/types.js';
import { worse } from '../cases/harness.js';
import { useBackend } from '../engine_bridge.js';

/**
 * How an op's output is judged against its float64 reference:
 * - `exact`: bit-identical to the reference rounded to the output dtype
 *   (movement, indexing, selection, comparisons); `signedZero` also checks −0;
 * - `ulp`: within `ulps` ULPs of the unrounded reference (ULPs of at least
 *   `floor`, default FLT_MIN), for composites of a few roundings;
 * - `relative`: |got − ref| ≤ rtol·|ref| + atol, for composites whose error
 *   grows with their inputs (sums, norms, series); say why in `why`.
 */
export type OpJudge =
  | { readonly kind: 'exact'; readonly signedZero?: boolean }
  | { readonly kind: 'ulp'; readonly ulps: number; readonly floor?: number }
  | { readonly kind: 'relative'; readonly rtol: number; readonly atol: number; readonly why?: string };

export const EXACT: OpJudge = { kind: 'exact' };
export const EXACT_SIGNED_ZERO: OpJudge = { kind: 'exact', signedZero: true };
export const ulps = (n: number, floor?: number): OpJudge => ({ kind: 'ulp', ulps: n, ...(floor !== undefined ? { floor } : {}) });
export const relative = (rtol: number, atol: number, why?: string): OpJudge => ({ kind: 'relative', rtol, atol, ...(why ? { why } : {}) });

/** An op case as data: seeded inputs, the op through core, the float64 reference, the judge. */
export interface OpSpec {
  /** The report row: the op's public name ('tile', 'cumsum'). */
  readonly op: string;
  /** What it checks ('rank 3, reps [2,1,3]', 'NaN and ±Inf', 'empty'). */
  readonly name: string;
  /** Inputs, drawn from a generator seeded by `op/name` (values rounded to their dtype by `host`). */
  readonly inputs: (rng: Rng) => HostTensor[];
  /** The op through core's public API on the active backend (the one under test); awaited for tfjs's async ops (whereAsync …). */
  readonly core: (xs: readonly Tensor[]) => Tensor | readonly Tensor[] | Promise<Tensor | readonly Tensor[]>;
  /** The same op in float64 on the host, unrounded: one output per output of `core`. */
  readonly reference: (xs: readonly HostTensor[]) => HostTensor | readonly HostTensor[];
  /** Default: exact. */
  readonly judge?: OpJudge;
}

function judgementOf(j: OpJudge, ref: HostTensor): Judgement {
  switch (j.kind) {
    case 'exact':
      return { kind: 'exact', signedZero: j.signedZero === true };
    case 'ulp':
      return { kind: 'ulp', ulps: j.ulps, floor: j.floor ?? FLT_MIN };
    case 'relative': {
      const bound = new Float64Array(ref.values.length);
      for (let i = 0; i < bound.length; i++) bound[i] = j.rtol * Math.abs(ref.values[i]!) + j.atol;
      return { kind: 'bound', bound };
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

const list = <T>(x: T | readonly T[]): readonly T[] => (Array.isArray(x) ? (x as readonly T[]) : [x as T]);

/** Turn an op spec into a conformance case (kind 'op', subject 'op', row `spec.op`). */
export function opCase(spec: OpSpec): ConformanceCase<'op'> {
  return {
    kernel: 'op',
    op: spec.op,
    name: spec.name,
    kind: 'op',
    async run(backend): Promise<CaseResult> {
      const judge = spec.judge ?? EXACT;
      const unit = judge.kind === 'relative' ? 'bound' : 'ulp';
      const inputs = spec.inputs(new Rng(`op/${spec.op}/${spec.name}`));
      const refs = list(spec.reference(inputs));
      useBackend(backend);
      const tensorsBefore = memory().numTensors;
      const idsBefore = backend.numDataIds();
      const xs = inputs.map((x) => tensor(toTyped(x), x.shape, x.dtype));
      let got: { shape: readonly number[]; dtype: string; values: ArrayLike<number> }[];
      try {
        const outs = list(await spec.core(xs));
        try {
          got = outs.map((o) => ({ shape: o.shape, dtype: o.dtype, values: o.dataSync() }));
        } finally {
          for (const o of outs) if (!xs.includes(o)) o.dispose();
        }
      } catch (e) {
        return failResult(`${spec.op} threw ${errorText(e)}`, unit);
      } finally {
        for (const x of xs) x.dispose();
      }
      const tensorsAfter = memory().numTensors;
      const idsAfter = backend.numDataIds();
      if (tensorsAfter !== tensorsBefore) return failResult(`${spec.op} leaked ${tensorsAfter - tensorsBefore} tensor(s)`, unit);
      if (idsAfter !== idsBefore) return failResult(`numDataIds() went from ${idsBefore} to ${idsAfter}: ${spec.op} leaked buffers`, unit);
      if (got.length !== refs.length) return failResult(`${spec.op} gave ${got.length} outputs, the reference ${refs.length}`, unit);
      let result: CheckResult | null = null;
      for (let k = 0; k < refs.length; k++) {
        const ref = refs[k]!;
        const out = got[k]!;
        const which = refs.length > 1 ? `output ${k}: ` : '';
        if (shapeStr(out.shape) !== shapeStr(ref.shape) || out.dtype !== ref.dtype) {
          return failResult(`${which}got ${shapeStr(out.shape)} ${out.dtype}, expected ${shapeStr(ref.shape)} ${ref.dtype}`, unit);
        }
        const c = compare(out.values, [{ ref: ref.values, judge: judgementOf(judge, ref) }], {
          dtype: ref.dtype,
          shape: ref.shape,
          flush: backend.numerics?.flushesSubnormals === true,
        });
        const named = c.pass ? c : { ...c, message: which + c.message };
        result = result ? worse(result, named) : named;
      }
      const notes = judge.kind === 'relative' && judge.why ? [judge.why] : [];
      if (!result) return { pass: true, worst: 0, bound: 0, unit, message: '', notes };
      return { pass: result.pass, worst: result.worst, bound: result.bound, unit: result.unit, message: result.message, notes };
    },
  };
}

/**
 * A gradient case of a composite op: core's autodiff through the op (its
 * kernels' rules chained) on the backend, against Richardson differences of
 * the float64 reference. Row `op`, kind 'gradient'.
 */
export function opGradient(spec: Omit<GradientSpec<'op'>, 'kernel'> & { readonly op: string }): ConformanceCase<'op'> {
  return gradientCase({ ...spec, kernel: 'op' });
}
