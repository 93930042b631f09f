import type { Backend } from '@polytensor/core';
import type { Unit } from '../compare.js';

export type CaseKind = 'kernel' | 'gradient' | 'training';

/** The outcome of one conformance case. */
export interface CaseResult {
  readonly pass: boolean;
  /** The case did not apply (e.g. an optional kernel the backend does not provide); counts as neither. */
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
export interface ConformanceCase {
  /** The kernel row it belongs to ('exp', 'matMul', 'training'...). */
  readonly kernel: string;
  /** What it checks ('rank 3 broadcast [2,1,3]×[4,1]', 'NaN propagation'...). */
  readonly name: string;
  readonly kind: CaseKind;
  run(backend: Backend): CaseResult | Promise<CaseResult>;
}

export function failResult(message: string, unit: Unit = 'ulp', notes?: readonly string[]): CaseResult {
  return { pass: false, worst: Infinity, bound: 0, unit, message, ...(notes ? { notes } : {}) };
}

export function skipResult(message: string): CaseResult {
  return { pass: true, skipped: true, worst: 0, bound: 0, unit: 'ulp', message, notes: [message] };
}
