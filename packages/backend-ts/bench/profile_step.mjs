// Profile helper: node --cpu-prof packages/backend-ts/bench/profile_step.mjs mlp|fc|cnn [steps]
import { performance } from 'node:perf_hooks';
import * as pt from '@polytensor/core';
import '../dist/index.js';

pt.setBackend('ts');
const which = process.argv[2] ?? 'mlp';
const steps = Number(process.argv[3] ?? 200);
pt.setSeed(1);
const spec = {
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
}[which];
const model = new pt.Sequential({ layers: spec.layers() });
model.compile({ optimizer: spec.opt, learningRate: spec.lr, loss: spec.loss, metrics: ['accuracy'] });
const x = pt.randomUniform([spec.batch, ...spec.inShape]);
const y = pt.cast(pt.mul(pt.randomUniform([spec.batch]), 10), 'int32');
model.trainOnBatch(x, y);
const ts = [];
let loss = 0;
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  loss = model.trainOnBatch(x, y).loss;
  ts.push(performance.now() - t0);
}
ts.sort((a, b) => a - b);
console.log(`${which}: median ${ts[ts.length >> 1].toFixed(2)} ms, min ${ts[0].toFixed(2)} ms, last loss ${loss}, tensors ${pt.memory().numTensors}`);
