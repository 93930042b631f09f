// this.thread.x/y/z as every kernel sees them, for each thread layout the
// runtime compiles (thread_ids.ts), against the ids worked out here from the
// flat output index (gpu.js writes threads into texels in x-fastest order).
// Node (headless-gl) and Chromium.
import { describe, expect, it } from 'vitest';
import { createGpujsBackend } from './backend.js';
import type { GpuKernel } from './gpujs.js';
import { threadLayout } from './thread_ids.js';

const CASES: Array<{ dims: number[]; layout: string }> = [
  { dims: [7], layout: 'flat' },
  { dims: [1000], layout: 'flat' },
  { dims: [37, 5], layout: 'xy' },
  { dims: [1, 9], layout: 'xy' },
  { dims: [300, 200], layout: 'xy' },
  { dims: [8, 6, 5], layout: 'xyz' },
  { dims: [5, 1, 4], layout: 'xyz' },
];

describe('backend-gpujs thread ids', () => {
  it('every layout gives each thread its (x, y, z); the 2-D and 1-D shaders do not call indexTo3D', () => {
    const b = createGpujsBackend();
    const rt = b.store.rt;
    try {
      for (const { dims, layout } of CASES) {
        expect(threadLayout(dims, rt.texWidth(dims)!), `layout of [${dims}]`).toBe(layout);
        const [X = 1, Y = 1, Z = 1] = dims;
        const n = X * Y * Z;
        (['x', 'y', 'z'] as const).forEach((axis, a) => {
          const tex = rt.run({ key: `test:thread:${axis}`, params: [], body: `return this.thread.${axis} * 1.0;` }, dims, []);
          const got = Array.from(rt.download(tex, n));
          tex.delete();
          const want = Array.from({ length: n }, (_, i) => [i % X, Math.floor(i / X) % Y, Math.floor(i / (X * Y))][a]);
          expect(got, `this.thread.${axis} over [${dims}]`).toEqual(want);
        });
      }
      const kernels = (rt as unknown as { kernels: Map<string, GpuKernel> }).kernels;
      const shaders = [...kernels].filter(([key]) => key.startsWith('test:thread:x'));
      expect(shaders.map(([key]) => key.split('|').pop()).sort()).toEqual(['L16', 'flat', 'xy']);
      for (const [key, k] of shaders) {
        const main = k.kernel.compiledFragmentShader!.split('void main(void)')[1]!;
        expect(main.includes('indexTo3D'), key).toBe(key.endsWith('L16'));
      }
    } finally {
      b.dispose();
    }
  });
});
