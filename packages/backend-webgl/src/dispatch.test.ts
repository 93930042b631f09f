// The package's own dispatch (dispatch.ts) skips tfjs's per-call work and
// re-sends only the uniforms that changed since a binary's last run. These
// runs change exactly those: uniform inputs, scalar constants, and a run tfjs
// makes with the same binary in between (an input it must upload first),
// against float32 sums computed here.
import type { TensorInfo } from '@polytensor/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGLBackend } from './index.js';
import { newBackend } from './test_util.js';

describe('own dispatch', () => {
  let gl: WebGLBackend;
  beforeAll(async () => {
    gl = await newBackend();
  });
  afterAll(() => gl.dispose());

  const tensor = (v: readonly number[], shape = [v.length]): TensorInfo => ({
    dataId: gl.write(Float32Array.from(v), shape, 'float32'),
    shape,
    dtype: 'float32',
  });
  const sum = (a: readonly number[], b: readonly number[]): number[] => a.map((x, i) => Math.fround(x + b[b.length === 1 ? 0 : i]!));
  const read = async (t: TensorInfo): Promise<number[]> => Array.from(await gl.read(t.dataId));

  it('tiny adds in a loop (each result disposed, its texture reused) take it, with the values of every step', async () => {
    const a = [1, 2, 3, 4];
    const x = tensor(a);
    const own = gl.store.dispatch.counts.own;
    for (let step = 0; step < 20; step++) {
      // a new second operand every other step: its uniform upload must follow
      const b = [step, 0.5, -step / 3, 2 ** -step].map(Math.fround);
      const y = tensor(b);
      const z = gl.kernels.binary('add', x, y, [4]);
      if (step % 5 === 4) expect(await read(z)).toEqual(sum(a, b));
      gl.disposeData(z.dataId);
      gl.disposeData(y.dataId);
    }
    expect(gl.store.dispatch.counts.own - own).toBeGreaterThan(10);
    gl.disposeData(x.dataId);
    expect(gl.numDataIds()).toBe(0);
  });

  it('a run tfjs makes with the same binary in between does not leave stale uniforms behind', async () => {
    const a = Array.from({ length: 8 }, (_, i) => i - 3.25);
    const x = tensor(a);
    // run 3 repeats run 1's scalar: the uniform still holds run 2's unless run 2 is accounted for
    const scalars = [0.5, -7, 3.75, -7, 11, -7, -7];
    const own = gl.store.dispatch.counts.own;
    for (const [k, s] of scalars.entries()) {
      // every third run adds to a fresh copy of x, which tfjs uploads in that run (its own path, same program)
      const input = k % 3 === 2 ? tensor(a) : x;
      const c = tensor([s]);
      const z = gl.kernels.binary('add', input, c, [8]);
      expect(await read(z), `run ${k}: x + ${s}`).toEqual(sum(a, [s]));
      for (const t of [z, c]) gl.disposeData(t.dataId);
      if (input !== x) gl.disposeData(input.dataId);
    }
    expect(gl.store.dispatch.counts.own - own).toBeGreaterThan(0);
    gl.disposeData(x.dataId);
    expect(gl.numDataIds()).toBe(0);
  });

  it('packed programs: a scalar constant that changes between runs of one binary', async () => {
    const n = 2048; // packed (past the store's packedMinSize)
    const a = Array.from({ length: n }, (_, i) => Math.fround(i / 7 - 100));
    const x = tensor(a, [32, 64]);
    const y = gl.kernels.unary('neg', x); // a packed input on the GPU
    const negA = a.map((v) => -v);
    const own = gl.store.dispatch.counts.own;
    for (const s of [1.5, 1.5, -0.25, 1e-3, 1.5]) {
      const c = tensor([s], []);
      const z = gl.kernels.binary('add', y, c, [32, 64]);
      expect(await read(z)).toEqual(sum(negA, [s]));
      for (const t of [z, c]) gl.disposeData(t.dataId);
    }
    expect(gl.store.dispatch.counts.own - own).toBeGreaterThan(0);
    for (const t of [x, y]) gl.disposeData(t.dataId);
    expect(gl.numDataIds()).toBe(0);
  });
});
