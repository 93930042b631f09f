// Kernel reduce (float32 sum over the rows of a matrix readable packed) runs
// this package's two packed programs (kernels/sum_packed.ts): judged here
// against float64 sums on shapes with odd row counts, odd row lengths, an odd
// number of windows and a last window that is mostly past the row's end, with
// NaN and ±∞ propagating, inputs from the host and from a packed program, and
// a flat input left to tfjs's Sum.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TensorInfo } from '@polytensor/core';
import type { WebGLBackend } from './index.js';
import { newBackend, watchPrograms } from './test_util.js';

const U = 2 ** -24; // float32 unit roundoff

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = 2 * (s / 2147483648) - 1;
  }
  return out;
}

/** Every row sum within γ_R·Σ|x| of float64; non-finite sums equal (NaN, ±∞). */
function expectRowSums(got: ArrayLike<number>, x: Float32Array, P: number, R: number, what: string): void {
  expect(got.length, what).toBe(P);
  const gamma = (R * U) / (1 - R * U);
  for (let r = 0; r < P; r++) {
    let sum = 0;
    let mag = 0;
    for (let c = 0; c < R; c++) {
      sum += x[r * R + c]!;
      mag += Math.abs(x[r * R + c]!);
    }
    if (!Number.isFinite(sum)) {
      if (!Object.is(got[r]!, sum)) expect.fail(`${what}: row ${r}: got ${got[r]}, float64 ${sum}`);
    } else if (!(Math.abs(got[r]! - sum) <= gamma * mag)) {
      expect.fail(`${what}: row ${r}: got ${got[r]}, float64 ${sum} (bound ${gamma * mag})`);
    }
  }
}

describe('reduce sum over rows, packed programs', () => {
  let gl: WebGLBackend;
  let programs = 0;
  let restore: () => void;
  beforeAll(async () => {
    gl = await newBackend();
    restore = watchPrograms(gl, () => {
      programs++;
    });
  });
  afterAll(() => {
    restore();
    gl.dispose();
  });

  const host = (v: Float32Array, shape: readonly number[]): TensorInfo => ({ dataId: gl.write(v, shape, 'float32'), shape, dtype: 'float32' });
  const dispose = (...ts: TensorInfo[]): void => {
    for (const t of ts) gl.disposeData(t.dataId);
  };
  const isPacked = (t: TensorInfo): boolean => gl.store.tf.texData.get(gl.store.data(t.dataId, 'test').tf!).isPacked === true;

  // [P, R]: L = even ⌈√R⌉; windows = ⌈R / L⌉
  const SHAPES: Array<[number, number, string]> = [
    [1000, 1000, "the bench's shape: L 32, 32 windows, the last one 8 terms"],
    [7, 331, 'odd rows and length: L 20, 17 windows (odd), the last 11 terms'],
    [33, 64, 'the shortest rows taken: L 8, 8 windows'],
    [3, 1025, 'L 34, 31 windows, the last one 5 terms'],
  ];
  for (const [P, R, what] of SHAPES) {
    it(`[${P}, ${R}] (${what}): two programs, within the bound of float64`, () => {
      const x = values(P * R, P + R);
      const t = host(x, [P, R]);
      const first = gl.kernels.reduce('sum', t, [1]); // uploads x too
      const before = programs;
      const out = gl.kernels.reduce('sum', t, [1]);
      expect(programs - before, what).toBe(2);
      expect(out.shape).toEqual([P]);
      expectRowSums(gl.readSync(out.dataId), x, P, R, what);
      expect(gl.readSync(first.dataId)).toEqual(gl.readSync(out.dataId));
      dispose(t, first, out);
    });
  }

  it('NaN and ±∞ propagate; a row of huge terms whose sum is finite stays finite', () => {
    const [P, R] = [5, 300];
    const x = values(P * R, 3);
    x[0 * R + 299] = Number.NaN; // the last term of row 0 (the last window)
    x[1 * R + 7] = Number.POSITIVE_INFINITY;
    x[2 * R + 150] = Number.NEGATIVE_INFINITY;
    x[2 * R + 151] = Number.POSITIVE_INFINITY; // −∞ + ∞: NaN
    x[3 * R + 298] = Number.NEGATIVE_INFINITY;
    x[4 * R + 10] = 3e38;
    x[4 * R + 11] = -3e38;
    const t = host(x, [P, R]);
    const out = gl.kernels.reduce('sum', t, [1]);
    const got = gl.readSync(out.dataId);
    expectRowSums(got, x, P, R, 'non-finite');
    expect([Number.isNaN(got[0]!), got[1], Number.isNaN(got[2]!), got[3]]).toEqual([true, Number.POSITIVE_INFINITY, true, Number.NEGATIVE_INFINITY]);
    dispose(t, out);
  });

  it('reads a packed program output as it is; a flat input stays on tfjs Sum', () => {
    const [P, R] = [40, 200];
    const x = values(P * R, 9);
    const h = host(x, [P, R]);
    // packed: the negation of a host input runs packed (8000 values); sum of −x is −(sum of x)
    const neg = gl.kernels.unary('neg', h);
    expect(isPacked(neg)).toBe(true);
    let before = programs;
    const s1 = gl.kernels.reduce('sum', neg, [1]);
    expect(programs - before).toBe(2);
    expectRowSums(
      gl.readSync(s1.dataId),
      x.map((v) => -v),
      P,
      R,
      'packed input',
    );
    // flat: the same on the flat path (no packing pass before the sum)
    gl.store.packedMinSize = Number.POSITIVE_INFINITY;
    const flat = gl.kernels.unary('neg', h);
    gl.store.packedMinSize = 1024;
    expect(isPacked(flat)).toBe(false);
    before = programs;
    const s2 = gl.kernels.reduce('sum', flat, [1]);
    expect(isPacked(flat)).toBe(false); // not packed in place
    expectRowSums(
      gl.readSync(s2.dataId),
      x.map((v) => -v),
      P,
      R,
      'flat input',
    );
    expect(programs - before).toBeGreaterThan(0);
    dispose(h, neg, s1, flat, s2);
  });
});
