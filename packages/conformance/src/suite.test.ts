import type { Backend, KernelImpls, Tolerance, TensorInfo } from '@polytensor/core';
import { BINARY_OPS, COMPARISON_OPS, GRADIENTS, KERNEL_NAMES, KERNELS, memory, REDUCE_OPS, UNARY_OPS, unaryOutputDType } from '@polytensor/core';
import { describe, expect, it } from 'vitest';
import { BROKEN_KERNEL, BROKEN_VARIANTS, brokenBackend } from './broken_backends.js';
import { KERNEL_CASES } from './cases/index.js';
import { flush32, nextUp32 } from './float.js';
import { createReferenceBackend, REFERENCE_KERNELS as R, referenceBackendFactory, type RefStore } from './reference_backend.js';
import { formatReport } from './report.js';
import { allCases, kernelNames, runConformance, selectCases, type ConformanceReport } from './suite.js';
import { trainingCases } from './training.js';
import { modelTrainingCases } from './model_training.js';
import { wrapBackend } from './wrap.js';

/** The failing rows of a kind: the backend's own kernels, or (`composite`) core's composites run on them. */
function failingKernels(report: ConformanceReport, kind: 'kernel' | 'gradient' | 'training' = 'kernel', composite = false): string[] {
  return report.rows.filter((r) => r.kind === kind && r.composite === composite && r.failed > 0).map((r) => r.kernel);
}

/** The reference with some kernels replaced. */
const referenceWith = (name: string, kernels: Partial<KernelImpls<RefStore>>) => (): Backend => createReferenceBackend({ name, kernels: { ...R, ...kernels } });

describe('the reference backend', () => {
  it('passes every case, quickly, and leaves no tensors behind', async () => {
    const tensorsBefore = memory().numTensors;
    const t0 = performance.now();
    const report = await runConformance(referenceBackendFactory);
    const ms = performance.now() - t0;
    const failures = report.rows.flatMap((r) => r.failures);
    expect(failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.passed).toBeGreaterThan(1000);
    expect(report.skipped).toBe(0);
    // every optional kernel (and the optimizer update) also ran as core's composite
    const composites = new Set(report.rows.filter((r) => r.composite).map((r) => r.kernel));
    for (const k of KERNEL_NAMES.filter((k) => KERNELS[k].kind === 'optional')) {
      for (const c of KERNEL_CASES[k]) expect(composites.has(c.op), `${c.op} (composite)`).toBe(true);
    }
    expect(composites.has('optimizerUpdate')).toBe(true);
    expect(memory().numTensors).toBe(tensorsBefore);
    expect(ms).toBeLessThan(20_000);
  });

  it("covers every kernel of core's table, and every op of each, with kernel cases tagged by kernel", () => {
    for (const k of KERNEL_NAMES) {
      const cases = KERNEL_CASES[k];
      expect(cases.length, k).toBeGreaterThan(0);
      for (const c of cases) expect(c.kernel).toBe(k);
      const t = KERNELS[k].tolerance as Tolerance | Record<string, Tolerance>;
      // op-parameterised kernels have a tolerance per op: each op needs cases of its own
      const ops = 'class' in t ? [k] : Object.keys(t);
      const covered = new Set(cases.map((c) => c.op));
      for (const op of ops) expect(covered.has(op), `${k}: ${op}`).toBe(true);
      expect(
        [...covered].filter((op) => !ops.includes(op)),
        `${k}: ops without a tolerance`,
      ).toEqual([]);
    }
    expect(selectCases({ filter: 'optimizerUpdate', kinds: ['kernel'] }).length).toBeGreaterThan(0);
  });

  it('covers every kernel with a gradient rule (and every differentiable op) with gradient cases', () => {
    const grads = selectCases({ kinds: ['gradient'] });
    const kernels = new Set(grads.map((c) => c.kernel));
    for (const k of KERNEL_NAMES.filter((k) => GRADIENTS[k] !== null)) expect(kernels.has(k), k).toBe(true);
    const ops = new Set(grads.map((c) => c.op));
    // every float-valued elementwise op and every reduction: comparisons and logical ops carry no gradient
    const comparisons: ReadonlySet<string> = new Set(COMPARISON_OPS);
    const differentiable = [
      ...UNARY_OPS.filter((op) => unaryOutputDType(op, 'float32') === 'float32'),
      ...BINARY_OPS.filter((op) => !comparisons.has(op)),
      ...REDUCE_OPS,
    ];
    for (const op of differentiable) expect(ops.has(op), op).toBe(true);
    expect(selectCases({ kinds: ['training'] }).map((c) => c.name)).toEqual([...trainingCases, ...modelTrainingCases].map((c) => c.name));
  });

  it('case names are unique within a kernel and kind', () => {
    const seen = new Set<string>();
    for (const c of allCases()) {
      const key = `${c.kind}/${c.op}/${c.composite ? 'composite/' : ''}${c.name}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it('runs are reproducible', async () => {
    const a = await runConformance(referenceBackendFactory, { filter: 'matMul,exp,sum' });
    const b = await runConformance(referenceBackendFactory, { filter: 'matMul,exp,sum' });
    expect(a.cases.map((c) => c.result.worst)).toEqual(b.cases.map((c) => c.result.worst));
  });
});

describe('broken backends are caught, by the right kernel', () => {
  for (const variant of BROKEN_VARIANTS) {
    it(variant, async () => {
      const kernel = BROKEN_KERNEL[variant];
      const report = await runConformance(() => brokenBackend(variant), { kinds: ['kernel'] });
      // sigmoid-via-tanh leaves unaryGrad to core's composite, which runs its broken sigmoid: caught there too
      expect(failingKernels(report)).toEqual(variant === 'sigmoid-via-tanh' ? [kernel, 'unaryGrad'] : [kernel]);
      const row = report.rows.find((r) => r.kernel === kernel && r.kind === 'kernel')!;
      expect(row.failures[0]).toBeTruthy();
    });
  }

  it("a broken primitive also fails the composites built on it (they run on the backend's own kernels)", async () => {
    const exp = await runConformance(() => brokenBackend('exp-via-expm1'), { filter: 'softmax,logSoftmax', kinds: ['kernel'] });
    expect(failingKernels(exp)).toEqual([]);
    expect(failingKernels(exp, 'kernel', true)).toEqual(['softmax', 'logSoftmax']);
    const mm = await runConformance(() => brokenBackend('matmul-drops-a-term'), { filter: 'conv2d,fusedMatMul', kinds: ['kernel'] });
    expect(failingKernels(mm)).toEqual([]);
    expect(failingKernels(mm, 'kernel', true)).toEqual(['conv2d', 'fusedMatMul']);
  });

  it('the cases of fusedConv2d, softmaxCrossEntropy and the optimizer update catch what they are for', async () => {
    const failing = async (variant: (typeof BROKEN_VARIANTS)[number]): Promise<string[]> => {
      const report = await runConformance(() => brokenBackend(variant), { filter: BROKEN_KERNEL[variant], kinds: ['kernel'] });
      return report.cases.filter((c) => !c.result.pass && !c.composite).map((c) => c.name);
    };
    const bias = await failing('fusedconv-drops-bias');
    expect(bias.length).toBeGreaterThan(0);
    for (const n of bias) expect(n).toMatch(/^(relu|sigmoid|tanh) \+ bias/);
    expect(await failing('cross-entropy-skips-zero-labels')).toEqual(['a zero label on a −Infinity logit gives NaN (0 · Infinity, IEEE)']);
    expect(await failing('cross-entropy-log-of-softmax')).toContain('a dominant max with its label: losses near 0 [6,12]');
    const adam = await failing('adam-unrounded-step');
    expect(adam.length).toBeGreaterThan(0);
    for (const n of adam) expect(n).toMatch(/^adam /);
  });

  it('the messages say what went wrong', async () => {
    const msg = async (variant: (typeof BROKEN_VARIANTS)[number]): Promise<string> => {
      const kernel = BROKEN_KERNEL[variant];
      const report = await runConformance(() => brokenBackend(variant), { filter: kernel, kinds: ['kernel'] });
      return report.rows[0]!.failures.join('\n');
    };
    expect(await msg('neg-keeps-positive-zero')).toMatch(/x=0: got 0, expected -0 \(sign of zero\)/);
    expect(await msg('relu-leaks-a-buffer')).toMatch(/leaks a temporary/);
    expect(await msg('softmax-unstabilized')).toMatch(/got NaN/);
    expect(await msg('max-ignores-nan')).toMatch(/expected NaN \(NaN mismatch\)/);
    expect(await msg('exp-off-by-3-ulp')).toMatch(/ULP > 2/);
    expect(await msg('matmul-drops-a-term')).toMatch(/element \[0,0,0\].*of the bound/);
  });

  it('a broken matMul also fails its gradient and the training run', async () => {
    const report = await runConformance(() => brokenBackend('matmul-drops-a-term'), { filter: 'matMul,training' });
    expect(failingKernels(report, 'gradient')).toEqual(['matMul']);
    expect(failingKernels(report, 'training')).toEqual(['training']);
  });

  it('a kernel returning its input, or keeping its output, is caught', async () => {
    const aliasing = referenceWith('aliasing', { transpose: (s, x, perm) => (perm.every((p, i) => p === i) ? x : R.transpose(s, x, perm)) });
    const r1 = await runConformance(aliasing, { filter: 'transpose' });
    expect(r1.rows[0]!.failures.join()).toMatch(/returned the dataId of an input/);

    const cache = new Map<string, TensorInfo>();
    const caching = referenceWith('caching', {
      oneHot(s, indices, depth, on, off) {
        const key = `${[...s.readSync(indices.dataId)]}/${depth}/${on}/${off}`;
        const hit = cache.get(key);
        if (hit) return hit;
        const out = R.oneHot(s, indices, depth, on, off);
        cache.set(key, out);
        return out;
      },
    });
    const r2 = await runConformance(caching, { filter: 'oneHot', kinds: ['kernel'] });
    expect(r2.rows[0]!.failures.join()).toMatch(/same dataId on two calls/);
    // the composite oneHot on the same backend keeps to the storage discipline
    expect(failingKernels(r2)).toEqual(['oneHot']);
  });

  it('a kernel that throws fails its case with the error', async () => {
    const throwing = referenceWith('throwing', {
      cast: () => {
        throw new Error('cast is not implemented');
      },
    });
    const report = await runConformance(throwing, { filter: 'cast', kinds: ['kernel'] });
    expect(report.failed).toBe(report.cases.length);
    expect(report.rows[0]!.failures[0]).toMatch(/threw Error: cast is not implemented/);
  });
});

describe('declared numerics', () => {
  /** A backend that flushes subnormals on write (so every kernel sees flushed inputs). */
  const flushing = (declare: boolean) => () => {
    const base = createReferenceBackend('flushing');
    return wrapBackend(base, {
      ...(declare ? { numerics: { flushesSubnormals: true } } : {}),
      write: (values, shape, dtype) => base.write(dtype === 'float32' ? Float32Array.from(values as Float32Array, flush32) : values, shape, dtype),
    });
  };

  it('flushing subnormals fails unless declared, and the report says so', async () => {
    const undeclared = await runConformance(flushing(false), { kinds: ['kernel'] });
    expect(failingKernels(undeclared)).toContain('storage');
    expect(failingKernels(undeclared)).toContain('log');
    const declared = await runConformance(flushing(true), { kinds: ['kernel'] });
    expect(declared.rows.flatMap((r) => r.failures)).toEqual([]);
    const text = formatReport(declared);
    expect(text).toMatch(/flushes subnormals/);
  });

  it('a declared transcendental bound is applied and reported', async () => {
    const sloppyExp = (ulp?: number) => () =>
      createReferenceBackend({
        name: 'sloppy-exp',
        ...(ulp ? { numerics: { transcendentalUlp: { exp: ulp } } } : {}),
        kernels: {
          ...R,
          unary(s, op, x) {
            const out = R.unary(s, op, x);
            if (op !== 'exp') return out;
            const h = s.readHost(out);
            s.disposeData(out.dataId);
            return s.writeHost({ ...h, values: h.values.map((v) => nextUp32(nextUp32(nextUp32(v)))) });
          },
        },
      });
    expect((await runConformance(sloppyExp(), { filter: 'exp', kinds: ['kernel'] })).failed).toBeGreaterThan(0);
    const ok = await runConformance(sloppyExp(4), { filter: 'exp', kinds: ['kernel'] });
    expect(ok.failed).toBe(0);
    expect(formatReport(ok)).toMatch(/declares ≤ 4 ULP \(suite 2\)/);
  });

  it('declared arithmetic ULP relaxes the correctly rounded class', async () => {
    const sloppyAdd = (ulp?: number) => () =>
      createReferenceBackend({
        name: 'sloppy-add',
        ...(ulp ? { numerics: { arithmeticUlp: ulp } } : {}),
        kernels: {
          ...R,
          binary(s, op, a, b, outShape) {
            const out = R.binary(s, op, a, b, outShape);
            if (op !== 'add' || a.dtype !== 'float32') return out;
            const h = s.readHost(out);
            s.disposeData(out.dataId);
            return s.writeHost({ ...h, values: h.values.map((v) => (Number.isFinite(v) && Math.abs(v) < 1e30 ? nextUp32(v) : v)) });
          },
        },
      });
    expect((await runConformance(sloppyAdd(), { filter: 'add', kinds: ['kernel'] })).failed).toBeGreaterThan(0);
    const ok = await runConformance(sloppyAdd(1), { filter: 'add', kinds: ['kernel'] });
    expect(ok.rows.flatMap((r) => r.failures)).toEqual([]);
    // core's composite optimizer update runs on that add: bit-identity fails it, the bound carried through the step does not
    const undeclared = await runConformance(sloppyAdd(), { filter: 'optimizerUpdate' });
    expect(failingKernels(undeclared)).toEqual([]);
    expect(failingKernels(undeclared, 'kernel', true)).toEqual(['optimizerUpdate']);
    const declared = await runConformance(sloppyAdd(1), { filter: 'optimizerUpdate' });
    expect(declared.rows.flatMap((r) => r.failures)).toEqual([]);
    expect(formatReport(declared)).toMatch(/optimizerUpdate \(composite\) .*declared arithmetic carried through the step/);
  });
});

describe('options', () => {
  it('filter selects kernels (case-insensitive, comma lists) and rejects unknown names', () => {
    expect(new Set(selectCases({ filter: 'EXP,matmul' }).map((c) => c.op))).toEqual(new Set(['exp', 'matMul']));
    expect(() => selectCases({ filter: 'nosuchkernel' })).toThrow(/no kernel named 'nosuchkernel'; known kernels: storage, neg/);
    expect(kernelNames()).toContain('training');
    // a kernel of the table selects all its ops
    const unary = new Set(selectCases({ filter: 'unary', kinds: ['kernel'] }).map((c) => c.op));
    expect(unary.has('exp') && unary.has('neg') && !unary.has('add')).toBe(true);
  });

  it("an optional kernel the backend lacks runs as core's composite, noted, without a composite row", async () => {
    const { fusedMatMul: _dropped, ...kernels } = R;
    const report = await runConformance(() => createReferenceBackend({ name: 'no-fused', kernels }), { filter: 'fusedMatMul' });
    expect(report.failed).toBe(0);
    expect(report.skipped).toBe(0);
    expect(report.rows.map((r) => [r.kernel, r.kind, r.composite])).toEqual([
      ['fusedMatMul', 'kernel', false],
      ['fusedMatMul', 'gradient', false],
    ]);
    expect(formatReport(report)).toMatch(/\| fusedMatMul +\|.*core's composite \(the backend has no own kernel\)/);
  });

  it('a backend with its own optional kernel gets a composite row for it', async () => {
    const report = await runConformance(referenceBackendFactory, { filter: 'softmax', kinds: ['kernel'] });
    expect(report.rows.map((r) => [r.kernel, r.composite])).toEqual([
      ['softmax', false],
      ['softmax', true],
    ]);
    expect(formatReport(report)).toMatch(/\| softmax \(composite\) +\| 16 +\| pass/);
  });

  it('a backend not made by defineBackend gets a clear error', async () => {
    const old = () => ({ name: 'old', dispose: () => undefined }) as unknown as Backend;
    await expect(runConformance(old)).rejects.toThrow(/backend 'old' has no kernels table .*defineBackend/);
  });
});
