import type { DType } from '@polytensor/core';
import { FLT_MIN, fmtErr, fmtNum, isNegZero, ulp32, ulpDistance32 } from './float.js';
import { roundTo, unravel } from './host.js';

/** How one output is judged against one reference. */
export type Judgement =
  | { readonly kind: 'exact'; readonly signedZero: boolean }
  | { readonly kind: 'ulp'; readonly ulps: number; readonly floor: number }
  | { readonly kind: 'bound'; readonly bound: Float64Array };

/** A reference output (float64, unrounded) and how to judge against it. */
export interface Expectation {
  readonly ref: Float64Array;
  readonly judge: Judgement;
}

export type Unit = 'ulp' | 'bound';

export interface CheckResult {
  readonly pass: boolean;
  /** Worst error seen, in `unit`. */
  readonly worst: number;
  /** Largest error allowed, in `unit`. */
  readonly bound: number;
  readonly unit: Unit;
  readonly failures: number;
  /** Description of the first failing element ('' when passing). */
  readonly message: string;
}

export interface CompareOptions {
  /** Output dtype (how the reference is rounded for exact comparisons). */
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Backend declared it flushes subnormals: a subnormal reference may come back as ±0. */
  readonly flush: boolean;
  /** Inputs relevant to element i, for the failure message. */
  readonly describe?: (i: number) => string;
}

interface ElementVerdict {
  readonly err: number;
  readonly ok: boolean;
  readonly expected: number;
  readonly why?: string;
}

function judgeElement(got: number, ref: number, j: Judgement, dtype: DType, flush: boolean, i: number): ElementVerdict {
  if (j.kind === 'exact') {
    const e = roundTo(ref, dtype);
    if (dtype !== 'float32') {
      const err = Math.abs(got - e);
      return { err: Number.isFinite(err) ? err : Infinity, ok: got === e, expected: e };
    }
    if (Number.isNaN(e) || Number.isNaN(got)) {
      const ok = Number.isNaN(e) && Number.isNaN(got);
      return { err: ok ? 0 : Infinity, ok, expected: e, ...(ok ? {} : { why: 'NaN mismatch' }) };
    }
    if (got === e) {
      if (j.signedZero && e === 0 && isNegZero(got) !== isNegZero(e)) {
        return { err: 1, ok: false, expected: e, why: 'sign of zero' };
      }
      return { err: 0, ok: true, expected: e };
    }
    if (flush && Math.abs(e) < FLT_MIN && got === 0) return { err: 0, ok: true, expected: e };
    return { err: ulpDistance32(got, e), ok: false, expected: e };
  }
  // ulp and bound judgements compare against the unrounded reference
  if (Number.isNaN(ref) || Number.isNaN(got)) {
    const ok = Number.isNaN(ref) && Number.isNaN(got);
    return { err: ok ? 0 : Infinity, ok, expected: ref, ...(ok ? {} : { why: 'NaN mismatch' }) };
  }
  const r32 = Math.fround(ref);
  if (!Number.isFinite(r32) || !Number.isFinite(got)) {
    const ok = got === r32;
    return { err: ok ? 0 : Infinity, ok, expected: r32, ...(ok ? {} : { why: 'infinity mismatch' }) };
  }
  if (flush && Math.abs(r32) < FLT_MIN && Math.abs(got) < FLT_MIN) return { err: 0, ok: true, expected: ref };
  const diff = Math.abs(got - ref);
  if (diff === 0) return { err: 0, ok: true, expected: ref };
  if (j.kind === 'ulp') {
    const err = diff / ulp32(Math.max(Math.abs(ref), j.floor));
    return { err, ok: err <= j.ulps, expected: ref };
  }
  const b = j.bound[i]!;
  if (b === 0) {
    // every term was zero: only the exact result will do
    const ok = got === r32;
    return { err: ok ? 0 : Infinity, ok, expected: ref };
  }
  const err = diff / b;
  return { err, ok: err <= 1, expected: ref };
}

function unitOf(j: Judgement): Unit {
  return j.kind === 'bound' ? 'bound' : 'ulp';
}

function boundOf(j: Judgement): number {
  return j.kind === 'exact' ? 0 : j.kind === 'ulp' ? j.ulps : 1;
}

/**
 * Compare a backend's output with one or more acceptable references (the
 * first is primary; others are alternatives, e.g. the result with subnormal
 * inputs flushed). An element passes when it passes against any of them.
 */
export function compare(got: ArrayLike<number>, expectations: readonly Expectation[], opts: CompareOptions): CheckResult {
  const primary = expectations[0]!;
  const unit = unitOf(primary.judge);
  const bound = boundOf(primary.judge);
  let worst = 0;
  let failures = 0;
  let message = '';
  const n = got.length;
  for (let i = 0; i < n; i++) {
    const g = got[i]!;
    let best: ElementVerdict | null = null;
    for (const ex of expectations) {
      const v = judgeElement(g, ex.ref[i]!, ex.judge, opts.dtype, opts.flush, i);
      if (!best || (v.ok && !best.ok) || (v.ok === best.ok && v.err < best.err)) best = v;
      if (v.ok && v.err === 0) break;
    }
    const v = best!;
    if (v.err > worst || Number.isNaN(v.err)) worst = v.err;
    if (!v.ok) {
      failures++;
      if (!message) {
        const idx = unravel(i, opts.shape);
        const inputs = opts.describe ? `; inputs ${opts.describe(i)}` : '';
        const why = v.why ? ` (${v.why})` : '';
        const errStr = primary.judge.kind === 'bound' ? `${fmtErr(v.err)} of the bound` : `${fmtErr(v.err)} ULP > ${fmtErr(bound)}`;
        message = `element [${idx.join(',')}] (flat ${i})${inputs}: got ${fmtNum(g)}, expected ${fmtNum(v.expected)}${why}, error ${errStr}`;
      }
    }
  }
  if (failures > 1) message += ` (${failures} elements fail)`;
  return { pass: failures === 0, worst, bound, unit, failures, message };
}
