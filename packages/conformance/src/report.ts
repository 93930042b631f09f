import type { BackendNumerics } from '@polytensor/core';
import { toleranceOf } from '@polytensor/core';
import type { CaseResult } from './cases/types.js';
import { fmtErr } from './float.js';
import type { ConformanceReport, KernelRow } from './suite.js';
import { GRADIENT_REGIONS } from './gradient_regions.js';
import { GRADIENT_TOLERANCE, REGION_GRADIENT_TOLERANCE, TRAINING_TOLERANCE } from './tolerances.js';

/** Kernels with saturated/tiny-region gradient cases (judged by REGION_GRADIENT_TOLERANCE). */
const REGION_GRADIENT_CASES = new Set<string>(GRADIENT_REGIONS.map(([op]) => op));

/** '0.5 ULP', 'exact', '0.031 of bound'. */
export function formatError(r: Pick<CaseResult, 'worst' | 'bound' | 'unit'>): string {
  if (r.unit === 'bound') return `${fmtErr(r.worst)} of bound`;
  if (r.bound === 0 && r.worst === 0) return 'exact';
  return `${fmtErr(r.worst)} ULP`;
}

/** What the row's bound is, in words. */
export function describeBound(row: Pick<KernelRow, 'kernel' | 'kind' | 'bound' | 'unit'>): string {
  if (row.kind === 'gradient') {
    const { rtol, atol } = GRADIENT_TOLERANCE;
    const regions = REGION_GRADIENT_CASES.has(row.kernel) ? `; regions ${REGION_GRADIENT_TOLERANCE.rtol}·|g|` : '';
    return `${rtol}·|g| + ${atol}·max|g|${regions}`;
  }
  if (row.kind === 'training') {
    const { abs, rel } = TRAINING_TOLERANCE;
    return `loss ± ${abs} + ${rel}·|loss|`;
  }
  if (row.unit === 'ulp') return row.bound === 0 ? 'exact' : `≤ ${fmtErr(row.bound)} ULP`;
  if (row.kind === 'op') return 'rtol·|ref| + atol (see the notes)';
  if (row.kernel === 'optimizerUpdate') return 'declared arithmetic carried through the step';
  const t = toleranceOf(row.kernel);
  switch (t?.class) {
    case 'accumulation':
      return 'γ_n·Σ|term|';
    case 'product':
      return 'γ_n·|ref|';
    case 'softmax':
      return 'derived (softmaxBound)';
    default:
      return 'bound';
  }
}

/** One line describing the backend's declared numerics. */
export function describeNumerics(n: BackendNumerics | null | undefined): string {
  if (!n) return 'declares nothing (exact IEEE float32, subnormals kept)';
  const parts: string[] = [];
  parts.push(n.flushesSubnormals ? 'flushes subnormals' : 'keeps subnormals');
  parts.push(n.arithmeticUlp ? `arithmetic ≤ ${n.arithmeticUlp} ULP` : 'correctly rounded arithmetic');
  const t = n.transcendentalUlp ? Object.entries(n.transcendentalUlp) : [];
  if (t.length) parts.push(`declared ULP bounds: ${t.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return parts.join('; ');
}

/** A row's name in the table: 'exp', 'exp (grad)', 'softmax (composite)'. */
export function rowLabel(row: Pick<KernelRow, 'kernel' | 'kind' | 'composite'>): string {
  return row.kind === 'gradient' ? `${row.kernel} (grad)` : row.composite ? `${row.kernel} (composite)` : row.kernel;
}

/** A row's verdict: 'pass', 'FAIL 2/6' (failing of ran cases) or 'skipped'. */
export function rowStatus(row: Pick<KernelRow, 'cases' | 'passed' | 'failed' | 'skipped'>): string {
  if (row.failed > 0) return `FAIL ${row.failed}/${row.cases - row.skipped}`;
  if (row.passed === 0 && row.skipped > 0) return 'skipped';
  return 'pass';
}

export interface FormatOptions {
  /** List each failing case's message under the table (default true). */
  readonly details?: boolean;
}

/**
 * The report as a table: kernel | cases | pass/fail | worst error | bound/unit | notes,
 * then the failures, and as the last line exactly `N passed, N failed` (cases).
 */
export function formatReport(report: ConformanceReport, options: FormatOptions = {}): string {
  const header = ['kernel', 'cases', 'pass/fail', 'worst error', 'bound/unit', 'notes'];
  const rows = report.rows.map((r) => [
    rowLabel(r),
    String(r.cases),
    rowStatus(r),
    r.passed + r.failed === 0 ? '-' : formatError(r),
    describeBound(r),
    [...r.notes, ...(r.skipped ? [`${r.skipped} skipped`] : [])].join('; '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out: string[] = [];
  out.push(`polytensor conformance: backend '${report.backend}': ${describeNumerics(report.numerics)}`);
  out.push('');
  out.push(line(header));
  out.push(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) out.push(line(r));
  const failing = report.rows.filter((r) => r.failed > 0);
  if (failing.length && options.details !== false) {
    out.push('');
    out.push('Failures:');
    for (const r of failing) for (const f of r.failures) out.push(`  ${rowLabel(r)} › ${f}`);
  }
  out.push('');
  if (report.skipped) out.push(`${report.skipped} skipped`);
  out.push(`${report.passed} passed, ${report.failed} failed`);
  return out.join('\n');
}

/** JSON of a report (non-finite numbers written as strings). */
export function reportToJson(report: ConformanceReport): string {
  return JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2);
}

/** Parse reportToJson's output (non-finite numbers come back as numbers). */
export function reportFromJson(json: string): ConformanceReport {
  return JSON.parse(json, (_k, v: unknown) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : v)) as ConformanceReport;
}
