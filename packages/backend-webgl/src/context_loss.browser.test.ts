// Context loss (GPU reset, WEBGL_lose_context): detected, every later call
// fails with WebGLContextLostError, and a read that was waiting on the GPU
// rejects instead of hanging.
import { describe, expect, it } from 'vitest';
import { WebGLContextLostError } from './errors.js';
import { newBackend } from './test_util.js';

describe('context loss', () => {
  it('fails every later call with a clear error, and pending reads reject (no hang)', async () => {
    const b = await newBackend();
    const x = b.write(new Float32Array(4096).fill(1), [64, 64], 'float32');
    const t = { dataId: x, shape: [64, 64], dtype: 'float32' as const };
    const y = b.kernels.matMul({ ...t, shape: [1, 64, 64] }, { ...t, shape: [1, 64, 64] }, false, false);
    const pending = b.read(y.dataId);
    b.gl.getExtension('WEBGL_lose_context')!.loseContext();
    expect(b.contextLost).toBe(true);
    const settled = await Promise.race([
      pending.then(
        () => 'resolved',
        (e: unknown) => e,
      ),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 10_000)),
    ]);
    // the read either finished before the loss took effect, or rejects with the clear error; it never hangs
    if (settled !== 'resolved') {
      expect(settled).toBeInstanceOf(WebGLContextLostError);
    }
    expect(() => b.kernels.unary('exp', t)).toThrow(WebGLContextLostError);
    expect(() => b.kernels.unary('exp', t)).toThrow(/context was lost.*Create a new backend/);
    expect(() => b.readSync(x)).toThrow(WebGLContextLostError);
    await expect(b.read(x)).rejects.toThrow(WebGLContextLostError);
    expect(() => b.write(new Float32Array(1), [1], 'float32')).toThrow(WebGLContextLostError);
    // core's leak bookkeeping still balances: disposing after a loss works
    b.disposeData(x);
    b.disposeData(y.dataId);
    b.dispose();
  });
});
