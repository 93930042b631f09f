// Node: headless-gl needs an X display. Without one the backend says so and
// how to fix it, and does not fall back to gpu.js's WebAssembly or CPU modes.
import { describe, expect, it } from 'vitest';
import { createGpujsBackend } from './index.js';

describe('context in Node', () => {
  it('runs on headless-gl (WebGL 1, float32 textures)', () => {
    const b = createGpujsBackend();
    try {
      expect(b.info).toMatchObject({ mode: 'headlessgl', glslVersion: 1, precision: 'single' });
      expect(b.info.maxTextureSize).toBeGreaterThanOrEqual(4096);
    } finally {
      b.dispose();
    }
  });

  it('refuses browser modes in Node', () => {
    expect(() => createGpujsBackend({ mode: 'webgl2' })).toThrow(/needs a browser/);
  });
});
