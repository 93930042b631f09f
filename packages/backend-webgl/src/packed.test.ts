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
  function both(inputs: Float32Array[], f: (xs: TensorInfo[]) => TensorInfo): { packed: ArrayLike<number>; flat: ArrayLike<number> } {
    const run = (minSize: number, expectPacked: boolean): ArrayLike<number> => {
      gl.store.packedMinSize = minSize;
      const xs = inputs.map((v) => ({ dataId: gl.write(v, SHAPE, 'float32'), shape: SHAPE, dtype: 'float32' as const }));
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
    const run = (minSize: number): ArrayLike<number> => {
      gl.store.packedMinSize = minSize;
      const k = gl.kernels;
      const x = { dataId: gl.write(a, SHAPE, 'float32'), shape: SHAPE, dtype: 'float32' as const };
      const eye = new Float32Array(SHAPE[1]! * SHAPE[1]!);
      for (let i = 0; i < SHAPE[1]!; i++) eye[i * SHAPE[1]! + i] = 1;
      const e = { dataId: gl.write(eye, [SHAPE[1]!, SHAPE[1]!], 'float32'), shape: [SHAPE[1]!, SHAPE[1]!], dtype: 'float32' as const };
      const m = k.matMul(x, e, false, false); // packed, equal to x
      const t = k.unary('tanh', m); // packed when allowed
      const r = k.reduce('sum', t, [1]); // flat: unpacks t in place
      const u = k.binary('mul', t, x, SHAPE); // t was unpacked in place by the reduction: flat
      const s = k.binary('sub', u, t, SHAPE);
      const outs = [...gl.readSync(r.dataId), ...gl.readSync(s.dataId)];
      for (const id of [x, e, m, t, r, u, s]) gl.disposeData(id.dataId);
      return outs;
    };
    try {
      expectSameBits(run(1024), run(Infinity), 'chain');
    } finally {
      gl.store.packedMinSize = 1024;
    }
    expect(gl.numDataIds()).toBe(0);
  });
});
