// Node without an X display: headless-gl cannot make a context. The backend
// says so, names the fix, and does not fall back to gpu.js's WebAssembly or CPU
// modes. Its own file: headless-gl keeps the first display it opens for the
// life of the process, so no context may be made before this test.
import { describe, expect, it } from 'vitest';
import { createGpujsBackend, GpujsUnavailableError } from './index.js';

describe('no display', () => {
  it('without a display: a clear error naming the cause and the fix, no silent fallback', () => {
    const display = process.env['DISPLAY'];
    delete process.env['DISPLAY'];
    try {
      expect(() => createGpujsBackend()).toThrow(GpujsUnavailableError);
      expect(() => createGpujsBackend()).toThrow(/DISPLAY is unset.*xvfb-run -a.*mode: 'cpu'/s);
    } finally {
      if (display !== undefined) process.env['DISPLAY'] = display;
    }
  });
});
