// concat as rectangle copies (WebGL 2: kernels/concat.ts, GpuRuntime.blitRects)
// against the same join done here on the host values: parts that 2-D kernels
// wrote (textures as wide as their rows), stacked along axis 0 and side by
// side along axis 1, a join with a part uploaded flat (a square-ish texture:
// the shader join) and one with a 2-D upload (in rows: copies). Node (headless-gl, WebGL 1: always the shader join) and Chromium.
import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '@polytensor/core';
import { createGpujsBackend, type GpujsBackend } from './backend.js';
import { putFlat } from './test_util.js';

const put = (b: GpujsBackend, values: ArrayLike<number>, shape: number[]): TensorInfo => ({
  dataId: b.write(Float32Array.from(values), shape, 'float32'),
  shape,
  dtype: 'float32',
});

/** values · 1 by a [rows, cols] kernel: a texture exactly cols wide. */
function rows2d(b: GpujsBackend, values: readonly number[], r: number, c: number): TensorInfo {
  return b.kernels.binary('mul', put(b, values, [r, c]), put(b, new Array(c).fill(1), [c]), [r, c]);
}

const values = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 0.37 + seed) * 100));

describe('backend-gpujs concat by rectangle copies', () => {
  it('stacks rows, joins side by side, and falls back to the shader join, each equal to the host join', () => {
    const b = createGpujsBackend();
    try {
      const webgl2 = b.info.glslVersion === 3;
      // axis 0: five [3, 40] parts → [15, 40]
      const stackVals = [0, 1, 2, 3, 4].map((k) => values(120, k));
      const stackParts = stackVals.map((v) => rows2d(b, v, 3, 40));
      expect(b.store.tex(stackParts[0]!).size[0]).toBe(40);
      const blits0 = b.store.rt.blits;
      const stacked = b.kernels.concat(stackParts, 0);
      expect(stacked.shape).toEqual([15, 40]);
      expect(Array.from(b.readSync(stacked.dataId))).toEqual(stackVals.flat());
      expect(b.store.rt.blits - blits0, 'rectangles copied for the stack').toBe(webgl2 ? 5 : 0);
      // axis 1: [6, 10], [6, 7], [6, 3] → [6, 20]
      const widths = [10, 7, 3];
      const sideVals = widths.map((w, k) => values(6 * w, 10 + k));
      const sideParts = sideVals.map((v, k) => rows2d(b, v, 6, widths[k]!));
      const blits1 = b.store.rt.blits;
      const side = b.kernels.concat(sideParts, 1);
      const want: number[] = [];
      for (let r = 0; r < 6; r++) sideVals.forEach((v, k) => want.push(...v.slice(r * widths[k]!, (r + 1) * widths[k]!)));
      expect(Array.from(b.readSync(side.dataId))).toEqual(want);
      expect(b.store.rt.blits - blits1, 'rectangles copied side by side').toBe(webgl2 ? 3 : 0);
      // a kernel reads the joined texture as it reads any other: (stacked · 1) by a 2-D kernel
      const again = b.kernels.binary('mul', stacked, put(b, new Array(40).fill(1), [40]), [15, 40]);
      expect(Array.from(b.readSync(again.dataId))).toEqual(stackVals.flat());
      // a part uploaded flat (600 values in a near-square texture, not 40 wide): the shader join, same values
      const upVals = values(600, 99);
      const blits2 = b.store.rt.blits;
      const mixed = b.kernels.concat([stackParts[0]!, putFlat(b, upVals, [15, 40])], 0);
      expect(Array.from(b.readSync(mixed.dataId))).toEqual([...stackVals[0]!, ...upVals]);
      expect(b.store.rt.blits - blits2).toBe(0);
      // a 2-D upload sits in rows of its last dimension (store.ts): copied as a kernel's output is
      const blits3 = b.store.rt.blits;
      const rowsUp = b.kernels.concat([stackParts[0]!, put(b, upVals, [15, 40])], 0);
      expect(Array.from(b.readSync(rowsUp.dataId))).toEqual([...stackVals[0]!, ...upVals]);
      expect(b.store.rt.blits - blits3, 'rectangles copied with a 2-D upload').toBe(webgl2 ? 2 : 0);
    } finally {
      b.dispose();
    }
  });
});
