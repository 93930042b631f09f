// One thread vs the pool on our own training steps, interleaved (no tfjs):
//   node packages/backend-ts/bench/threads_ab.mjs [cnn|fc|mlp|matmul] [reps]
import { performance } from 'node:perf_hooks';
import * as pt from '@polytensor/core';
import { setThreads, threadsReady, threadStats } from '../dist/index.js';

await pt.setBackend('ts');
const which = process.argv[2] ?? 'cnn';
const reps = Number(process.argv[3] ?? 6);
pt.setSeed(1);
const specs = {
  mlp: { layers: () => [new pt.Dense({ units: 64, activation: 'sigmoid', inputShape: [784] }), new pt.Dense({ units: 10 })], inShape: [784], batch: 64, opt: 'sgd', lr: 0.5, loss: 'sparseSoftmaxCrossEntropy' },
  fc: { layers: () => [new pt.Dense({ units: 500, activation: 'relu', inputShape: [784] }), new pt.Dense({ units: 500, activation: 'relu' }), new pt.Dense({ units: 10 })], inShape: [784], batch: 100, opt: 'sgd', lr: 0.1, loss: 'sparseSoftmaxCrossEntropy' },
  cnn: {
    layers: () => [
      new pt.Conv2D({ filters: 64, kernelSize: 3, activation: 'relu', padding: 'same', inputShape: [28, 28, 1] }),
      new pt.Conv2D({ filters: 64, kernelSize: 3, activation: 'relu', padding: 'same' }),
      new pt.AveragePooling2D({ poolSize: 2 }), new pt.Dropout({ rate: 0.25 }),
      new pt.Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' }),
      new pt.Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' }),
      new pt.AveragePooling2D({ poolSize: 2 }), new pt.Dropout({ rate: 0.25 }),
      new pt.Flatten(), new pt.Dense({ units: 256, activation: 'relu' }), new pt.Dropout({ rate: 0.5 }),
      new pt.Dense({ units: 10, activation: 'softmax' }),
    ], inShape: [28, 28, 1], batch: 50, opt: 'adam', lr: 0.001, loss: 'sparseCategoricalCrossentropy',
  },
};
let step;
if (which === 'matmul') {
  const a = pt.randomNormal([512, 512]), b = pt.randomNormal([512, 512]);
  step = () => pt.matMul(a, b).dispose();
} else {
  const spec = specs[which];
  const model = new pt.Sequential({ layers: spec.layers() });
  model.compile({ optimizer: spec.opt, learningRate: spec.lr, loss: spec.loss, metrics: ['accuracy'] });
  const x = pt.randomUniform([spec.batch, ...spec.inShape]);
  const y = pt.cast(pt.mul(pt.randomUniform([spec.batch]), 10), 'int32');
  step = () => model.trainOnBatch(x, y);
}
const settings = [1, 'auto'];
const times = settings.map(() => []);
const cpu = settings.map(() => []);
for (let r = -2; r < reps; r++) {
  for (let s = 0; s < settings.length; s++) {
    setThreads(settings[s]);
    await threadsReady();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    step();
    const c1 = process.cpuUsage(c0);
    if (r >= 0) {
      times[s].push(performance.now() - t0);
      cpu[s].push((c1.user + c1.system) / 1000);
    }
  }
}
const med = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
console.log(`${which}: 1 thread ${med(times[0]).toFixed(1)} ms (cpu ${med(cpu[0]).toFixed(0)}) [${times[0].map((t) => t.toFixed(0)).join(' ')}]; pool ${med(times[1]).toFixed(1)} ms (cpu ${med(cpu[1]).toFixed(0)}) [${times[1].map((t) => t.toFixed(0)).join(' ')}]; ${JSON.stringify(threadStats())}; load ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
