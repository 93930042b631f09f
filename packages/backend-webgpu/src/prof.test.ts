import { it } from 'vitest';
import { registerBackend, setBackend, removeBackend, tensor, setSeed, Sequential, Conv2D, AveragePooling2D, Flatten, Dense } from '@polytensor/core';
import { newBackend } from './test_util.js';

it('profile', async () => {
  const b = await newBackend();
  registerBackend('wp', () => b, -1);
  await setBackend('wp');
  setSeed(1);
  const model = new Sequential({
    layers: [
      new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', padding: 'same', inputShape: [6, 6, 1] }),
      new AveragePooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: 8, activation: 'tanh' }),
      new Dense({ units: 3 }),
    ],
  });
  model.compile({ optimizer: 'adam', learningRate: 0.01, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
  const x = tensor(
    new Float32Array(6 * 36).map((_, i) => Math.sin(i)),
    [6, 6, 6, 1],
  );
  const y = tensor(
    new Int32Array(6).map((_, i) => i % 3),
    [6],
    'int32',
  );
  for (let i = 0; i < 20; i++) model.trainOnBatch(x, y);
  let calls = 0;
  const orig = b.store.run.bind(b.store);
  const byOp = new Map<string, number>();
  (b.store as unknown as { run: unknown }).run = (...a: Parameters<typeof orig>) => {
    calls++;
    const t0 = performance.now();
    const r = orig(...a);
    byOp.set(a[0], (byOp.get(a[0]) ?? 0) + performance.now() - t0);
    return r;
  };
  const rs = b.store.readSync.bind(b.store);
  let rsT = 0;
  let rsN = 0;
  (b.store as unknown as { readSync: unknown }).readSync = (id: never) => {
    const t0 = performance.now();
    const r = rs(id);
    rsT += performance.now() - t0;
    rsN++;
    return r;
  };
  const t0 = performance.now();
  for (let i = 0; i < 50; i++) model.trainOnBatch(x, y);
  const ms = (performance.now() - t0) / 50;
  console.log(`step ${ms.toFixed(1)} ms, ${calls / 50} programs/step, readSync ${rsN / 50}/step ${(rsT / 50).toFixed(1)} ms/step`);
  console.log(
    [...byOp.entries()]
      .sort((p, q) => q[1] - p[1])
      .slice(0, 12)
      .map(([k, v]) => `${k} ${(v / 50).toFixed(2)}`)
      .join(', '),
  );
  x.dispose();
  y.dispose();
  model.dispose();
  removeBackend('wp');
});
