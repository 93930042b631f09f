// Two layout paths of the array kernels, against plain JS indexing (exact:
// values are copied, never computed):
// - concat of packed pieces whose 2×2 texels do not straddle two pieces runs
//   one program of whole-texel fetches (more pieces than a shader samples are
//   joined in groups first), packed in, packed out;
// - a non-contiguous slice of an unpacked (flat) input packs that input once,
//   in place: later slices of it run no pack of their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TensorInfo } from '@polytensor/core';
import type { WebGLBackend } from './index.js';
import { newBackend, watchPrograms } from './test_util.js';
import { env } from './tfjs.js';

/** Row-major concatenation of `parts` (values, shapes) along `axis`: the reference. */
function concatRef(parts: Array<{ v: Float32Array; shape: number[] }>, axis: number): Float32Array {
  const outer = parts[0]!.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const { v, shape } of parts) {
      const run = shape.slice(axis).reduce((a, b) => a * b, 1);
      for (let k = 0; k < run; k++) out.push(v[o * run + k]!);
    }
  }
  return Float32Array.from(out);
}

describe('array kernels without per-call layout programs', () => {
  let gl: WebGLBackend;
  const programs: string[] = [];
  let restore: () => void;
  beforeAll(async () => {
    gl = await newBackend();
    gl.store.packedMinSize = 1; // small pieces run packed too (packedCopy below)
    restore = watchPrograms(gl, (name) => programs.push(name));
  });
  afterAll(() => {
    restore();
    gl.dispose();
  });
  const put = (v: Float32Array, shape: number[]): TensorInfo => ({ dataId: gl.write(v, shape, 'float32'), shape, dtype: 'float32' });
  const values = (n: number, seed: number): Float32Array => Float32Array.from({ length: n }, (_, i) => ((i * 7919 + seed * 104729) % 2003) - 1001.5);
  // packed on the GPU: neg of neg is an exact copy through two packed programs
  const packedCopy = (t: TensorInfo): TensorInfo => {
    const n = gl.kernels.unary('neg', t);
    const p = gl.kernels.unary('neg', n);
    gl.disposeData(n.dataId);
    return p;
  };

  const cases: Array<{ name: string; shapes: number[][]; axis: number }> = [
    { name: '50 [32, 512] rows (an LSTM split gradient): groups of pieces', shapes: Array.from({ length: 50 }, () => [32, 512]), axis: 0 },
    {
      name: 'rank 3 along the outer axis, odd extents (an axis outside the texel)',
      shapes: [
        [3, 4, 6],
        [1, 4, 6],
        [5, 4, 6],
      ],
      axis: 0,
    },
    {
      name: 'rank 3 along the rows, even then an odd last piece',
      shapes: [
        [2, 4, 5],
        [2, 6, 5],
        [2, 3, 5],
      ],
      axis: 1,
    },
    {
      name: 'rank 2 along the columns, odd row count',
      shapes: [
        [33, 64],
        [33, 2],
        [33, 31],
      ],
      axis: 1,
    },
    {
      name: 'rank 4 along axis 1',
      shapes: [
        [2, 3, 4, 6],
        [2, 2, 4, 6],
      ],
      axis: 1,
    },
    { name: 'rank 1', shapes: [[1030], [4], [17]], axis: 0 },
  ];
  for (const { name, shapes, axis } of cases) {
    it(`concat of packed pieces: ${name}`, () => {
      const parts = shapes.map((shape, i) => ({
        v: values(
          shape.reduce((a, b) => a * b, 1),
          i,
        ),
        shape,
      }));
      const host = parts.map((p) => put(p.v, p.shape));
      const packed = host.map(packedCopy);
      programs.length = 0;
      const out = gl.kernels.concat(packed, axis);
      // texel-aligned pieces: only this package's packed programs, no pack, unpack or tfjs concat
      expect(new Set(programs)).toEqual(new Set(['PackedProgram']));
      // one program, or one per group of pieces a shader can sample (groups of one are no program) and one joining them
      const limit = env().getNumber('WEBGL_MAX_TEXTURES_IN_SHADER');
      const groups = Array.from({ length: Math.ceil(shapes.length / limit) }, (_, g) => Math.min(limit, shapes.length - g * limit));
      expect(programs.length).toBe(shapes.length > limit ? groups.filter((n) => n > 1).length + 1 : 1);
      const want = concatRef(parts, axis);
      const got = gl.readSync(out.dataId);
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`element ${i}: ${got[i]} vs ${want[i]}`);
      for (const t of [...host, ...packed, out]) gl.disposeData(t.dataId);
      expect(gl.numDataIds()).toBe(0);
    });
  }

  it('concat with a piece in the flat layout still gives the pieces in order (tfjs concat)', () => {
    const shapes = [
      [6, 8],
      [4, 8],
    ];
    const parts = shapes.map((shape, i) => ({ v: values(shape[0]! * shape[1]!, i + 9), shape }));
    const ah = put(parts[0]!.v, shapes[0]!);
    const a = packedCopy(ah);
    const bt = put(parts[1]!.v, [8, 4]);
    const b = gl.kernels.transpose(bt, [1, 0]); // a flat program's output
    // b's values are the transpose of what was written: rebuild the reference from them
    const bv = gl.readSync(b.dataId) as Float32Array;
    const out = gl.kernels.concat([a, b], 0);
    const want = concatRef([parts[0]!, { v: bv, shape: shapes[1]! }], 0);
    expect(Array.from(gl.readSync(out.dataId))).toEqual(Array.from(want));
    for (const t of [ah, a, bt, b, out]) gl.disposeData(t.dataId);
    expect(gl.numDataIds()).toBe(0);
  });

  it('50 slices along the middle axis of a flat [32, 50, 128] tensor: one pack in all, every step right', () => {
    const [B, T, N] = [32, 50, 128];
    const xv = values(B * T * N, 3);
    // transpose: a flat program's output, in the unpacked layout (as a backward pass's gradient)
    const src = put(xv, [T, B, N]);
    const x = gl.kernels.transpose(src, [1, 0, 2]);
    programs.length = 0;
    for (let t = 0; t < T; t++) {
      const s = gl.kernels.slice(x, [0, t, 0], [B, 1, N]);
      const got = gl.readSync(s.dataId);
      for (let b = 0; b < B; b++) {
        for (let n = 0; n < N; n++) {
          const want = xv[(t * B + b) * N + n]!;
          if (!Object.is(got[b * N + n], want)) expect.fail(`step ${t} [${b}, ${n}]: ${got[b * N + n]} vs ${want}`);
        }
      }
      gl.disposeData(s.dataId);
    }
    expect(programs.filter((p) => p === 'PackProgram').length).toBe(1);
    expect(programs.filter((p) => p === 'SlicePackedProgram').length).toBe(T);
    for (const t of [src, x]) gl.disposeData(t.dataId);
    expect(gl.numDataIds()).toBe(0);
  });
});
