// Tests of the suite's own checks for the numeric classes of issue 15: each
// deliberately broken backend (the reference with one kernel given the old,
// wrong behaviour) passes every case that existed before and fails the new
// ones, with a message naming the kernel; the old gradient formulas of core
// fail the saturated-region gradient checks.
import type { GradientRules, Tensor } from '@polytensor/core';
import * as core from '@polytensor/core';
import { describe, expect, it } from 'vitest';
import { brokenBackend, type BrokenVariant } from './broken_backends.js';
import { kernelCases, logSoftmaxCases, poolSpecialCases, reduceSpecialCases } from './cases/index.js';
import type { ConformanceCase } from './cases/types.js';
import { GRADIENT_REGIONS, regionGradientCases, regionSpec } from './gradient_regions.js';
import { gradientCase, gradientCases } from './gradients.js';
import { referenceBackendFactory } from './reference_backend.js';
import { formatReport } from './report.js';
import { runConformance, selectCases } from './suite.js';

const NEW_KERNEL_CASES = new Set<ConformanceCase>([...reduceSpecialCases, ...poolSpecialCases, ...logSoftmaxCases.filter((c) => /dominant/.test(c.name))]);
const oldKernelCases = kernelCases.filter((c) => !NEW_KERNEL_CASES.has(c));

interface KernelCheck {
  readonly variant: BrokenVariant;
  readonly kernel: string;
  /** The names of the new cases that must catch it. */
  readonly caughtBy: RegExp;
  /** The first failure's message. */
  readonly message: RegExp;
  /** The cases the suite had before pass it (false where the check is a tighter bound on old cases too). */
  readonly missedBefore?: false;
}

const KERNEL_CHECKS: readonly KernelCheck[] = [
  { variant: 'maxpool-ignores-nan', kernel: 'maxPool', caughtBy: /^NaN/, message: /got 2, expected NaN \(NaN mismatch\)/ },
  { variant: 'avgpool-nan-to-neg-inf', kernel: 'avgPool', caughtBy: /^NaN/, message: /got -Infinity, expected NaN \(NaN mismatch\)/ },
  { variant: 'max-lanes-drop-nan', kernel: 'max', caughtBy: /^NaN, ±Inf anywhere in long rows/, message: /expected NaN \(NaN mismatch\)/ },
  {
    variant: 'prod-float32-intermediates',
    kernel: 'prod',
    caughtBy: /^partial products leave float32's range/,
    message: /3e38 · 10 · 1e-30.*got Infinity, expected 3000000000 \(infinity mismatch\)/,
  },
  // the tightened bound also catches it on an older case whose random rows have a dominant max
  { variant: 'logsoftmax-float32-sum', kernel: 'logSoftmax', caughtBy: /dominant|spread 80/, message: /element \[\d.*of the bound/, missedBefore: false },
];

function failingNames(report: Awaited<ReturnType<typeof runConformance>>): string[] {
  return report.cases.filter((c) => !c.result.pass).map((c) => c.name);
}

describe('the new kernel checks catch the old behaviour, by kernel', () => {
  for (const check of KERNEL_CHECKS) {
    it(`${check.variant} → ${check.kernel}`, async () => {
      const broken = () => brokenBackend(check.variant);
      const report = await runConformance(broken, { filter: check.kernel, kinds: ['kernel'] });
      const failing = failingNames(report);
      expect(failing.length).toBeGreaterThan(0);
      for (const name of failing) expect(name).toMatch(check.caughtBy);
      const text = formatReport(report);
      expect(text).toContain(`${check.kernel} › `);
      expect(report.rows[0]!.failures.join('\n')).toMatch(check.message);
      if (check.missedBefore === false) return;
      // the cases the suite had before miss it
      const before = await runConformance(broken, { cases: selectCases({ cases: oldKernelCases, filter: check.kernel }) });
      expect(before.failed).toBe(0);
    });
  }
});

describe('the saturated- and tiny-region gradient checks', () => {
  const oldGradientCases = (kernels: string) => selectCases({ cases: gradientCases, filter: kernels });

  it('catch a backend whose exp is expm1(x) + 1 in float32 (the old expm1 gradient), on expm1 and elu', async () => {
    const broken = () => brokenBackend('exp-via-expm1');
    const report = await runConformance(broken, { filter: 'expm1,elu', kinds: ['gradient'] });
    expect(report.rows.filter((r) => r.failed > 0).map((r) => r.kernel)).toEqual(['expm1', 'elu']);
    for (const name of failingNames(report)) expect(name).toMatch(/^saturated low/);
    expect(formatReport(report)).toMatch(/expm1 \(grad\) › saturated low x in \[-20, -8\].*of the bound/);
    expect((await runConformance(broken, { cases: oldGradientCases('expm1,elu') })).failed).toBe(0);
  });

  it('catch a sigmoid without relative accuracy for x ≪ 0, on sigmoid, tanh and softplus', async () => {
    const broken = () => brokenBackend('sigmoid-via-tanh');
    const report = await runConformance(broken, { filter: 'sigmoid,tanh,softplus', kinds: ['gradient'] });
    expect(report.rows.filter((r) => r.failed > 0).map((r) => r.kernel)).toEqual(['sigmoid', 'tanh', 'softplus']);
    for (const name of failingNames(report)) expect(name).toMatch(/^saturated/);
    expect(formatReport(report)).toMatch(/sigmoid \(grad\) › saturated high x in \[8, 16\]/);
    expect((await runConformance(broken, { cases: oldGradientCases('sigmoid,tanh,softplus') })).failed).toBe(0);
  });

  // core's gradient formulas before issue 15, written from the forward's rounded output
  const withOld = (target: 'expm1' | 'sigmoid' | 'tanh' | 'elu', rule: (dy: Tensor, x: Tensor, y: Tensor) => Tensor): GradientRules => ({
    ...core.GRADIENTS,
    unary: (dy, saved, args) => (args[0] === target ? [() => rule(dy, args[1], saved.output)] : core.GRADIENTS.unary!(dy, saved, args)),
  });
  const OLD_FORMULAS = {
    expm1: withOld('expm1', (dy, _x, y) => core.mul(dy, core.add(y, 1))),
    sigmoid: withOld('sigmoid', (dy, _x, y) => core.mul(dy, core.mul(y, core.sub(1, y)))),
    tanh: withOld('tanh', (dy, _x, y) => core.mul(dy, core.sub(1, core.mul(y, y)))),
    elu: withOld('elu', (dy, x, y) => core.where(core.greater(x, 0), dy, core.mul(dy, core.add(y, 1)))),
  } as const;

  it("fail core's old output-based gradients (expm1(x) + 1, y·(1 − y), 1 − y²) even on the exact reference backend", async () => {
    const failing = new Set<string>();
    for (const [op, what, gen] of GRADIENT_REGIONS) {
      if (!(op in OLD_FORMULAS)) continue;
      const c = gradientCase(regionSpec(op, what, gen, OLD_FORMULAS[op as keyof typeof OLD_FORMULAS]));
      const report = await runConformance(referenceBackendFactory, { cases: [c] });
      if (report.failed) failing.add(`${op}: ${what}`);
    }
    expect([...failing]).toEqual([
      'expm1: saturated low x in [-20, -8] (output near -1)',
      'sigmoid: saturated high x in [8, 16] (output near 1)',
      'tanh: saturated |x| in [4, 9] (output near ±1)',
      'elu: saturated low x in [-20, -5] (output near -1)',
    ]);
  });

  it('cover every unary op whose gradient has such a region', () => {
    const ops = new Set(regionGradientCases.map((c) => c.op));
    for (const op of ['exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'reciprocal', 'sigmoid', 'tanh', 'elu', 'softplus', 'sin', 'cos']) {
      expect(ops.has(op), op).toBe(true);
    }
  });
});
