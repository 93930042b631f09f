// On WebGL 2, read() downloads a texture as it is and reorders a packed one's
// 2×2 texels on the host (readback.ts) instead of tfjs's decode pass. Judged
// against the host's own negation of the values written (neg is exact) and
// against tfjs's read of the same texture, on every rank, odd and even sides,
// packed and flat layouts, batched matMul outputs and int32/bool results;
// WebGL 1 keeps tfjs's read, which the same cases check. readSync likewise.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TensorInfo } from '@polytensor/core';
import type { WebGLBackend } from './index.js';
import { ReadScratch } from './readback.js';
import { newBackend, projectWebGLVersion } from './test_util.js';

const SPECIAL = [0, -0, 1, -1, 0.5, 3.5e38, -1e30, Infinity, -Infinity, NaN];

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = i < SPECIAL.length ? SPECIAL[i]! : (s / 2147483648) * 200 - 100;
  }
  return out;
}

/** Bit for bit, any NaN equal to any NaN. */
function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(g) && Number.isNaN(w)) continue;
    if (!Object.is(g, w)) expect.fail(`${what}: element ${i}: read ${g}, expected ${w}`);
  }
}

describe('read: texture downloads', () => {
  let gl: WebGLBackend;
  let tfReads = 0;
  beforeAll(async () => {
    gl = await newBackend();
    const tf = gl.store.tf;
    const read = tf.read.bind(tf);
    tf.read = (id) => {
      tfReads++;
      return read(id);
    };
    const readSync = tf.readSync.bind(tf);
    tf.readSync = (id) => {
      tfReads++;
      return readSync(id);
    };
  });
  afterAll(() => gl.dispose());

  const tfjs = (t: TensorInfo): { isPacked?: boolean } => gl.store.tf.texData.get(gl.store.data(t.dataId, 'test').tf!);
  const input = (v: Float32Array, shape: readonly number[]): TensorInfo => ({ dataId: gl.write(v, shape, 'float32'), shape: [...shape], dtype: 'float32' });

  /** neg(x) in the layout asked for, read; the value the host computes is the reference, and so is tfjs's read of the texture. */
  /** Shapes whose texture has texels past the last value (the read takes whole texture rows). */
  const spare: string[] = [];

  async function check(shape: readonly number[], packed: boolean, seed: number): Promise<void> {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = values(n, seed);
    gl.store.packedMinSize = packed ? 1 : Infinity;
    try {
      const x = input(v, shape);
      const y = gl.kernels.unary('neg', x);
      expect(tfjs(y).isPacked === true, `[${shape}] packed`).toBe(packed);
      const texShape = (tfjs(y) as { texShape: number[] }).texShape;
      if (texShape[0]! * texShape[1]! > n * (packed ? 1.0001 : 1)) spare.push(`${packed ? 'packed' : 'flat'} [${shape}]`);
      const before = tfReads;
      const got = await gl.read(y.dataId);
      const gotSync = gl.readSync(y.dataId);
      // WebGL 2 reads the texture itself; WebGL 1 goes through tfjs
      expect(tfReads - before).toBe(projectWebGLVersion() === 2 ? 0 : 2);
      const what = `neg [${shape}] ${packed ? 'packed' : 'flat'}`;
      expectSame(
        gotSync,
        Array.from(v, (a) => -a),
        `${what}, readSync`,
      );
      expectSame(
        got,
        Array.from(v, (a) => -a),
        what,
      );
      expectSame(got, (await gl.store.tf.read(gl.store.data(y.dataId, 'test').tf!)) as Float32Array, `${what} against tfjs's read`);
      gl.disposeData(x.dataId);
      gl.disposeData(y.dataId);
    } finally {
      gl.store.packedMinSize = 1024;
    }
  }

  it('packed outputs of rank 1–4, odd and even sides, equal the values written', async () => {
    const shapes = [[1], [7], [8], [1025], [1, 9], [5, 1], [33, 65], [64, 64], [3, 5, 7], [2, 1, 9], [3, 5, 7, 9], [2, 4, 6, 8]];
    for (const [k, s] of shapes.entries()) await check(s, true, k + 1);
  });

  it('flat outputs of rank 0–6 equal the values written', async () => {
    // 20011: prime and wider than any texture, so tfjs makes it squarish, with spare texels
    const shapes = [[], [1], [7], [4097], [33, 65], [3, 5, 7], [3, 5, 7, 9], [2, 3, 4, 5, 6], [2, 1, 3, 1, 2, 5], [3, 5, 7, 3, 2, 1], [20011]];
    for (const [k, s] of shapes.entries()) await check(s, false, k + 101);
    expect(
      spare.some((w) => w.startsWith('flat')),
      'a flat texture with spare texels was read',
    ).toBe(true);
  });

  it('a batched matMul output (packed, odd sides) equals a float64 product of small integers', async () => {
    const [b, m, k, n] = [3, 5, 4, 7];
    const av = Float32Array.from({ length: b * m * k }, (_, i) => (i % 7) - 3);
    const bv = Float32Array.from({ length: b * k * n }, (_, i) => (i % 5) - 2);
    const a = input(av, [b, m, k]);
    const w = input(bv, [b, k, n]);
    const y = gl.kernels.matMul(a, w, false, false);
    expect(tfjs(y).isPacked).toBe(true);
    const want = new Float64Array(b * m * n);
    for (let p = 0; p < b; p++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let q = 0; q < k; q++) s += av[(p * m + i) * k + q]! * bv[(p * k + q) * n + j]!;
          want[(p * m + i) * n + j] = s;
        }
    expectSame(await gl.read(y.dataId), want, 'matMul [3, 5, 7]');
    for (const t of [a, w, y]) gl.disposeData(t.dataId);
  });

  it('int32 and bool results come back as their own typed arrays', async () => {
    const iv = Int32Array.from({ length: 2049 }, (_, i) => i * 3 - 3000);
    const xi: TensorInfo = { dataId: gl.write(iv, [2049], 'int32'), shape: [2049], dtype: 'int32' };
    const yi = gl.kernels.unary('neg', xi);
    const gotI = await gl.read(yi.dataId);
    expect(gotI).toBeInstanceOf(Int32Array);
    expect(Array.from(gotI)).toEqual(Array.from(iv, (a) => -a | 0));
    const fv = values(2049, 9);
    const xf = input(fv, [2049]);
    const yb = gl.kernels.unary('isNaN', xf);
    const gotB = await gl.read(yb.dataId);
    expect(gotB).toBeInstanceOf(Uint8Array);
    expect(Array.from(gotB)).toEqual(Array.from(fv, (a) => (Number.isNaN(a) ? 1 : 0)));
    for (const t of [xi, yi, xf, yb]) gl.disposeData(t.dataId);
  });

  it('a tensor disposed while its read waits keeps its texture until the read has it; nothing leaks', async () => {
    const base = gl.memory();
    const shape = [40, 50];
    const v = values(2000, 5);
    const x = input(v, shape);
    const y = gl.kernels.unary('neg', x);
    const pending = gl.read(y.dataId);
    gl.disposeData(y.dataId);
    // a result of the same shape now, which would take a texture released too early
    const z1 = gl.kernels.unary('neg', x);
    const z = gl.kernels.unary('neg', z1);
    gl.disposeData(z1.dataId);
    expectSame(
      await pending,
      Array.from(v, (a) => -a),
      'read of a disposed tensor',
    );
    expectSame(await gl.read(z.dataId), v, 'the result computed meanwhile');
    gl.disposeData(x.dataId);
    gl.disposeData(z.dataId);
    const after = gl.memory();
    expect(after.numDataIds).toBe(base.numDataIds);
    expect(after.tfjsDataIds).toBe(base.tfjsDataIds);
    expect(after.texturesInUse).toBe(base.texturesInUse);
  });

  it("readPixels' array is kept between reads up to its bound, never handed out", async () => {
    const scratch = new ReadScratch(100);
    const a = scratch.take(80);
    expect(a.length).toBe(80);
    const b = scratch.take(30);
    expect(b.length).toBe(30);
    expect(b.buffer).toBe(a.buffer); // the kept array, seen shorter
    expect(scratch.take(200).buffer).not.toBe(a.buffer); // past the bound: a fresh one, not kept
    expect(scratch.take(60).buffer).toBe(a.buffer); // the kept array still
    const c = scratch.take(90); // longer than the kept one, within the bound: replaces it
    expect(c.buffer).not.toBe(a.buffer);
    expect(scratch.take(85).buffer).toBe(c.buffer);
    // the store's: a read's result never shares it
    const x = input(values(4096, 3), [64, 64]);
    const y = gl.kernels.unary('neg', x);
    const first = await gl.read(y.dataId);
    const second = await gl.read(y.dataId);
    expect(second.buffer).not.toBe(first.buffer);
    expectSame(first, second, 'two reads');
    gl.disposeData(x.dataId);
    gl.disposeData(y.dataId);
  });
});
