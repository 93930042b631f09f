// Two ways a packed elementwise program avoids a program of its own per call:
// - a one-value operand tfjs still holds on the CPU (a constant core just
//   wrote) is a uniform, not a texture uploaded by tfjs on every call;
// - an input packed in another layout (a [b, 1, n] slice seen as [b, n]) is
//   repacked once, in place, instead of being unpacked (after which everything
//   computed from it ran flat) or repacked into a temporary by every reader;
//   but two views of one tensor whose packed layouts differ ([1, n] and
//   [n, 1]) would each repack the shared texture in turn: those run flat.
// Values are checked against plain JS (exact: adds and products of floats
// that float32 holds).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TensorInfo } from '@polytensor/core';
import type { WebGLBackend } from './index.js';
import { newBackend, watchPrograms } from './test_util.js';

describe('packed elementwise inputs without per-call layout programs', () => {
  let gl: WebGLBackend;
  const programs: string[] = [];
  let restore: () => void;
  beforeAll(async () => {
    gl = await newBackend();
    restore = watchPrograms(gl, (name) => programs.push(name));
  });
  afterAll(() => {
    restore();
    gl.dispose();
  });
  const put = (v: Float32Array, shape: number[]): TensorInfo => ({ dataId: gl.write(v, shape, 'float32'), shape, dtype: 'float32' });
  const f32 = Math.fround;

  it('a host scalar on either side is a uniform: one program per call, special values kept', () => {
    const shape = [32, 65];
    const n = 32 * 65;
    const xv = Float32Array.from({ length: n }, (_, i) => (i % 13) - 6.5);
    const x = put(xv, shape);
    const up = gl.kernels.unary('neg', x); // x on the GPU, packed
    for (const c of [2.5, -0, Number.NaN, Number.POSITIVE_INFINITY, -3e38]) {
      for (const scalarFirst of [false, true]) {
        const s = put(Float32Array.of(c), []);
        programs.length = 0;
        const y = scalarFirst ? gl.kernels.binary('sub', s, x, shape) : gl.kernels.binary('mul', x, s, shape);
        expect(programs, `${scalarFirst ? 'sub' : 'mul'} by ${c}`).toEqual(['PackedProgram']);
        const got = gl.readSync(y.dataId);
        for (let i = 0; i < n; i++) {
          const want = scalarFirst ? f32(c - xv[i]!) : f32(xv[i]! * c);
          if (!Object.is(got[i], want) && !(Number.isNaN(want) && Number.isNaN(got[i]))) expect.fail(`${c}: element ${i}: ${got[i]} vs ${want}`);
        }
        gl.disposeData(y.dataId);
        gl.disposeData(s.dataId);
      }
    }
    for (const t of [x, up]) gl.disposeData(t.dataId);
    expect(gl.numDataIds()).toBe(0);
  });

  it('a [b, 1, n] slice seen as [b, n] is repacked once and stays packed; later readers need no layout pass', () => {
    const [B, T, N] = [32, 3, 64];
    const xv = Float32Array.from({ length: B * T * N }, (_, i) => (i % 101) * 0.25);
    const yv = Float32Array.from({ length: B * N }, (_, i) => (i % 7) - 3);
    const x = put(xv, [B, T, N]);
    const y = put(yv, [B, N]);
    const up = gl.kernels.unary('neg', y); // y on the GPU, packed
    const slice = gl.kernels.slice(x, [0, 1, 0], [B, 1, N]);
    const step = { ...slice, shape: [B, N] }; // as core's reshape sees it: the same buffer
    const want = Float32Array.from({ length: B * N }, (_, i) => f32(xv[Math.floor(i / N) * T * N + N + (i % N)]! + yv[i]!));
    for (let round = 0; round < 2; round++) {
      programs.length = 0;
      const z = gl.kernels.binary('add', step, y, [B, N]);
      // first round: the repack, then the add; after it, only the add
      expect(programs, `round ${round}`).toEqual(round === 0 ? ['ReshapePackedProgram', 'PackedProgram'] : ['PackedProgram']);
      expect(Array.from(gl.readSync(z.dataId))).toEqual(Array.from(want));
      gl.disposeData(z.dataId);
    }
    for (const t of [x, y, up, slice]) gl.disposeData(t.dataId);
    expect(gl.numDataIds()).toBe(0);
  });

  it('two views of one packed tensor in different layouts ([1, n] + [n, 1], an outer sum) run flat and read the right values', () => {
    const n = 40;
    const vv = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 7);
    const v = put(vv, [n]);
    gl.store.packedMinSize = 1; // -v packed on the GPU, as a packed program's output of ≥ 1024 values would be
    const up = gl.kernels.unary('neg', v);
    gl.store.packedMinSize = 1024;
    expect(gl.store.tf.texData.get(gl.store.data(up.dataId, 'test').tf!).isPacked).toBe(true);
    const row = { ...up, shape: [1, n] };
    const col = { ...up, shape: [n, 1] };
    const z = gl.kernels.binary('add', row, col, [n, n]);
    const want = Float32Array.from({ length: n * n }, (_, k) => f32(-vv[k % n]! - vv[Math.floor(k / n)]!));
    expect(Array.from(gl.readSync(z.dataId))).toEqual(Array.from(want));
    for (const t of [v, up, z]) gl.disposeData(t.dataId);
  });
});
