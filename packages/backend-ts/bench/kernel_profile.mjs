// Per-kernel time of one training step: node packages/backend-ts/bench/kernel_profile.mjs mlp|fc|cnn [steps] [rows]
import * as pt from '@polytensor/core';
import { TsBackend } from '../dist/index.js';
import { performance } from 'node:perf_hooks';
const which = process.argv[2] ?? 'mlp';
const be = new TsBackend();
const stats = new Map();
const proto = Object.getPrototypeOf(be);
for (const k of Object.getOwnPropertyNames(proto)) {
  if (k === 'constructor' || typeof proto[k] !== 'function' || ['get','values','f32','output','store'].includes(k)) continue;
  const orig = proto[k];
  be[k] = function (...args) {
    const t0 = performance.now();
    const r = orig.apply(this, args);
    const dt = performance.now() - t0;
    const key = k + (typeof args[0] === 'string' ? ':' + args[0] : '') + ' ' + JSON.stringify(args.filter(a => a && a.shape).map(a => a.shape));
    const s = stats.get(key) ?? { n: 0, t: 0 }; s.n++; s.t += dt; stats.set(key, s);
    return r;
  };
}
pt.registerBackend('counted', () => be, 100);
pt.setBackend('counted');
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
stats.clear();
const steps = +(process.argv[3] ?? 5);
const t0 = performance.now();
for (let i = 0; i < steps; i++) model.trainOnBatch(x, y);
const total = (performance.now() - t0) / steps;
let kt = 0, kn = 0;
const rows = [...stats].sort((a, b) => b[1].t - a[1].t);
for (const [, s] of rows) { kt += s.t; kn += s.n; }
console.log(`step ${total.toFixed(2)} ms; kernels ${(kt / steps).toFixed(2)} ms in ${kn / steps} calls`);
for (const [k, s] of rows.slice(0, +(process.argv[4] ?? 40))) console.log(`${(s.t / steps).toFixed(3).padStart(9)} ms ${String(s.n / steps).padStart(4)}x  ${k}`);
