import { describe, expect, it } from 'vitest';
import type { CaseResult } from './cases/types.js';
import { describeNumerics, formatError, formatReport, reportToJson } from './report.js';
import { aggregate, severity, type CaseOutcome, type ConformanceReport } from './suite.js';

const outcome = (kernel: string, name: string, result: CaseResult, kind: CaseOutcome['kind'] = 'kernel'): CaseOutcome => ({
  kernel,
  subject: 'unary',
  composite: false,
  name,
  kind,
  result,
  ms: 0,
});

const ok = (worst: number, bound: number, unit: 'ulp' | 'bound' = 'ulp'): CaseResult => ({ pass: worst <= bound, worst, bound, unit, message: '' });

function reportOf(outcomes: CaseOutcome[]): ConformanceReport {
  const ran = outcomes.filter((o) => !o.result.skipped);
  return {
    backend: 'fake',
    numerics: { flushesSubnormals: true, transcendentalUlp: { exp: 4 } },
    rows: aggregate(outcomes),
    cases: outcomes,
    passed: ran.filter((o) => o.result.pass).length,
    failed: ran.filter((o) => !o.result.pass).length,
    skipped: outcomes.length - ran.length,
    ms: 1,
  };
}

describe('report', () => {
  const outcomes = [
    outcome('exp', 'random', ok(0.5, 2)),
    outcome('exp', 'specials', {
      pass: false,
      worst: 3.5,
      bound: 2,
      unit: 'ulp',
      message: 'element [3] (flat 3); inputs x=1: got 2.71828198, expected 2.71828183, error 3.5 ULP > 2',
      notes: ['declares ≤ 4 ULP (suite 2)'],
    }),
    outcome('neg', 'random', ok(0, 0)),
    outcome('matMul', 'a', ok(0.25, 1, 'bound')),
    outcome('matMul', 'b', ok(0.5, 1, 'bound')),
    outcome('matMul', 'grad', ok(0.001, 1, 'bound'), 'gradient'),
    outcome('fusedMatMul', 'x', { pass: true, skipped: true, worst: 0, bound: 0, unit: 'ulp', message: 'no fused', notes: ['no fused'] }),
  ];

  it('aggregates cases into kernel rows, worst case by severity', () => {
    const rows = aggregate(outcomes);
    expect(rows.map((r) => `${r.kind}:${r.kernel}`)).toEqual(['kernel:exp', 'kernel:neg', 'kernel:matMul', 'gradient:matMul', 'kernel:fusedMatMul']);
    const exp = rows[0]!;
    expect(exp).toMatchObject({ cases: 2, passed: 1, failed: 1, worst: 3.5, bound: 2, unit: 'ulp' });
    expect(exp.failures[0]).toMatch(/^specials: element \[3\]/);
    expect(rows[2]).toMatchObject({ worst: 0.5, unit: 'bound', failed: 0 });
    expect(rows[4]).toMatchObject({ skipped: 1, passed: 0, failed: 0 });
    expect(severity(ok(0, 0))).toBe(0);
    expect(severity({ ...ok(1, 0), pass: false })).toBe(Infinity);
  });

  it('formats a table with the summary as the last line', () => {
    const text = formatReport(reportOf(outcomes));
    const lines = text.split('\n');
    expect(lines[0]).toBe("polytensor conformance: backend 'fake': flushes subnormals; correctly rounded arithmetic; declared ULP bounds: exp 4");
    expect(lines[2]).toMatch(/^\| kernel +\| cases \| pass\/fail \| worst error +\| bound\/unit +\| notes +\|$/);
    expect(text).toMatch(/\| exp +\| 2 +\| FAIL 1\/2 +\| 3\.5 ULP +\| ≤ 2 ULP +\| declares ≤ 4 ULP \(suite 2\) +\|/);
    expect(text).toMatch(/\| neg +\| 1 +\| pass +\| exact +\| exact +\|/);
    expect(text).toMatch(/\| matMul +\| 2 +\| pass +\| 0\.5 of bound +\| γ_n·Σ\|term\| +\|/);
    expect(text).toMatch(/\| matMul \(grad\) +\| 1 +\| pass +\| 1\.00e-3 of bound/);
    expect(text).toMatch(/\| fusedMatMul +\| 1 +\| skipped +\| - +\|/);
    expect(text).toMatch(/Failures:\n {2}exp › specials: element \[3\]/);
    expect(lines[lines.length - 1]).toBe('5 passed, 1 failed');
    // every table line has the same width
    const table = lines.filter((l) => l.startsWith('|'));
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
  });

  it('formats errors and numerics', () => {
    expect(formatError(ok(0, 0))).toBe('exact');
    expect(formatError(ok(1, 0))).toBe('1 ULP');
    expect(formatError(ok(0.123456, 2))).toBe('0.123 ULP');
    expect(formatError({ worst: Infinity, bound: 1, unit: 'bound' })).toBe('inf of bound');
    expect(describeNumerics(null)).toMatch(/declares nothing/);
    expect(describeNumerics({ arithmeticUlp: 1 })).toMatch(/arithmetic ≤ 1 ULP/);
  });

  it('JSON keeps non-finite numbers', () => {
    const json = reportToJson(reportOf([outcome('exp', 'x', { pass: false, worst: Infinity, bound: 2, unit: 'ulp', message: 'NaN' })]));
    expect(JSON.parse(json).rows[0].worst).toBe('Infinity');
  });
});
