// int32 on float textures: values float32 holds exactly stay on the GPU and
// every int kernel computes them there exactly (labels, indices, argMax
// results, counts); a result that could leave the exact range (|v| > 2^24)
// is computed on the host instead, wrapping mod 2^32 like every backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, DType, Kernels, TensorInfo } from '@polytensor/core';
import { createReferenceBackend } from '@polytensor/conformance';
import type { WebGLBackend } from './index.js';
import { newBackend } from './test_util.js';

type Run = (k: Kernels, xs: TensorInfo[]) => TensorInfo;

describe('int32 kernels', () => {
  let gl: WebGLBackend;
  const ref = createReferenceBackend(); // the float64 reference: exact on int32
  beforeAll(async () => {
    gl = await newBackend();
  });
  afterAll(() => {
    gl.dispose();
    ref.dispose();
  });

  /** Run `run` on webgl and on the reference with the same inputs; return the webgl output's residence. */
  function same(inputs: Array<{ values: number[]; shape: number[]; dtype?: DType }>, run: Run): 'gpu' | 'host' {
    const mk = (b: Backend) =>
      inputs.map(({ values, shape, dtype = 'int32' }) => {
        const arr = dtype === 'int32' ? Int32Array.from(values) : dtype === 'bool' ? Uint8Array.from(values) : Float32Array.from(values);
        return { dataId: b.write(arr, shape, dtype), shape, dtype };
      });
    const xg = mk(gl);
    const xt = mk(ref);
    const og = run(gl.kernels, xg);
    const ot = run(ref.kernels, xt);
    const where = gl.store.onHostOnly(og) ? 'host' : 'gpu';
    expect(og.shape).toEqual(ot.shape);
    expect(og.dtype).toBe(ot.dtype);
    expect(Array.from(gl.readSync(og.dataId))).toEqual(Array.from(ref.readSync(ot.dataId)));
    for (const t of [...xg, og]) gl.disposeData(t.dataId);
    for (const t of [...xt, ot]) ref.disposeData(t.dataId);
    return where;
  }

  const small = (n: number, k = 7) => Array.from({ length: n }, (_, i) => ((i * 37) % (2 * k + 1)) - k);

  it('small values: every kernel runs on the GPU, exactly', () => {
    const a = { values: small(12), shape: [3, 4] };
    const b = { values: small(4, 3), shape: [4] };
    for (const op of ['neg', 'abs', 'sign', 'square', 'relu'] as const)
      expect(
        same([a], (k, [x]) => k.unary(op, x!)),
        op,
      ).toBe('gpu');
    for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum', 'squaredDifference', 'equal', 'less', 'greaterEqual'] as const) {
      expect(
        same([a, b], (k, [x, y]) => k.binary(op, x!, y!, [3, 4])),
        op,
      ).toBe('gpu');
    }
    const c = { values: [1, 0, 1, 1], shape: [4], dtype: 'bool' as const };
    expect(same([c, a, b], (k, [w, x, y]) => k.where(w!, x!, y!, [3, 4]))).toBe('gpu');
    expect(same([a], (k, [x]) => k.cast(x!, 'float32'))).toBe('gpu');
    expect(same([a], (k, [x]) => k.cast(x!, 'bool'))).toBe('gpu');
    expect(same([{ values: [1.9, -1.9, 2.5, -0.5, 1e6], shape: [5], dtype: 'float32' }], (k, [x]) => k.cast(x!, 'int32'))).toBe('gpu');
    for (const op of ['sum', 'prod', 'max', 'min'] as const)
      expect(
        same([a], (k, [x]) => k.reduce(op, x!, [1])),
        op,
      ).toBe('gpu');
    expect(same([a], (k, [x]) => k.reduce('sum', x!, [0]))).toBe('gpu');
    expect(same([a], (k, [x]) => k.argReduce('argMax', x!, 1))).toBe('gpu');
    expect(same([a], (k, [x]) => k.transpose(x!, [1, 0]))).toBe('gpu');
    expect(same([a], (k, [x]) => k.slice(x!, [1, 1], [2, 2]))).toBe('gpu');
    expect(same([a, a], (k, [x, y]) => k.concat([x!, y!], 1))).toBe('gpu');
    expect(
      same([a], (k, [x]) =>
        k.pad(
          x!,
          [
            [1, 0],
            [0, 2],
          ],
          -3,
        ),
      ),
    ).toBe('gpu');
    const idx = { values: [2, 0, 2], shape: [3] };
    expect(same([a, idx], (k, [x, i]) => k.gather(x!, i!, 0))).toBe('gpu');
    expect(same([a, { values: [1, 1, 0, 3], shape: [4] }], (k, [u, i]) => k.scatterAdd(u!, i!, 1, [3, 4]))).toBe('gpu');
    expect(same([{ values: [0, 3, -1, 9], shape: [4] }], (k, [i]) => k.oneHot(i!, 4, 1, 0))).toBe('gpu');
  });

  it('results that could leave float32 exact range take the host path and wrap mod 2^32', () => {
    // float-exact operands whose sum could exceed 2^24: computed on the host; the
    // results (2^25, -2^25, 2^31 wrapped to -2^31, 6) are float-exact, so they return to the GPU
    const big = { values: [2 ** 24, -(2 ** 24), 2 ** 30, 3], shape: [4] };
    expect(same([big, big], (k, [x, y]) => k.binary('add', x!, y!, [4]))).toBe('gpu');
    // values float32 cannot hold live on the host, and so do results like them
    const wide = { values: [2 ** 31 - 1, 16777217, -5, 7], shape: [4] };
    expect(same([wide], (k, [x]) => k.unary('neg', x!))).toBe('host');
    expect(same([wide, wide], (k, [x, y]) => k.binary('mul', x!, y!, [4]))).toBe('host');
    expect(same([wide], (k, [x]) => k.reduce('sum', x!, [0]))).toBe('host'); // -2130706430
    expect(same([wide], (k, [x]) => k.transpose(x!, [0]))).toBe('host');
    expect(same([wide], (k, [x]) => k.cast(x!, 'float32'))).toBe('gpu');
    expect(same([wide, { values: [1, 0, 1, 0], shape: [4] }], (k, [x, y]) => k.binary('greater', x!, y!, [4]))).toBe('gpu');
  });
});
