// read() hands tfjs's downloaded array to the caller without a copy when no
// other read shares it (store.ts, handOver). Each caller must still own what
// it gets: writing into one result changes no other read, and the tensor's
// data stays on the GPU for the kernels after it.
import { describe, expect, it } from 'vitest';
import { newBackend } from './test_util.js';

describe('read: results owned by their caller', () => {
  it('sequential and concurrent reads of one GPU result are separate arrays with its values; the tensor stays usable', async () => {
    const b = await newBackend();
    try {
      const n = 2000; // past the packed threshold: a packed result, decoded on download
      const values = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 7);
      const x = { dataId: b.write(values, [40, 50], 'float32'), shape: [40, 50], dtype: 'float32' as const };
      const y = b.kernels.unary('neg', x);
      const want = Array.from(values, (v) => -v);
      const first = await b.read(y.dataId);
      expect(Array.from(first)).toEqual(want);
      first.fill(123); // the caller's array: tfjs's cache must not share it
      // concurrent: tfjs resolves both with one array; whichever caller writes first must not reach the other
      for (const writer of [0, 1]) {
        const pending = [b.read(y.dataId), b.read(y.dataId)];
        const mine = await pending[writer]!;
        expect(Array.from(mine)).toEqual(want);
        mine.fill(456);
        const other = await pending[1 - writer]!;
        expect(other).not.toBe(mine);
        expect(Array.from(other)).toEqual(want);
      }
      expect(Array.from(b.readSync(y.dataId))).toEqual(want);
      // still on the GPU: a kernel reads it
      const z = b.kernels.unary('neg', y);
      expect(Array.from(await b.read(z.dataId))).toEqual(Array.from(values));
      for (const id of [x.dataId, y.dataId, z.dataId]) b.disposeData(id);
      expect(b.numDataIds()).toBe(0);
    } finally {
      b.dispose();
    }
  });
});
