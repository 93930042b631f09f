// Browser: WebGL 2 by default (WebGL 1 on request), never gpu.js's CPU or WebAssembly modes unasked.
import { describe, expect, it } from 'vitest';
import { conformanceSuite } from '@polytensor/conformance/vitest';
import { createGpujsBackend } from './index.js';

describe('context in the browser', () => {
  it('runs on WebGL 2 with float32 textures', () => {
    const b = createGpujsBackend();
    try {
      expect(b.info).toMatchObject({ mode: 'webgl2', glslVersion: 3, precision: 'single' });
    } finally {
      b.dispose();
    }
  });

  it("refuses headless-gl's mode in a browser", () => {
    expect(() => createGpujsBackend({ mode: 'headlessgl' })).toThrow(/for Node/);
  });
});

// The GLSL ES 1.00 path (texture2D) in the browser too: WebGL 1 on the kernels with the most index arithmetic.
conformanceSuite('gpujs-webgl1', () => createGpujsBackend({ mode: 'webgl' }), {
  filter: 'matMul,conv2d,conv2dBackpropInput,maxPoolGrad,gather,scatterAdd,softmax,exp,pow,sum,argMax',
  kinds: ['kernel'],
});
