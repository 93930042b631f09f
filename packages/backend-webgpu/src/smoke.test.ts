import { expect, it } from 'vitest';
import { newBackend } from './test_util.js';

it('smoke', async () => {
  const b = await newBackend();
  console.log(b.adapter, JSON.stringify(b.numerics), JSON.stringify(b.limits()));
  const x = b.write(new Float32Array([1, 2, 3, -4]), [2, 2], 'float32');
  const t = { dataId: x, shape: [2, 2], dtype: 'float32' as const };
  const y = b.kernels.unary('exp', t);
  console.log(Array.from(await b.read(y.dataId)));
  console.log(Array.from(b.readSync(y.dataId)));
  const z = b.kernels.matMul({ ...t, shape: [1, 2, 2] }, { ...t, shape: [1, 2, 2] }, false, true);
  console.log(Array.from(b.readSync(z.dataId)));
  expect(Array.from(await b.read(z.dataId))).toEqual([5, -5, -5, 25]);
  b.disposeData(x);
  b.disposeData(y.dataId);
  b.disposeData(z.dataId);
  b.dispose();
});
