// The backend as defineBackend makes it from WEBGL_KERNELS: every kernel of the
// table its own, the store's bookkeeping, and the errors after dispose.
import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES, PRIMITIVE_KERNELS } from '@polytensor/core';
import { WEBGL_KERNELS, WebGLBackendError } from './index.js';
import { newBackend } from './test_util.js';

describe('backend-webgl on the kernel table', () => {
  it('WEBGL_KERNELS names every kernel of the table (the primitives and every optional one)', () => {
    expect(Object.keys(WEBGL_KERNELS).sort()).toEqual([...KERNEL_NAMES].sort());
    for (const k of PRIMITIVE_KERNELS) expect(typeof WEBGL_KERNELS[k], k).toBe('function');
  });

  it('implements them all itself and reports its storage and tfjs textures', async () => {
    const b = await newBackend();
    try {
      expect(b.name).toBe('webgl');
      expect([...b.implemented].sort()).toEqual(Object.keys(WEBGL_KERNELS).sort());
      const before = b.memory();
      const x = b.write(new Float32Array([1, -2, 3]), [3], 'float32');
      const i = b.write(new Int32Array([2 ** 31 - 1, 5]), [2], 'int32'); // not float32-exact: kept on the host
      expect(b.memory()).toMatchObject({ numDataIds: before.numDataIds + 2, numBytes: before.numBytes + 12 + 8 });
      expect(b.store.onHostOnly({ dataId: i, shape: [2], dtype: 'int32' })).toBe(true);
      const y = b.kernels.unary('abs', { dataId: x, shape: [3], dtype: 'float32' });
      expect(Array.from(b.readSync(y.dataId))).toEqual([1, 2, 3]);
      for (const id of [x, i, y.dataId]) b.disposeData(id);
      // core's counts back to the start, and tfjs holds no texture-store entry for them (textures go to its free pool)
      expect(b.memory()).toMatchObject({ numDataIds: before.numDataIds, numBytes: before.numBytes, tfjsDataIds: before['tfjsDataIds'] });
      expect(() => b.disposeData(x)).toThrow(/webgl backend: disposeData: buffer #\d+ is unknown or already disposed/);
    } finally {
      b.dispose();
    }
  });

  it('refuses kernels and writes after dispose, saying so', async () => {
    const b = await newBackend();
    const x = b.write(new Float32Array([1]), [1], 'float32');
    b.dispose();
    expect(b.numDataIds()).toBe(0);
    expect(() => b.kernels.unary('neg', { dataId: x, shape: [1], dtype: 'float32' })).toThrow(WebGLBackendError);
    expect(() => b.kernels.unary('neg', { dataId: x, shape: [1], dtype: 'float32' })).toThrow(/webgl backend: unary: the backend was disposed/);
    expect(() => b.write(new Float32Array(1), [1], 'float32')).toThrow(/webgl backend: write: the backend was disposed/);
    b.dispose(); // twice is harmless
  });
});
