import type { Backend } from '@polytensor/core';
import { memory } from '@polytensor/core';
import { describe, expect, it } from 'vitest';
import { BROKEN_KERNEL, BROKEN_VARIANTS, brokenBackend } from './broken_backends.js';
import { flush32, nextUp32 } from './float.js';
import { ReferenceBackend, referenceBackendFactory } from './reference_backend.js';
import { formatReport } from './report.js';
import { allCases, kernelNames, runConformance, selectCases, type ConformanceReport } from './suite.js';
import { TOLERANCES } from './tolerances.js';
import { wrapBackend } from './wrap.js';

function failingKernels(report: ConformanceReport, kind: 'kernel' | 'gradient' | 'training' = 'kernel'): string[] {
  return report.rows.filter((r) => r.kind === kind && r.failed > 0).map((r) => r.kernel);
}

describe('the reference backend', () => {
  it('passes every case, quickly, and leaves no tensors behind', async () => {
    const tensorsBefore = memory().numTensors;
    const t0 = performance.now();
    const report = await runConformance(referenceBackendFactory);
    const ms = performance.now() - t0;
    const failures = report.rows.flatMap((r) => r.failures);
    expect(failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.passed).toBeGreaterThan(600);
    expect(report.skipped).toBe(0);
    expect(memory().numTensors).toBe(tensorsBefore);
    expect(ms).toBeLessThan(20_000);
  });

  it('covers every kernel of the contract with kernel and gradient cases', () => {
    const kernels = new Set(selectCases({ kinds: ['kernel'] }).map((c) => c.kernel));
    for (const k of Object.keys(TOLERANCES)) expect(kernels.has(k), k).toBe(true);
    const grads = new Set(selectCases({ kinds: ['gradient'] }).map((c) => c.kernel));
    const differentiable = [
      'neg', 'abs', 'exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'square', 'reciprocal', 'relu', 'sigmoid', 'tanh',
      'elu', 'softplus', 'sin', 'cos', 'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'squaredDifference',
      'where', 'sum', 'prod', 'max', 'min', 'transpose', 'slice', 'concat', 'pad', 'gather', 'scatterAdd', 'matMul',
      'fusedMatMul', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'maxPool', 'avgPool', 'softmax', 'logSoftmax',
    ];
    for (const k of differentiable) expect(grads.has(k), k).toBe(true);
    expect(selectCases({ kinds: ['training'] })).toHaveLength(1);
  });

  it('case names are unique within a kernel and kind', () => {
    const seen = new Set<string>();
    for (const c of allCases()) {
      const key = `${c.kind}/${c.kernel}/${c.name}`;
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
      expect(failingKernels(report)).toEqual([kernel]);
      const row = report.rows.find((r) => r.kernel === kernel && r.kind === 'kernel')!;
      expect(row.failures[0]).toBeTruthy();
    });
  }

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
    const aliasing = () => {
      const base = new ReferenceBackend('aliasing');
      return wrapBackend(base, { transpose: (x, perm) => (perm.every((p, i) => p === i) ? x : base.transpose(x, perm)) });
    };
    const r1 = await runConformance(aliasing, { filter: 'transpose' });
    expect(r1.rows[0]!.failures.join()).toMatch(/returned the dataId of an input/);

    const caching = () => {
      const base = new ReferenceBackend('caching');
      const cache = new Map<string, ReturnType<Backend['oneHot']>>();
      return wrapBackend(base, {
        oneHot(indices, depth, on, off) {
          const key = `${[...base.readSync(indices.dataId)]}/${depth}/${on}/${off}`;
          const hit = cache.get(key);
          if (hit) return hit;
          const out = base.oneHot(indices, depth, on, off);
          cache.set(key, out);
          return out;
        },
      });
    };
    const r2 = await runConformance(caching, { filter: 'oneHot' });
    expect(r2.rows[0]!.failures.join()).toMatch(/same dataId on two calls/);
  });

  it('a kernel that throws fails its case with the error', async () => {
    const throwing = () => wrapBackend(new ReferenceBackend('throwing'), { cast: () => { throw new Error('cast is not implemented'); } });
    const report = await runConformance(throwing, { filter: 'cast', kinds: ['kernel'] });
    expect(report.failed).toBe(report.cases.length);
    expect(report.rows[0]!.failures[0]).toMatch(/threw Error: cast is not implemented/);
  });
});

describe('declared numerics', () => {
  /** A backend that flushes subnormals on write (so every kernel sees flushed inputs). */
  const flushing = (declare: boolean) => () => {
    const base = new ReferenceBackend('flushing');
    return wrapBackend(base, {
      ...(declare ? { numerics: { flushesSubnormals: true } } : {}),
      write: (values, shape, dtype) =>
        base.write(dtype === 'float32' ? Float32Array.from(values as Float32Array, flush32) : values, shape, dtype),
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
    const sloppyExp = (ulp?: number) => () => {
      const base = new ReferenceBackend('sloppy-exp');
      return wrapBackend(base, {
        ...(ulp ? { numerics: { transcendentalUlp: { exp: ulp } } } : {}),
        unary(op, x) {
          const out = base.unary(op, x);
          if (op !== 'exp') return out;
          const h = base.readHost(out);
          base.disposeData(out.dataId);
          return base.writeHost({ ...h, values: h.values.map((v) => nextUp32(nextUp32(nextUp32(v)))) });
        },
      });
    };
    expect((await runConformance(sloppyExp(), { filter: 'exp', kinds: ['kernel'] })).failed).toBeGreaterThan(0);
    const ok = await runConformance(sloppyExp(4), { filter: 'exp', kinds: ['kernel'] });
    expect(ok.failed).toBe(0);
    expect(formatReport(ok)).toMatch(/declares ≤ 4 ULP \(suite 2\)/);
  });

  it('declared arithmetic ULP relaxes the correctly rounded class', async () => {
    const sloppyAdd = (ulp?: number) => () => {
      const base = new ReferenceBackend('sloppy-add');
      return wrapBackend(base, {
        ...(ulp ? { numerics: { arithmeticUlp: ulp } } : {}),
        binary(op, a, b, outShape) {
          const out = base.binary(op, a, b, outShape);
          if (op !== 'add' || a.dtype !== 'float32') return out;
          const h = base.readHost(out);
          base.disposeData(out.dataId);
          return base.writeHost({ ...h, values: h.values.map((v) => (Number.isFinite(v) && Math.abs(v) < 1e30 ? nextUp32(v) : v)) });
        },
      });
    };
    expect((await runConformance(sloppyAdd(), { filter: 'add', kinds: ['kernel'] })).failed).toBeGreaterThan(0);
    const ok = await runConformance(sloppyAdd(1), { filter: 'add', kinds: ['kernel'] });
    expect(ok.rows.flatMap((r) => r.failures)).toEqual([]);
  });
});

describe('options', () => {
  it('filter selects kernels (case-insensitive, comma lists) and rejects unknown names', () => {
    expect(new Set(selectCases({ filter: 'EXP,matmul' }).map((c) => c.kernel))).toEqual(new Set(['exp', 'matMul']));
    expect(() => selectCases({ filter: 'nosuchkernel' })).toThrow(/no kernel named 'nosuchkernel'; known kernels: storage, neg/);
    expect(kernelNames()).toContain('training');
  });

  it('an optional kernel the backend lacks is skipped, not failed', async () => {
    const noFused = () => {
      const base = new ReferenceBackend('no-fused');
      return new Proxy(base, {
        get: (t, p) => (p === 'fusedMatMul' ? undefined : (Reflect.get(t, p, t) as unknown)),
      }) as Backend;
    };
    const report = await runConformance(noFused, { filter: 'fusedMatMul' });
    expect(report.failed).toBe(0);
    expect(report.skipped).toBeGreaterThan(0);
    expect(formatReport(report)).toMatch(/skipped/);
  });
});
