import { afterEach, describe, expect, it } from 'vitest';
import type { BinaryOp, UnaryOp } from '@polytensor/core';
import { Harness, f32, randomFloats } from '../test_util.js';
import { roundHalfEven, sigmoid } from './unary.js';

let h = new Harness();
afterEach(() => {
  expect(h.finish()).toBe(0);
  h = new Harness();
});

const SPECIALS = [0, -0, 1, -1, 0.5, -2.5, NaN, Infinity, -Infinity, 1e-45, 3.4e38];

function un(op: UnaryOp, values: number[], dtype: 'float32' | 'int32' | 'bool' = 'float32'): number[] {
  return h.out(h.be.kernels.unary(op, h.input(values, [values.length], dtype)));
}

describe('unary', () => {
  it('pins the sign of zero, NaN and relu semantics', () => {
    expect(un('neg', [0, -0, NaN, 2])).toEqual([-0, 0, NaN, -2]);
    expect(un('abs', [-0, -3, NaN, -Infinity])).toEqual([0, 3, NaN, Infinity]);
    expect(un('sign', [0, -0, NaN, -5, 7, -Infinity])).toEqual([0, -0, NaN, -1, 1, -1]);
    expect(un('relu', [-0, -1, NaN, 2, Infinity, -Infinity])).toEqual([0, 0, NaN, 2, Infinity, 0]);
  });

  it('rounds half to even and keeps the sign of zero', () => {
    expect(un('round', [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -0.3, NaN, Infinity, 8388609])).toEqual([0, 2, 2, -0, -2, -2, 2, -0, NaN, Infinity, 8388609]);
    expect(roundHalfEven(-0)).toBe(-0);
    expect(un('floor', [-0.5, 1.5])).toEqual([-1, 1]);
    expect(Object.is(un('ceil', [-0.5])[0], -0)).toBe(true);
  });

  it('computes transcendentals in double and rounds once', () => {
    const xs = [-3, -0.25, 0, 0.5, 2, 80];
    const cases: Array<[UnaryOp, (x: number) => number]> = [
      ['exp', Math.exp],
      ['expm1', Math.expm1],
      ['tanh', Math.tanh],
      ['sin', Math.sin],
      ['cos', Math.cos],
      ['square', (x) => x * x],
      ['reciprocal', (x) => 1 / x],
    ];
    for (const [op, f] of cases) expect(un(op, xs), op).toEqual(f32(xs.map(f)));
    const pos = [1e-45, 0.1, 1, 2, 1e30].map(Math.fround);
    expect(un('log', pos)).toEqual(f32(pos.map(Math.log)));
    expect(un('log1p', pos)).toEqual(f32(pos.map(Math.log1p)));
    expect(un('sqrt', [...pos, -1, -0])).toEqual(f32([...pos.map(Math.sqrt), NaN, -0]));
    expect(un('rsqrt', [4, 0, -0])).toEqual([0.5, Infinity, -Infinity]);
  });

  it('has overflow-free sigmoid and softplus, and elu = expm1 below zero', () => {
    expect(un('sigmoid', [-1000, 0, 1000, NaN, -Infinity])).toEqual([0, 0.5, 1, NaN, 0]);
    expect(sigmoid(-20)).toBeCloseTo(Math.exp(-20) / (1 + Math.exp(-20)), 20);
    const sp = un('softplus', [-1000, 0, 1000, 1e-3, NaN]);
    expect(sp).toEqual(f32([0, Math.LN2, 1000, Math.log1p(Math.exp(1e-3)), NaN]));
    expect(un('elu', [-1, 0, 2, -0])).toEqual(f32([Math.expm1(-1), 0, 2, -0]));
  });

  it('handles int32 with wrap-around', () => {
    const m = -2147483648;
    expect(un('neg', [3, m, 0], 'int32')).toEqual([-3, m, 0]);
    expect(un('abs', [-3, m], 'int32')).toEqual([3, m]);
    expect(un('square', [46341, -3], 'int32')).toEqual([Math.imul(46341, 46341), 9]);
    expect(un('relu', [-3, 4], 'int32')).toEqual([0, 4]);
    expect(un('sign', [-3, 0, 4], 'int32')).toEqual([-1, 0, 1]);
  });

  it('gives bool for predicates and logicalNot', () => {
    expect(un('isNaN', SPECIALS)).toEqual(SPECIALS.map((x) => (Number.isNaN(Math.fround(x)) ? 1 : 0)));
    expect(un('isInf', SPECIALS)).toEqual(SPECIALS.map((x) => (Math.abs(x) === Infinity ? 1 : 0)));
    expect(un('isFinite', SPECIALS)).toEqual(SPECIALS.map((x) => (Number.isFinite(x) ? 1 : 0)));
    const out = h.be.kernels.unary('logicalNot', h.input([1, 0, 1], [3], 'bool'));
    expect(out.dtype).toBe('bool');
    expect(h.out(out)).toEqual([0, 1, 0]);
  });

  it('keeps subnormals and handles rank 0 and empty tensors', () => {
    expect(un('neg', [1e-45])).toEqual([-Math.fround(1e-45)]);
    const s = h.be.kernels.unary('exp', h.input([0], []));
    expect(s.shape).toEqual([]);
    expect(h.out(s)).toEqual([1]);
    const e = h.be.kernels.unary('sigmoid', h.input([], [0, 3]));
    expect(e.shape).toEqual([0, 3]);
    expect(h.out(e)).toEqual([]);
  });
});

function bin(
  op: BinaryOp,
  a: number[],
  aShape: number[],
  b: number[],
  bShape: number[],
  outShape: number[],
  dtype: 'float32' | 'int32' | 'bool' = 'float32',
): number[] {
  const out = h.be.kernels.binary(op, h.input(a, aShape, dtype), h.input(b, bShape, dtype), outShape);
  expect(out.shape).toEqual(outShape);
  return h.out(out);
}

describe('binary', () => {
  it('is correctly rounded float32 arithmetic', () => {
    const a = [0.1, 1e30, 3, -0, 1e-45];
    const b = [0.2, 1e30, 7, 0, 3];
    expect(bin('add', a, [5], b, [5], [5])).toEqual(f32(a.map((x, i) => Math.fround(x) + Math.fround(b[i]!))));
    expect(bin('mul', a, [5], b, [5], [5])).toEqual(f32(a.map((x, i) => Math.fround(x) * Math.fround(b[i]!))));
    expect(bin('div', a, [5], b, [5], [5])).toEqual(f32(a.map((x, i) => Math.fround(x) / Math.fround(b[i]!))));
    expect(bin('sub', [-0], [1], [0], [1], [1])).toEqual([-0]);
    expect(bin('add', [-0], [1], [-0], [1], [1])).toEqual([-0]);
    expect(bin('pow', [2, -8, 0], [3], [10, 2, -1], [3], [3])).toEqual([1024, 64, Infinity]);
    expect(bin('squaredDifference', [1, 5], [2], [4, -5], [2], [2])).toEqual([9, 100]);
  });

  it('propagates NaN through maximum/minimum', () => {
    expect(bin('maximum', [NaN, 1, 2, -0], [4], [1, NaN, 3, 0], [4], [4])).toEqual([NaN, NaN, 3, 0]);
    expect(bin('minimum', [NaN, 1, 2, -0], [4], [1, NaN, 3, 0], [4], [4])).toEqual([NaN, NaN, 2, -0]);
  });

  it('broadcasts NumPy-style to outShape', () => {
    // [2,1,3] + [4,1] → [2,4,3]
    const a = [1, 2, 3, 4, 5, 6];
    const b = [10, 20, 30, 40];
    const got = bin('add', a, [2, 1, 3], b, [4, 1], [2, 4, 3]);
    const want: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 3; k++) want.push(a[i * 3 + k]! + b[j]!);
    expect(got).toEqual(want);
    expect(bin('sub', [5], [], [1, 2, 3], [3], [3])).toEqual([4, 3, 2]);
    expect(bin('sub', [1, 2, 3], [3], [5], [1], [3])).toEqual([-4, -3, -2]);
    expect(bin('mul', [1, 2], [2, 1], [3, 4, 5], [1, 3], [2, 3])).toEqual([3, 4, 5, 6, 8, 10]);
    expect(bin('add', [2], [], [3], [], [])).toEqual([5]);
    expect(bin('add', [], [0, 3], [1, 2, 3], [3], [0, 3])).toEqual([]);
    expect(bin('add', [1, 2, 3], [3], [4, 5, 6], [1, 3], [1, 3])).toEqual([5, 7, 9]);
  });

  it('wraps int32 add/sub/mul modulo 2^32', () => {
    const max = 2147483647;
    const min = -2147483648;
    expect(bin('add', [max, min], [2], [1, -1], [2], [2], 'int32')).toEqual([min, max]);
    expect(bin('sub', [min], [1], [1], [1], [1], 'int32')).toEqual([max]);
    expect(bin('mul', [65536, 123456789], [2], [65536, 987654321], [2], [2], 'int32')).toEqual([0, Math.imul(123456789, 987654321)]);
    expect(bin('maximum', [3, -4], [2], [-1], [1], [2], 'int32')).toEqual([3, -1]);
  });

  it('compares into bool, NaN unequal to everything', () => {
    const a = [1, NaN, 2, -0];
    const b = [1, NaN, 3, 0];
    const cmp = (op: BinaryOp): number[] => {
      const out = h.be.kernels.binary(op, h.input(a, [4]), h.input(b, [4]), [4]);
      expect(out.dtype).toBe('bool');
      return h.out(out);
    };
    expect(cmp('equal')).toEqual([1, 0, 0, 1]);
    expect(cmp('notEqual')).toEqual([0, 1, 1, 0]);
    expect(cmp('less')).toEqual([0, 0, 1, 0]);
    expect(cmp('lessEqual')).toEqual([1, 0, 1, 1]);
    expect(cmp('greater')).toEqual([0, 0, 0, 0]);
    expect(cmp('greaterEqual')).toEqual([1, 0, 0, 1]);
    expect(bin('logicalAnd', [1, 1, 0, 0], [4], [1, 0, 1, 0], [4], [4], 'bool')).toEqual([1, 0, 0, 0]);
    expect(bin('logicalOr', [1, 1, 0, 0], [2, 2], [1, 0], [2], [2, 2], 'bool')).toEqual([1, 1, 1, 0]);
    expect(bin('less', [1, 5], [2], [3], [], [2], 'int32')).toEqual([1, 0]);
  });
});

describe('binary broadcasting (every op and dtype, against an index-by-index reference)', () => {
  const shapes: Array<[number[], number[]]> = [
    [
      [3, 4],
      [3, 4],
    ],
    [[3, 4], []],
    [[], [3, 4]],
    [[3, 4], [4]],
    [
      [3, 1],
      [1, 4],
    ],
    [
      [2, 3, 4],
      [3, 1],
    ],
    [
      [2, 1, 4],
      [1, 3, 1],
    ],
    [
      [5, 1, 1, 2],
      [3, 1, 2],
    ],
    [[1], [2, 2]],
    [
      [2, 3, 1, 5],
      [2, 1, 4, 5],
    ],
    [[0, 3], [3]],
    [[1, 1], [1]],
  ];
  const cmp =
    (g: (x: number, y: number) => boolean) =>
    (x: number, y: number): number =>
      g(x, y) ? 1 : 0;
  const comparisons: Record<string, (x: number, y: number) => number> = {
    equal: cmp((x, y) => x === y),
    notEqual: cmp((x, y) => x !== y),
    less: cmp((x, y) => x < y),
    lessEqual: cmp((x, y) => x <= y),
    greater: cmp((x, y) => x > y),
    greaterEqual: cmp((x, y) => x >= y),
  };
  const float: Record<string, (x: number, y: number) => number> = {
    add: (x, y) => Math.fround(x + y),
    sub: (x, y) => Math.fround(x - y),
    mul: (x, y) => Math.fround(x * y),
    div: (x, y) => Math.fround(x / y),
    pow: (x, y) => Math.fround(x ** y),
    maximum: Math.max,
    minimum: Math.min,
    squaredDifference: (x, y) => Math.fround((x - y) * (x - y)),
    ...comparisons,
  };
  const int: Record<string, (x: number, y: number) => number> = {
    add: (x, y) => (x + y) | 0,
    sub: (x, y) => (x - y) | 0,
    mul: Math.imul,
    maximum: Math.max,
    minimum: Math.min,
    squaredDifference: (x, y) => Math.imul((x - y) | 0, (x - y) | 0),
    ...comparisons,
  };
  it('matches a reference walk of the broadcast indices', () => {
    let seed = 1;
    for (const [as, bs] of shapes) {
      const rank = Math.max(as.length, bs.length);
      const pad = (sh: number[]): number[] => [...new Array<number>(rank - sh.length).fill(1), ...sh];
      const pa = pad(as);
      const pb = pad(bs);
      const out = pa.map((d, i) => (d === 0 || pb[i] === 0 ? 0 : Math.max(d, pb[i]!)));
      const size = out.reduce((x, y) => x * y, 1);
      /** Flat input offset of output element `flat` in an operand of (padded) shape `sh`. */
      const offset = (sh: number[], flat: number): number => {
        let o = 0;
        let stride = 1;
        for (let i = rank - 1; i >= 0; i--) {
          const idx = flat % out[i]!;
          flat = Math.floor(flat / out[i]!);
          if (sh[i] !== 1) o += idx * stride;
          stride *= sh[i]!;
        }
        return o;
      };
      for (const dtype of ['float32', 'int32'] as const) {
        const make = (sh: number[]): number[] =>
          Array.from(
            randomFloats(
              sh.reduce((x, y) => x * y, 1),
              seed++,
              -4,
              4,
            ),
            (v) => (dtype === 'int32' ? Math.round(v * 1e8) | 0 : Math.fround(v)),
          );
        const av = make(as);
        const bv = make(bs);
        if (av.length > 1 && bv.length > 0) av[1] = bv[0]!; // an equal pair for the comparisons
        for (const [op, fn] of Object.entries(dtype === 'int32' ? int : float)) {
          const res = h.be.kernels.binary(op as BinaryOp, h.input(av, as, dtype), h.input(bv, bs, dtype), out);
          expect(res.shape).toEqual(out);
          const want = Array.from({ length: size }, (_, flat) => fn(av[offset(pa, flat)]!, bv[offset(pb, flat)]!));
          expect(h.out(res), `${op} ${dtype} ${JSON.stringify([as, bs])}`).toEqual(want);
        }
      }
    }
  });
});

describe('where', () => {
  it('selects with broadcasting of all three operands', () => {
    const c = h.input([1, 0], [2, 1], 'bool');
    const a = h.input([1, 2, 3], [3]);
    const b = h.input([-1], []);
    const out = h.be.kernels.where(c, a, b, [2, 3]);
    expect(out.dtype).toBe('float32');
    expect(h.out(out)).toEqual([1, 2, 3, -1, -1, -1]);
    const i = h.be.kernels.where(h.input([1, 0, 1], [3], 'bool'), h.input([7, 8, 9], [3], 'int32'), h.input([0, 0, 0], [3], 'int32'), [3]);
    expect(i.dtype).toBe('int32');
    expect(h.out(i)).toEqual([7, 0, 9]);
    expect(h.out(h.be.kernels.where(h.input([1], [], 'bool'), h.input([NaN], []), h.input([2], []), []))).toEqual([NaN]);
  });
});

describe('cast', () => {
  it('truncates float→int, maps →bool as x != 0 with NaN → true', () => {
    const x = h.input([1.9, -1.9, -0.5, NaN, 0, -0, 1e-45, Infinity], [8]);
    const i = h.be.kernels.cast(x, 'int32');
    expect(i.dtype).toBe('int32');
    expect(h.out(i)).toEqual([1, -1, 0, 0, 0, 0, 0, 0]);
    expect(h.out(h.be.kernels.cast(x, 'bool'))).toEqual([1, 1, 1, 1, 0, 0, 1, 1]);
    expect(h.out(h.be.kernels.cast(h.input([16777217, -3], [2], 'int32'), 'float32'))).toEqual([16777216, -3]);
    expect(h.out(h.be.kernels.cast(h.input([1, 0], [2], 'bool'), 'float32'))).toEqual([1, 0]);
    expect(h.out(h.be.kernels.cast(h.input([0, 5, -2], [3], 'int32'), 'bool'))).toEqual([0, 1, 1]);
    expect(h.out(h.be.kernels.cast(h.input([1.5], []), 'float32'))).toEqual([1.5]);
  });
});
