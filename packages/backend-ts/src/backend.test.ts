import { describe, expect, it } from 'vitest';
import { createTsBackend } from './backend.js';

describe('TsBackend storage', () => {
  it('is named ts and declares exact IEEE numerics', () => {
    const be = createTsBackend();
    expect(be.name).toBe('ts');
    expect(be.numerics?.flushesSubnormals).toBe(false);
    // every kernel of the table but philoxUniform: core's composite (the host draw) is what a CPU backend would do
    expect([...be.implemented].sort()).toEqual(
      Object.keys(be.kernels)
        .filter((k) => k !== 'philoxUniform')
        .sort(),
    );
    expect(be.optimizer).toBeDefined();
  });

  it('stores each dtype in its typed array and copies on write and read', async () => {
    const be = createTsBackend();
    const src = new Float32Array([1, -0, NaN, 1e-45]);
    const id = be.write(src, [2, 2], 'float32');
    src[0] = 99; // the backend holds a copy
    const a = be.readSync(id);
    expect(a).toBeInstanceOf(Float32Array);
    expect(Array.from(a)).toEqual([1, -0, NaN, 1e-45].map(Math.fround));
    a[1] = 5; // readers get copies too
    const b = await be.read(id);
    expect(b[0]).toBe(1);
    expect(Object.is(b[1], -0)).toBe(true);

    expect(be.readSync(be.write(new Int32Array([-7, 2]), [2], 'int32'))).toBeInstanceOf(Int32Array);
    expect(be.readSync(be.write(new Uint8Array([1, 0, 1]), [3], 'bool'))).toBeInstanceOf(Uint8Array);
    expect(Array.from(be.readSync(be.write(new Float32Array([3]), [], 'float32')))).toEqual([3]);
    expect(be.readSync(be.write(new Float32Array(0), [2, 0], 'float32')).length).toBe(0);
  });

  it('counts data ids and bytes, and frees them', () => {
    const be = createTsBackend();
    const start = be.memory();
    expect(start).toEqual({ numDataIds: 0, numBytes: 0 });
    const f = be.write(new Float32Array(10), [10], 'float32');
    const i = be.write(new Int32Array(3), [3], 'int32');
    const b = be.write(new Uint8Array(5), [5], 'bool');
    expect(be.memory()).toEqual({ numDataIds: 3, numBytes: 40 + 12 + 5 });
    expect(be.numDataIds()).toBe(3);
    be.disposeData(i);
    expect(be.memory()).toEqual({ numDataIds: 2, numBytes: 45 });
    be.disposeData(f);
    be.disposeData(b);
    expect(be.memory()).toEqual(start);

    be.write(new Float32Array(4), [4], 'float32');
    be.dispose();
    expect(be.memory()).toEqual({ numDataIds: 0, numBytes: 0 });
  });

  it('mints a fresh id per buffer, so identical contents are independent', () => {
    const be = createTsBackend();
    const a = be.write(new Float32Array([1]), [1], 'float32');
    const b = be.write(new Float32Array([1]), [1], 'float32');
    expect(a).not.toBe(b);
    be.disposeData(a);
    expect(Array.from(be.readSync(b))).toEqual([1]);
  });

  it('names the operation when a data id is unknown or already freed', async () => {
    const be = createTsBackend();
    const id = be.write(new Float32Array([1]), [1], 'float32');
    be.disposeData(id);
    expect(() => be.readSync(id)).toThrow(/readSync: buffer #1 is unknown or already disposed/);
    await expect(be.read(id)).rejects.toThrow(/read: buffer #1/);
    expect(() => be.disposeData(id)).toThrow(/disposeData: buffer #1/);
    expect(() => be.readSync({})).toThrow(/readSync: a dataId this backend did not create/);
    expect(() => be.kernels.unary('neg', { dataId: id, shape: [1], dtype: 'float32' })).toThrow(/unary: buffer #1/);
  });

  it('rejects a write whose length does not match the shape', () => {
    const be = createTsBackend();
    expect(() => be.write(new Float32Array(3), [2, 2], 'float32')).toThrow(/write: 3 values do not fill shape \[2,2\]/);
  });

  it('leaves exactly one new buffer per kernel call', () => {
    const be = createTsBackend();
    const x = be.write(new Float32Array([1, 2, 3, 4]), [2, 2], 'float32');
    const info = { dataId: x, shape: [2, 2], dtype: 'float32' as const };
    const outs = [
      be.kernels.unary('exp', info),
      be.kernels.binary('add', info, info, [2, 2]),
      be.kernels.reduce('sum', info, [0, 1]),
      be.kernels.matMul({ ...info, shape: [1, 2, 2] }, { ...info, shape: [1, 2, 2] }, false, true),
      be.kernels.transpose(info, [1, 0]),
      be.kernels.softmax(info),
    ];
    expect(be.numDataIds()).toBe(1 + outs.length);
    for (const o of outs) be.disposeData(o.dataId);
    be.disposeData(x);
    expect(be.numDataIds()).toBe(0);
  });
});
