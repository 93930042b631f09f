// Elementwise kernels over ≥ PACKED_MIN_SIZE values run as packed programs
// (four values per fragment) when their inputs allow; small ones and mixed
// layouts run flat. The packed program evaluates the same scalar GLSL per
// value, so its output must equal the flat program's bit for bit, special
// values included, on shapes whose packed texture has padding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINARY_OPS, UNARY_OPS, type BinaryOp, type TensorInfo, type UnaryOp } from '@polytensor/core';
import type { WebGLBackend } from './index.js';
import { newBackend } from './test_util.js';

const SHAPE = [33, 65]; // odd sides: the packed texture has padding texels in both directions
const N = SHAPE[0]! * SHAPE[1]!;
const SPECIAL = [0, -0, 1, -1, 0.5, -2.5, 3.5, 1e-40, -1e-40, 1e30, -1e30, 3.4e38, 88.5, -104, Infinity, -Infinity, NaN];

function values(seed: number, ints = false): Float32Array {
  const out = new Float32Array(N);
  let s = seed;
  for (let i = 0; i < N; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const u = s / 2147483648;
    out[i] = i < SPECIAL.length * 3 ? SPECIAL[(i + seed) % SPECIAL.length]! : ints ? Math.round(u * 20 - 10) : (u * 2 - 1) * 10 ** Math.round(u * 6 - 3);
  }
  return out;
}

/** Equal bit for bit, except that any NaN equals any NaN (GLSL does not pin the payload). */
function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (!Object.is(g, w)) expect.fail(`${what}: element ${i}: packed ${g}, flat ${w}`);
  }
}

describe('packed elementwise programs', () => {
  let gl: WebGLBackend;
  beforeAll(async () => {
    gl = await newBackend();
  });
  afterAll(() => gl.dispose());

  const isPacked = (t: TensorInfo): boolean => {
    const tf = gl.store.data(t.dataId, 'test').tf!;
    return gl.store.tf.texData.get(tf).isPacked === true;
  };

  /** Run `f` on fresh inputs, packed (default threshold) and flat (threshold Infinity); return both outputs' values. */
  function both(
    inputs: Float32Array[],
    f: (xs: TensorInfo[]) => TensorInfo,
    shapes: readonly (readonly number[])[] = [],
    dtypes: readonly ('float32' | 'bool')[] = [],
  ): { packed: ArrayLike<number>; flat: ArrayLike<number> } {
    const run = (minSize: number, expectPacked: boolean): ArrayLike<number> => {
      gl.store.packedMinSize = minSize;
      const xs = inputs.map((v, k) => {
        const shape = [...(shapes[k] ?? SHAPE)];
        const dtype = dtypes[k] ?? 'float32';
        return { dataId: gl.write(dtype === 'bool' ? Uint8Array.from(v, (x) => (x > 0 ? 1 : 0)) : v, shape, dtype), shape, dtype };
      });
      const out = f(xs);
      expect(isPacked(out)).toBe(expectPacked);
      const vals = gl.readSync(out.dataId);
      for (const t of [...xs, out]) gl.disposeData(t.dataId);
      return vals;
    };
    try {
      const packed = run(1024, true);
      const flat = run(Infinity, false);
      return { packed, flat };
    } finally {
      gl.store.packedMinSize = 1024;
    }
  }

  it('every unary op: packed output equals the flat one bit for bit', () => {
    for (const op of UNARY_OPS as readonly UnaryOp[]) {
      const { packed, flat } = both([values(7)], ([x]) => gl.kernels.unary(op, x!));
      expectSameBits(packed, flat, `unary ${op}`);
    }
    expect(gl.numDataIds()).toBe(0);
  });

  it('every binary op: packed output equals the flat one bit for bit', () => {
    for (const op of BINARY_OPS as readonly BinaryOp[]) {
      const ints = op === 'pow';
      const { packed, flat } = both([values(11), values(13, ints)], ([a, b]) => gl.kernels.binary(op, a!, b!, SHAPE));
      expectSameBits(packed, flat, `binary ${op}`);
    }
    expect(gl.numDataIds()).toBe(0);
  });

  it('softmax and logSoftmax: the packed elementwise pass equals the flat one bit for bit', () => {
    for (const kernel of ['softmax', 'logSoftmax'] as const) {
      for (const seed of [19, 23]) {
        const x = values(seed).map((v) => (seed === 23 && Number.isFinite(v) ? Math.max(-80, Math.min(80, v)) : v));
        const { packed, flat } = both([x], ([t]) => gl.kernels[kernel](t!));
        expectSameBits(packed, flat, `${kernel} (seed ${seed})`);
      }
    }
    expect(gl.numDataIds()).toBe(0);
  });

  it('broadcast inputs (a scalar, a row, a column) run packed and equal the flat output bit for bit', () => {
    const [R, C] = SHAPE as [number, number];
    const cases: Array<{ shape: number[]; values: Float32Array }> = [
      { shape: [], values: Float32Array.of(-2.5) },
      { shape: [1, 1], values: Float32Array.of(Number.NaN) },
      { shape: [C], values: values(31).subarray(0, C) },
      { shape: [R, 1], values: values(37).subarray(0, R) },
      { shape: [1, C], values: values(41).subarray(0, C) },
    ];
    // sub: the order of the operands matters; maximum: NaN from either side
    for (const op of ['sub', 'maximum'] as const) {
      for (const c of cases) {
        for (const swap of c.shape.length === 1 ? [false, true] : [false]) {
          const ins = swap ? [c.values, values(43)] : [values(43), c.values];
          const shapes = swap ? [c.shape, SHAPE] : [SHAPE, c.shape];
          const { packed, flat } = both(ins, ([a, b]) => gl.kernels.binary(op, a!, b!, SHAPE), shapes);
          expectSameBits(packed, flat, `binary ${op} [${shapes[0]}] [${shapes[1]}]`);
        }
      }
    }
    expect(gl.numDataIds()).toBe(0);
  });

  it('rank 3 and 4 (odd sides): packed equals flat bit for bit', () => {
    for (const shape of [
      [3, 25, 17],
      [2, 3, 13, 15],
    ]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const a = values(67).subarray(0, n);
      const b = values(71).subarray(0, n);
      const { packed, flat } = both(
        [a, b],
        ([x, y]) => {
          const e = gl.kernels.unary('exp', x!);
          const out = gl.kernels.binary('mul', e, y!, shape);
          gl.disposeData(e.dataId);
          return out;
        },
        [shape, shape],
      );
      expectSameBits(packed, flat, `exp·mul [${shape}]`);
    }
    expect(gl.numDataIds()).toBe(0);
  });

  it('where and cast run packed and equal the flat output bit for bit', () => {
    const [, C] = SHAPE as [number, number];
    const w = both([values(47), values(53), values(59).subarray(0, C)], ([c, a, b]) => gl.kernels.where(c!, a!, b!, SHAPE), [SHAPE, SHAPE, [C]], ['bool']);
    expectSameBits(w.packed, w.flat, 'where');
    for (const [from, to] of [
      ['float32', 'int32'],
      ['float32', 'bool'],
      ['bool', 'float32'],
    ] as const) {
      const { packed, flat } = both([values(61)], ([x]) => gl.kernels.cast(x!, to), [SHAPE], [from as 'float32' | 'bool']);
      expectSameBits(packed, flat, `cast ${from} → ${to}`);
    }
    expect(gl.numDataIds()).toBe(0);
  });

  it('add, packed, equals float32 addition in JS', () => {
    const a = values(3);
    const b = values(5);
    const { packed } = both([a, b], ([x, y]) => gl.kernels.binary('add', x!, y!, SHAPE));
    expectSameBits(
      packed,
      a.map((v, i) => Math.fround(v + b[i]!)),
      'add vs JS',
    );
  });

  it("padding lanes stay 0: packed log/exp results with odd sides feed matMul's padded texels", () => {
    // log(0) = -Inf and exp(0) = 1 in an overhanging lane would make matMul's padded
    // products NaN or extra terms (tfjs's packed matMul multiplies padding by padding)
    const [R, C] = SHAPE as [number, number];
    const x = values(29).map((v) => 0.5 + (Number.isFinite(v) ? Math.abs(v) % 3 : 1));
    const k = gl.kernels;
    for (const op of ['log', 'exp'] as const) {
      const f = op === 'log' ? Math.log : Math.exp;
      const xt = { dataId: gl.write(x, SHAPE, 'float32'), shape: SHAPE, dtype: 'float32' as const };
      const y = k.unary(op, xt);
      expect(isPacked(y)).toBe(true);
      // y·1 over the odd inner dimension C, and yᵀ·1 over the odd outer dimension R
      const onesC = { dataId: gl.write(new Float32Array(C).fill(1), [C, 1], 'float32'), shape: [C, 1], dtype: 'float32' as const };
      const onesR = { dataId: gl.write(new Float32Array(R).fill(1), [R, 1], 'float32'), shape: [R, 1], dtype: 'float32' as const };
      const byRow = k.matMul({ ...y, shape: [1, R, C] }, { ...onesC, shape: [1, C, 1] }, false, false);
      const byCol = k.matMul({ ...y, shape: [1, R, C] }, { ...onesR, shape: [1, R, 1] }, true, false);
      const rows = gl.readSync(byRow.dataId);
      const cols = gl.readSync(byCol.dataId);
      for (let r = 0; r < R; r++) {
        let want = 0;
        let abs = 0;
        for (let c = 0; c < C; c++) {
          want += f(x[r * C + c]!);
          abs += Math.abs(f(x[r * C + c]!));
        }
        expect(Math.abs(rows[r]! - want), `${op}: row ${r}: ${rows[r]} vs ${want}`).toBeLessThan(abs * 1e-5);
      }
      for (let c = 0; c < C; c++) {
        let want = 0;
        let abs = 0;
        for (let r = 0; r < R; r++) {
          want += f(x[r * C + c]!);
          abs += Math.abs(f(x[r * C + c]!));
        }
        expect(Math.abs(cols[c]! - want), `${op}: column ${c}: ${cols[c]} vs ${want}`).toBeLessThan(abs * 1e-5);
      }
      for (const t of [xt, y, onesC, onesR, byRow, byCol]) gl.disposeData(t.dataId);
    }
    expect(gl.numDataIds()).toBe(0);
  });

  it('layouts mix: a matMul output (packed) through packed and flat elementwise ops and a reduction', () => {
    const a = values(17).map((v) => (Number.isFinite(v) ? Math.max(-4, Math.min(4, v)) : 1));
    const run = (minSize: number): { t: ArrayLike<number>; r: ArrayLike<number>; s: ArrayLike<number> } => {
      gl.store.packedMinSize = minSize;
      const k = gl.kernels;
      const x = { dataId: gl.write(a, SHAPE, 'float32'), shape: SHAPE, dtype: 'float32' as const };
      const eye = new Float32Array(SHAPE[1]! * SHAPE[1]!);
      for (let i = 0; i < SHAPE[1]!; i++) eye[i * SHAPE[1]! + i] = 1;
      const e = { dataId: gl.write(eye, [SHAPE[1]!, SHAPE[1]!], 'float32'), shape: [SHAPE[1]!, SHAPE[1]!], dtype: 'float32' as const };
      const m = k.matMul(x, e, false, false); // packed, equal to x
      const t = k.unary('tanh', m); // packed when allowed
      const r = k.reduce('sum', t, [1]); // packed t: the packed row sums (sum_packed.ts); flat t: tfjs's Sum
      const u = k.binary('mul', t, x, SHAPE);
      const s = k.binary('sub', u, t, SHAPE);
      const outs = { t: gl.readSync(t.dataId), r: gl.readSync(r.dataId), s: gl.readSync(s.dataId) };
      for (const id of [x, e, m, t, r, u, s]) gl.disposeData(id.dataId);
      return outs;
    };
    try {
      const packed = run(1024);
      const flat = run(Infinity);
      expectSameBits(packed.t, flat.t, 'tanh');
      expectSameBits(packed.s, flat.s, 'chain');
      // the row sums add the same terms in another order: each within γ_n·Σ|t| of the other's
      const [rows, n] = [SHAPE[0]!, SHAPE[1]!];
      const gamma = (n * 2 ** -24) / (1 - n * 2 ** -24);
      for (let i = 0; i < rows; i++) {
        let mag = 0;
        for (let j = 0; j < n; j++) mag += Math.abs(flat.t[i * n + j]!);
        const [p, f] = [packed.r[i]!, flat.r[i]!];
        if (!(Object.is(p, f) || Math.abs(p - f) <= 2 * gamma * mag)) expect.fail(`row sum ${i}: packed ${p}, flat ${f}`);
      }
    } finally {
      gl.store.packedMinSize = 1024;
    }
    expect(gl.numDataIds()).toBe(0);
  });
});
