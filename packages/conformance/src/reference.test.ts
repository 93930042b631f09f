import { computeConv2DInfo, computePool2DInfo } from '@polytensor/core';
import { describe, expect, it } from 'vitest';
import { FLT_MAX, FLT_MIN, FLT_TRUE_MIN, gamma, nextUp32, U, ulp32, ulpDistance32 } from './float.js';
import { referenceVjp, richardson } from './gradients.js';
import { host } from './host.js';
import * as ref from './reference/index.js';
import { mlpProblem, mlpReference } from './training.js';

const vals = (t: { values: Float64Array }): number[] => [...t.values];

describe('float32 helpers', () => {
  it('ulp32 and ulpDistance32', () => {
    expect(ulp32(1)).toBe(2 ** -23);
    expect(ulp32(1.5)).toBe(2 ** -23);
    expect(ulp32(2)).toBe(2 ** -22);
    expect(ulp32(0)).toBe(FLT_TRUE_MIN);
    expect(ulp32(FLT_MIN)).toBe(FLT_TRUE_MIN);
    expect(ulp32(FLT_MAX)).toBe(2 ** 104);
    expect(ulpDistance32(1, nextUp32(1))).toBe(1);
    expect(ulpDistance32(-FLT_TRUE_MIN, FLT_TRUE_MIN)).toBe(2);
    expect(ulpDistance32(0, -0)).toBe(0);
    expect(ulpDistance32(NaN, NaN)).toBe(0);
    expect(ulpDistance32(NaN, 1)).toBe(Infinity);
  });
  it('gamma', () => {
    expect(gamma(1)).toBe(U / (1 - U));
    expect(gamma(1)).toBeGreaterThan(U);
    expect(gamma(10)).toBe((10 * U) / (1 - 10 * U));
    expect(gamma(2 ** 24)).toBe(Infinity);
  });
});

describe('reference: hand-computed values', () => {
  it('unary semantics the contract pins', () => {
    const x = host([8], [-0, 0, NaN, -2.5, 2.5, 0.5, -1.5, 3.7]);
    expect(vals(ref.unary('neg', x)).map((v) => Object.is(v, -0))).toEqual([false, true, false, false, false, false, false, false]);
    expect(Object.is(ref.unary('abs', x).values[0], 0)).toBe(true);
    expect(Object.is(ref.unary('sign', x).values[0], -0)).toBe(true);
    expect(Object.is(ref.unary('sign', x).values[1], 0)).toBe(true);
    expect(ref.unary('sign', x).values[2]).toBeNaN();
    expect(Object.is(ref.unary('relu', x).values[0], 0)).toBe(true);
    expect(ref.unary('relu', x).values[2]).toBeNaN();
    expect(vals(ref.unary('round', x)).slice(3)).toEqual([-2, 2, 0, -2, 4]);
    expect(vals(ref.unary('floor', x)).slice(3)).toEqual([-3, 2, 0, -2, 3]);
    expect(ref.unary('elu', host([2], [-1, 2])).values[0]).toBeCloseTo(Math.exp(-1) - 1, 15);
    expect(ref.unary('softplus', host([3], [0, 100, -100])).values[0]).toBeCloseTo(Math.LN2, 15);
    expect(ref.unary('softplus', host([3], [0, 100, -100])).values[1]).toBe(100);
    expect(ref.unary('sigmoid', host([1], [0])).values[0]).toBe(0.5);
    expect(vals(ref.unary('isNaN', x))).toEqual([0, 0, 1, 0, 0, 0, 0, 0]);
    expect(ref.unary('logicalNot', host([2], [0, 1], 'bool')).dtype).toBe('bool');
  });

  it('int32 wraps', () => {
    const x = host([3], [-(2 ** 31), 2 ** 31 - 1, 46341], 'int32');
    expect(vals(ref.unary('neg', x))).toEqual([-(2 ** 31), -(2 ** 31) + 1, -46341]);
    expect(vals(ref.unary('abs', x))[0]).toBe(-(2 ** 31));
    expect(vals(ref.unary('square', x))[2]).toBe(Math.imul(46341, 46341));
    expect(vals(ref.binary('add', x, host([], [1], 'int32')))).toEqual([-(2 ** 31) + 1, -(2 ** 31), 46342]);
    expect(vals(ref.binary('mul', x, host([], [2], 'int32')))[1]).toBe(-2);
  });

  it('binary broadcasting and comparisons with NaN', () => {
    const a = host([2, 1], [1, 2]);
    const b = host([3], [10, 20, 30]);
    const s = ref.binary('add', a, b);
    expect(s.shape).toEqual([2, 3]);
    expect(vals(s)).toEqual([11, 21, 31, 12, 22, 32]);
    const n = host([1], [NaN]);
    expect(vals(ref.binary('equal', n, n))).toEqual([0]);
    expect(vals(ref.binary('notEqual', n, n))).toEqual([1]);
    expect(vals(ref.binary('maximum', n, host([1], [1])))[0]).toBeNaN();
    expect(vals(ref.binary('minimum', host([1], [1]), n))[0]).toBeNaN();
  });

  it('cast', () => {
    const x = host([6], [1.9, -1.9, NaN, -0, 0.5, 16777217]);
    expect(vals(ref.cast(x, 'int32')).filter((_, i) => i !== 2)).toEqual([1, -1, 0, 0, 16777216]);
    expect(vals(ref.cast(x, 'bool'))).toEqual([1, 1, 1, 0, 1, 1]);
  });

  it('reductions, empty identities, NaN', () => {
    const x = host([2, 3], [1, 2, 3, 4, NaN, 6]);
    expect(vals(ref.reduce('sum', x, [0]).out).slice(0, 1)).toEqual([5]);
    expect(ref.reduce('max', x, [1]).out.values[1]).toBeNaN();
    expect(vals(ref.reduce('prod', host([2, 3], [1, 2, 3, 4, 5, 6]), [1]).out)).toEqual([6, 120]);
    const e = host([2, 0], []);
    expect(vals(ref.reduce('sum', e, [1]).out)).toEqual([0, 0]);
    expect(vals(ref.reduce('prod', e, [1]).out)).toEqual([1, 1]);
    expect(vals(ref.reduce('max', e, [1]).out)).toEqual([-Infinity, -Infinity]);
    expect(vals(ref.reduce('min', e, [1]).out)).toEqual([Infinity, Infinity]);
    const r = ref.reduce('sum', host([2, 2], [1, -3, 2, 2]), [1]);
    expect(vals(r.out)).toEqual([-2, 4]);
    expect(vals({ values: r.absSum })).toEqual([4, 4]);
  });

  it('argMax / argMin: first index, NaN is the extreme', () => {
    const x = host([3, 4], [1, 3, 3, 0, 2, NaN, 5, NaN, -1, -1, -2, -2]);
    expect(vals(ref.argReduce('argMax', x, 1))).toEqual([1, 1, 0]);
    expect(vals(ref.argReduce('argMin', x, 1))).toEqual([3, 1, 2]);
  });

  it('movement', () => {
    const x = host([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(vals(ref.transpose(x, [1, 0]))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(vals(ref.slice(x, [0, 1], [2, 2]))).toEqual([2, 3, 5, 6]);
    expect(vals(ref.concat([x, host([2, 1], [7, 8])], 1))).toEqual([1, 2, 3, 7, 4, 5, 6, 8]);
    expect(vals(ref.pad(host([2], [1, 2]), [[1, 2]], 9))).toEqual([9, 1, 2, 9, 9]);
    const idx = host([3], [2, 0, 2], 'int32');
    expect(vals(ref.gather(x, idx, 1))).toEqual([3, 1, 3, 6, 4, 6]);
    const sa = ref.scatterAdd(host([2, 3], [1, 2, 3, 4, 5, 6]), idx, 1, [2, 3]);
    expect(vals(sa.out)).toEqual([2, 0, 4, 5, 0, 10]);
    expect(vals({ values: sa.terms })).toEqual([1, 0, 2, 1, 0, 2]);
    expect(vals(ref.oneHot(host([3], [1, -1, 5], 'int32'), 3, 1, 0))).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('matMul with transposes and batch broadcast', () => {
    const a = host([1, 2, 3], [1, 2, 3, 4, 5, 6]);
    const b = host([1, 3, 2], [7, 8, 9, 10, 11, 12]);
    expect(vals(ref.matMul(a, b, false, false).out)).toEqual([58, 64, 139, 154]);
    const aT = ref.transpose(a, [0, 2, 1]);
    const bT = ref.transpose(b, [0, 2, 1]);
    expect(vals(ref.matMul(aT, bT, true, true).out)).toEqual([58, 64, 139, 154]);
    const b2 = host([2, 3, 2], [7, 8, 9, 10, 11, 12, 1, 0, 0, 1, 0, 0]);
    expect(vals(ref.matMul(a, b2, false, false).out)).toEqual([58, 64, 139, 154, 1, 2, 4, 5]);
  });

  it('conv2d on a hand example (valid, same, stride, dilation)', () => {
    const x = host([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const f = host([2, 2, 1, 1], [1, 0, 0, -1]);
    const valid = ref.conv2d(x, f, computeConv2DInfo('t', x.shape, f.shape, 1, 'valid'));
    expect(vals(valid.out)).toEqual([1 - 5, 2 - 6, 4 - 8, 5 - 9]);
    const same = ref.conv2d(x, f, computeConv2DInfo('t', x.shape, f.shape, 1, 'same'));
    // pad bottom/right by one: the last row/col only sees the top-left tap
    expect(vals(same.out)).toEqual([-4, -4, 3, -4, -4, 6, 7, 8, 9]);
    const dil = ref.conv2d(x, f, computeConv2DInfo('t', x.shape, f.shape, 1, 'valid', 2));
    expect(vals(dil.out)).toEqual([1 - 9]);
    const strided = ref.conv2d(x, host([1, 1, 1, 1], [2]), computeConv2DInfo('t', x.shape, [1, 1, 1, 1], 2, 'valid'));
    expect(vals(strided.out)).toEqual([2, 6, 14, 18]);
  });

  it('conv2d backprops are the adjoints of conv2d: <conv(x,f), dy> = <x, dX(dy,f)> = <f, dF(x,dy)>', () => {
    const info = computeConv2DInfo('t', [2, 5, 4, 3], [3, 2, 3, 2], [2, 1], 'same', 1);
    const rnd = (shape: readonly number[], seed: number) =>
      host(
        shape,
        Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 1.7 + seed)),
      );
    const x = rnd(info.inShape, 1);
    const f = rnd(info.filterShape, 2);
    const dy = rnd(info.outShape, 3);
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
    const y = ref.conv2d(x, f, info).out.values;
    const dx = ref.conv2dBackpropInput(dy, f, info).out.values;
    const df = ref.conv2dBackpropFilter(x, dy, info).out.values;
    expect(dot(x.values, dx)).toBeCloseTo(dot(y, dy.values), 10);
    expect(dot(f.values, df)).toBeCloseTo(dot(y, dy.values), 10);
  });

  it('pools ignore padding; maxPoolGrad routes to the first max', () => {
    const x = host([1, 2, 2, 1], [1, 3, 3, 2]);
    const info = computePool2DInfo('t', x.shape, 2, 1, 'same');
    expect(vals(ref.maxPool(x, info))).toEqual([3, 3, 3, 2]);
    expect(vals(ref.avgPool(x, info).out)).toEqual([9 / 4, 5 / 2, 5 / 2, 2]);
    const g = ref.maxPoolGrad(host([1, 2, 2, 1], [1, 10, 100, 1000]), x, info);
    // window (0,0) sees 1,3,3,2: the tie goes to the first max, cell (0,1); window (0,1) sees
    // cells (0,1),(1,1) → (0,1); window (1,0) sees (1,0),(1,1) → (1,0); window (1,1) only (1,1)
    expect(vals(g.out)).toEqual([0, 1 + 10, 100, 1000]);
    const ag = ref.avgPoolGrad(host([1, 2, 2, 1], [4, 2, 2, 1]), info);
    expect(vals(ag.out)).toEqual([1, 1 + 1, 1 + 1, 1 + 1 + 1 + 1]);
  });

  it('softmax / logSoftmax', () => {
    const s = ref.softmax(host([1, 3], [1, 2, 3]));
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const z = e[0]! + e[1]! + e[2]!;
    vals(s.out).forEach((v, i) => expect(v).toBeCloseTo(e[i]! / z, 15));
    const l = ref.logSoftmax(host([1, 3], [1, 2, 3]));
    vals(l.out).forEach((v, i) => expect(v).toBeCloseTo(Math.log(e[i]! / z), 14));
    expect(vals(ref.softmax(host([1, 2], [1000, 1000])).out)).toEqual([0.5, 0.5]);
    expect(vals(ref.softmax(host([1, 2], [-Infinity, 0])).out)).toEqual([0, 1]);
    expect(vals(ref.logSoftmax(host([1, 2], [-Infinity, 0])).out)).toEqual([-Infinity, 0]);
  });
});

describe('reference: finite differences', () => {
  it('richardson recovers known derivatives to ~1e-10', () => {
    const x = Float64Array.from([0.7]);
    expect(richardson(() => Math.exp(x[0]!), x, 0, 1e-3)).toBeCloseTo(Math.exp(0.7), 10);
    expect(richardson(() => Math.log(x[0]!), x, 0, 1e-3)).toBeCloseTo(1 / 0.7, 10);
    expect(richardson(() => Math.tanh(x[0]!), x, 0, 1e-3)).toBeCloseTo(1 - Math.tanh(0.7) ** 2, 10);
  });

  it('referenceVjp of matMul equals the analytic dyᵀ·Bᵀ and Aᵀ·dy', () => {
    const a = host([1, 2, 3], [0.5, -1, 2, 1.5, 0.25, -0.75]);
    const b = host([1, 3, 2], [1, 2, -1, 0.5, 0.3, -2]);
    const dy = Float64Array.from([1, -2, 0.5, 3]);
    const f = (xs: readonly { shape: readonly number[]; values: Float64Array; dtype: 'float32' | 'int32' | 'bool' }[]) =>
      ref.matMul(xs[0]!, xs[1]!, false, false).out;
    const ga = referenceVjp(f, [a, b], dy, 0);
    const gb = referenceVjp(f, [a, b], dy, 1);
    const dyT = host([1, 2, 2], dy);
    const wantA = ref.matMul(dyT, b, false, true).out.values;
    const wantB = ref.matMul(a, dyT, true, false).out.values;
    ga.forEach((v, i) => expect(v).toBeCloseTo(wantA[i]!, 9));
    gb.forEach((v, i) => expect(v).toBeCloseTo(wantB[i]!, 9));
  });

  it('the training reference’s analytic gradients match finite differences', () => {
    const p = mlpProblem();
    const f = mlpReference(p, p.params);
    p.params.forEach((w, k) => {
      const params = p.params.map((q) => Float64Array.from(q));
      const target = params[k]!;
      for (let j = 0; j < w.length; j += 3) {
        const fd = richardson(() => mlpReference(p, params).loss, target, j, 1e-3);
        expect(f.grads[k]![j]).toBeCloseTo(fd, 8);
      }
    });
  });
});
