import type { Backend, KernelName } from '@polytensor/core';
import type { Unit } from '../compare.js';

/** 'op': the forward of one of core's composite ops (tile, cumsum …) run through core on the backend. */
export type CaseKind = 'kernel' | 'op' | 'gradient' | 'training';

/**
 * What a case checks: a kernel of core's table, the storage calls, the
 * optimizer capability (`backend.optimizer.optimizerUpdate`), one of core's
 * composite ops ('op': no kernel of its own, built from the table's kernels),
 * or training.
 */
export type CaseSubject = KernelName | 'storage' | 'optimizerUpdate' | 'op' | 'training';

/** The outcome of one conformance case. */
export interface CaseResult {
  readonly pass: boolean;
  /** The case did not apply (e.g. a composite check of a kernel the backend does not implement itself); counts as neither. */
  readonly skipped?: boolean;
  /** Worst error observed, in `unit` ('ulp': ULPs, 0 for exact; 'bound': fraction of the allowed bound). */
  readonly worst: number;
  /** The largest error allowed, in `unit`. */
  readonly bound: number;
  readonly unit: Unit;
  /** The first failure: element index, inputs, got, expected ('' when passing). */
  readonly message: string;
  /** Declared bounds, flushing, skips. */
  readonly notes?: readonly string[];
}

/** One check of one kernel on one backend. Cases are data: the suite, the CLI and Vitest all run the same arrays. */
export interface ConformanceCase<S extends CaseSubject = CaseSubject> {
  /** The kernel (or storage, optimizerUpdate, training) it exercises: 'unary' for exp. */
  readonly kernel: S;
  /** The report row: the op for the op-parameterised kernels ('exp', 'add', 'sum', 'argMax'), else the kernel's name. */
  readonly op: string;
  /** What it checks ('rank 3 broadcast [2,1,3]×[4,1]', 'NaN propagation'...). */
  readonly name: string;
  readonly kind: CaseKind;
  /**
   * This case runs core's composite of an optional kernel (bound to the
   * backend's own kernels) instead of the backend's implementation: the
   * check that a backend's fast path and core's composite both meet the bound.
   */
  readonly composite?: boolean;
  run(backend: Backend): CaseResult | Promise<CaseResult>;
}

/** A kernel or gradient case: its identity from the spec (the report row is `op`, by default the kernel) and its check. */
export function caseFrom<K extends CaseSubject>(
  spec: { readonly kernel: K; readonly op?: string; readonly name: string },
  kind: CaseKind,
  run: (backend: Backend, op: string) => CaseResult,
): ConformanceCase<K> {
  const op = spec.op ?? spec.kernel;
  return { kernel: spec.kernel, op, name: spec.name, kind, run: (backend) => run(backend, op) };
}

export function failResult(message: string, unit: Unit = 'ulp', notes?: readonly string[]): CaseResult {
  return { pass: false, worst: Infinity, bound: 0, unit, message, ...(notes ? { notes } : {}) };
}

export function skipResult(message: string): CaseResult {
  return { pass: true, skipped: true, worst: 0, bound: 0, unit: 'ulp', message, notes: [message] };
}

/** The label of a case's report row: 'exp', 'softmax (composite)'. */
export function rowName(c: Pick<ConformanceCase, 'op' | 'composite'>): string {
  return c.composite ? `${c.op} (composite)` : c.op;
}
