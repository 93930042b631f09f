import type { Backend, BackendFactory, BackendNumerics } from '@polytensor/core';
import { kernelAndCompositeCases } from './cases/index.js';
import type { CaseKind, CaseResult, CaseSubject, ConformanceCase } from './cases/types.js';
import { compositeApplies } from './composite_check.js';
import type { Unit } from './compare.js';
import { releaseBackend } from './engine_bridge.js';
import { gradientCases } from './gradients.js';
import { regionGradientCases } from './gradient_regions.js';
import { trainingCases } from './training.js';
import { modelTrainingCases } from './model_training.js';
import { opCases } from './ops/index.js';

/** Every case: kernel-level (with the composite checks of optional kernels), composite ops, gradient and training. */
export function allCases(): readonly ConformanceCase[] {
  return [...kernelAndCompositeCases, ...opCases, ...gradientCases, ...regionGradientCases, ...trainingCases, ...modelTrainingCases];
}

/** The op names the suite reports (its rows; for --filter, --list and error messages). */
export function kernelNames(cases: readonly ConformanceCase[] = allCases()): string[] {
  return [...new Set(cases.map((c) => c.op))];
}

export interface ConformanceOptions {
  /**
   * Only these ops or kernels (case-insensitive; a string may list several
   * separated by commas): a row's op ('exp', 'matMul') or a kernel of core's
   * table ('unary' selects every unary op). Composite checks follow their op.
   */
  readonly filter?: string | readonly string[];
  /** Only these kinds of case (default: all). */
  readonly kinds?: readonly CaseKind[];
  /** Run these cases instead of the built-in ones. */
  readonly cases?: readonly ConformanceCase[];
  /** Called after each case (progress output). */
  readonly onResult?: (c: ConformanceCase, r: CaseResult) => void;
  /** Dispose the backend when done (default true: the suite created it with the factory). */
  readonly disposeBackend?: boolean;
}

/** One case's outcome in a report. */
export interface CaseOutcome {
  /** The op (the report row): 'exp', 'matMul', 'training'. */
  readonly kernel: string;
  /** The kernel of core's table it exercised ('unary' for exp), or storage / optimizerUpdate / training. */
  readonly subject: CaseSubject;
  /** A composite check: core's composite of the kernel, bound to the backend's kernels. */
  readonly composite: boolean;
  readonly name: string;
  readonly kind: CaseKind;
  readonly result: CaseResult;
  readonly ms: number;
}

/** Cases of one op and kind, aggregated: a row of the report. */
export interface KernelRow {
  /** The op: 'exp', 'matMul', 'softmax' ('softmax (composite)' is this with `composite`). */
  readonly kernel: string;
  readonly kind: CaseKind;
  /** The row of composite checks ('softmax (composite)'). */
  readonly composite: boolean;
  readonly cases: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** The worst case's error and bound (the case with the largest error relative to its bound). */
  readonly worst: number;
  readonly bound: number;
  readonly unit: Unit;
  readonly notes: readonly string[];
  /** `name: message` of each failing case. */
  readonly failures: readonly string[];
}

export interface ConformanceReport {
  readonly backend: string;
  readonly numerics: BackendNumerics | null;
  readonly rows: readonly KernelRow[];
  readonly cases: readonly CaseOutcome[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly ms: number;
}

function parseFilter(filter: string | readonly string[] | undefined): Set<string> | null {
  if (filter === undefined) return null;
  const list = (typeof filter === 'string' ? [filter] : filter).flatMap((f) => f.split(','));
  const names = list.map((f) => f.trim().toLowerCase()).filter((f) => f.length > 0);
  return names.length ? new Set(names) : null;
}

/** The cases `options` selects; throws when a filter names no known kernel. */
export function selectCases(options: ConformanceOptions = {}): ConformanceCase[] {
  const source = options.cases ?? allCases();
  const wanted = parseFilter(options.filter);
  if (wanted) {
    const known = new Set(source.flatMap((c) => [c.op.toLowerCase(), c.kernel.toLowerCase()]));
    const unknown = [...wanted].filter((w) => !known.has(w));
    if (unknown.length) {
      throw new Error(`conformance: no kernel named ${unknown.map((u) => `'${u}'`).join(', ')}; known kernels: ${kernelNames(source).join(', ')}`);
    }
  }
  const selected = (c: ConformanceCase): boolean => !wanted || wanted.has(c.op.toLowerCase()) || wanted.has(c.kernel.toLowerCase());
  return source.filter((c) => selected(c) && (!options.kinds || options.kinds.includes(c.kind)));
}

/** How bad a result is relative to its bound (for choosing a row's worst case). */
export function severity(r: CaseResult): number {
  if (r.skipped) return -1;
  if (r.bound === 0) return r.worst === 0 ? 0 : Infinity;
  return r.worst / r.bound;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/**
 * Throw a clear error for a backend that is not on the kernel-table contract
 * (no `kernels` / `implemented`: made before defineBackend).
 */
export function checkContract(backend: Backend): void {
  const b = backend as Partial<Backend> | null;
  if (!b || typeof b.kernels !== 'object' || b.kernels === null || typeof b.implemented?.has !== 'function') {
    throw new Error(
      `conformance: backend '${String(b?.name)}' has no kernels table (backend.kernels, backend.implemented); ` +
        "define it with core's defineBackend({ name, storage, kernels }) (the kernel-table contract)",
    );
  }
}

/** A case's outcome for the report. */
export function outcomeOf(c: ConformanceCase, result: CaseResult, ms: number): CaseOutcome {
  return { kernel: c.op, subject: c.kernel, composite: c.composite === true, name: c.name, kind: c.kind, result, ms };
}

/** Run one case, turning a thrown error into a failure. */
export async function runCase(c: ConformanceCase, backend: Backend): Promise<CaseResult> {
  try {
    return await c.run(backend);
  } catch (e) {
    return { pass: false, worst: Infinity, bound: 0, unit: 'ulp', message: `the case threw ${errorText(e)}` };
  }
}

/** Aggregate case outcomes into report rows (one per op, kind and composite check, in first-seen order). */
export function aggregate(outcomes: readonly CaseOutcome[]): KernelRow[] {
  const groups = new Map<string, CaseOutcome[]>();
  for (const o of outcomes) {
    const key = `${o.kind}\u0000${o.kernel}\u0000${o.composite ? 'composite' : ''}`;
    const g = groups.get(key);
    if (g) g.push(o);
    else groups.set(key, [o]);
  }
  return [...groups.values()].map((g) => {
    const ran = g.filter((o) => !o.result.skipped);
    const worstCase = ran.reduce<CaseOutcome | null>((w, o) => (!w || severity(o.result) > severity(w.result) ? o : w), null);
    const notes = [...new Set(g.flatMap((o) => o.result.notes ?? []))];
    return {
      kernel: g[0]!.kernel,
      kind: g[0]!.kind,
      composite: g[0]!.composite,
      cases: g.length,
      passed: ran.filter((o) => o.result.pass).length,
      failed: ran.filter((o) => !o.result.pass).length,
      skipped: g.length - ran.length,
      worst: worstCase?.result.worst ?? 0,
      bound: worstCase?.result.bound ?? 0,
      unit: worstCase?.result.unit ?? 'ulp',
      notes,
      failures: ran.filter((o) => !o.result.pass).map((o) => `${o.name}: ${o.result.message}`),
    };
  });
}

/**
 * Run the conformance suite against a backend: create it with `factory`, run
 * every selected case (kernel, gradient, training), dispose it, and return a
 * per-kernel report. Never throws for failing cases; check `report.failed`.
 */
export async function runConformance(factory: BackendFactory, options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const selected = selectCases(options);
  const start = now();
  const backend = await factory();
  const outcomes: CaseOutcome[] = [];
  try {
    checkContract(backend);
    // composite checks only where the backend has its own kernel (or optimizer) to compare
    const cases = selected.filter((c) => compositeApplies(c, backend));
    for (const c of cases) {
      const t0 = now();
      const result = await runCase(c, backend);
      outcomes.push(outcomeOf(c, result, now() - t0));
      options.onResult?.(c, result);
    }
  } finally {
    releaseBackend(backend);
    if (options.disposeBackend !== false) backend.dispose();
  }
  const rows = aggregate(outcomes);
  const ran = outcomes.filter((o) => !o.result.skipped);
  return {
    backend: backend.name,
    numerics: backend.numerics ?? null,
    rows,
    cases: outcomes,
    passed: ran.filter((o) => o.result.pass).length,
    failed: ran.filter((o) => !o.result.pass).length,
    skipped: outcomes.length - ran.length,
    ms: now() - start,
  };
}
