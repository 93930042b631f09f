// backend-ts vs @tensorflow/tfjs-backend-cpu on the four workloads.
//
//   npx turbo run build --filter=@polytensor/backend-ts... --output-logs=errors-only
//   node packages/backend-ts/bench/bench.mjs [matmul mlp fc cnn] [--reps N] [--cnn-reps N] [--warmup N] [--threads N|auto|both] [--json FILE]
//
// Each repeat times ours then tfjs back to back (interleaved, so machine load
// hits both sides alike), after untimed warm-up steps of each (--warmup, default 5; for the CNN two of
// ours and none of tfjs, whose single step takes minutes). Reports medians
// and the ratio tfjs/ours (> 1: ours is faster). Outputs of the same math are
// checked against each other before anything is timed.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as pt from '@polytensor/core';
import { setThreads, threadsReady, threadStats } from '../dist/index.js';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { register } from 'node:module';

register('./tfjs_resolve_hook.mjs', import.meta.url);
await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const reps = Number(opt('--reps', 7));
const cnnReps = Number(opt('--cnn-reps', 3));
const jsonOut = opt('--json', null);
const warmup = Number(opt('--warmup', 5));
const threadsArg = opt('--threads', 'auto');
const optionValues = new Set(['--reps', '--cnn-reps', '--json', '--warmup', '--threads'].map((o) => opt(o, null)).filter(Boolean));
const chosen = argv.filter((a) => !a.startsWith('--') && !optionValues.has(a));
const workloads = chosen.length ? chosen : ['matmul', 'mlp', 'fc', 'cnn'];

await pt.setBackend('ts');
setThreads('auto');
const threads = await threadsReady();
await tf.setBackend('cpu');
tf.enableProdMode(); // tfjs at its fastest (no debug checks)

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const time = (fn) => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};

function rand(n, seed, scale = 1) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return a;
}
function labels(n, classes, seed) {
  const a = new Int32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s % classes;
  }
  return a;
}

// ---- workloads ---------------------------------------------------------------

function matmulWorkload(n) {
  const av = rand(n * n, 1), bv = rand(n * n, 2);
  const pa = pt.tensor(av, [n, n]), pb = pt.tensor(bv, [n, n]);
  const ta = tf.tensor2d(av, [n, n]), tb = tf.tensor2d(bv, [n, n]);
  return {
    name: `matMul ${n}`,
    ours: () => pt.matMul(pa, pb).dispose(),
    tfjs: () => tf.matMul(ta, tb).dispose(),
    check() {
      const x = pt.matMul(pa, pb), y = tf.matMul(ta, tb);
      const d = maxRelDiff(x.dataSync(), y.dataSync());
      x.dispose(); y.dispose();
      return d;
    },
    dispose() { pa.dispose(); pb.dispose(); ta.dispose(); tb.dispose(); },
  };
}

function maxRelDiff(a, b) {
  let scale = 0, d = 0;
  for (let i = 0; i < a.length; i++) { scale = Math.max(scale, Math.abs(b[i])); d = Math.max(d, Math.abs(a[i] - b[i])); }
  return d / (scale || 1);
}

/** Dense layers: [units, activation] after an input of `inDim`. */
function denseWorkload(name, inDim, layers, batch, optimizer, lr) {
  const xv = rand(batch * inDim, 3), yv = labels(batch, 10, 4);
  // polytensor
  pt.setSeed(42);
  const model = new pt.Sequential({
    layers: layers.map(([units, activation], i) =>
      new pt.Dense({ units, activation, ...(i === 0 ? { inputShape: [inDim] } : {}), kernelInitializer: 'glorotNormal' })),
  });
  model.compile({ optimizer, learningRate: lr, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
  const px = pt.tensor(xv, [batch, inDim]), py = pt.tensor(yv, [batch], 'int32');
  model.trainOnBatch(px, py); // builds weights
  // tfjs: same initial weights, same math
  const ws = [];
  for (const l of model.layers) ws.push(tf.variable(tf.tensor(l.kernel.dataSync(), l.kernel.shape)), tf.variable(tf.tensor(l.bias.dataSync(), l.bias.shape)));
  const tx = tf.tensor2d(xv, [batch, inDim]), ty = tf.tensor1d(yv, 'int32');
  const tOpt = optimizer === 'adam' ? tf.train.adam(lr, 0.9, 0.999, 1e-7) : tf.train.sgd(lr);
  const act = { relu: tf.relu, sigmoid: tf.sigmoid, tanh: tf.tanh, linear: (x) => x };
  const tfStep = () => {
    const cost = tOpt.minimize(() => {
      let h = tx;
      layers.forEach(([, a], i) => { h = act[a ?? 'linear'](tf.add(tf.matMul(h, ws[2 * i]), ws[2 * i + 1])); });
      // accuracy metric, as trainOnBatch computes it
      tf.mean(tf.cast(tf.equal(tf.argMax(h, -1), ty), 'float32')).dataSync();
      return tf.losses.softmaxCrossEntropy(tf.oneHot(ty, 10), h);
    }, true, ws);
    cost.dataSync();
    cost.dispose();
  };
  return {
    name,
    ours: () => model.trainOnBatch(px, py),
    tfjs: () => tf.tidy(tfStep),
    check() {
      // One step from identical weights on both sides; compare the losses and every updated weight.
      model.layers.forEach((l, i) => { ws[2 * i].assign(tf.tensor(l.kernel.dataSync(), l.kernel.shape)); ws[2 * i + 1].assign(tf.tensor(l.bias.dataSync(), l.bias.shape)); });
      const ours = model.trainOnBatch(px, py).loss;
      let theirs;
      tf.tidy(() => {
        const cost = tOpt.minimize(() => {
          let h = tx;
          layers.forEach(([, a], i) => { h = act[a ?? 'linear'](tf.add(tf.matMul(h, ws[2 * i]), ws[2 * i + 1])); });
          return tf.losses.softmaxCrossEntropy(tf.oneHot(ty, 10), h);
        }, true, ws);
        theirs = cost.dataSync()[0];
      });
      let d = Math.abs(ours - theirs) / Math.abs(theirs);
      model.layers.forEach((l, i) => {
        d = Math.max(d, maxRelDiff(l.kernel.dataSync(), ws[2 * i].dataSync()), maxRelDiff(l.bias.dataSync(), ws[2 * i + 1].dataSync()));
      });
      return d;
    },
    dispose() { model.dispose?.(); px.dispose(); py.dispose(); tx.dispose(); ty.dispose(); ws.forEach((w) => w.dispose()); tOpt.dispose(); },
  };
}

function cnnWorkload(batch) {
  const xv = rand(batch * 28 * 28, 5, 1).map((v) => (v + 1) / 2), yv = labels(batch, 10, 6);
  pt.setSeed(42);
  const model = new pt.Sequential({
    name: 'cnn',
    layers: [
      new pt.Conv2D({ filters: 64, kernelSize: 3, activation: 'relu', padding: 'same', inputShape: [28, 28, 1] }),
      new pt.Conv2D({ filters: 64, kernelSize: 3, activation: 'relu', padding: 'same' }),
      new pt.AveragePooling2D({ poolSize: 2 }),
      new pt.Dropout({ rate: 0.25 }),
      new pt.Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' }),
      new pt.Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' }),
      new pt.AveragePooling2D({ poolSize: 2 }),
      new pt.Dropout({ rate: 0.25 }),
      new pt.Flatten(),
      new pt.Dense({ units: 256, activation: 'relu' }),
      new pt.Dropout({ rate: 0.5 }),
      new pt.Dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', learningRate: 0.001, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const px = pt.tensor(xv, [batch, 28, 28, 1]), py = pt.tensor(yv, [batch], 'int32');
  model.trainOnBatch(px, py);
  const ws = model.trainableWeights.map((w) => tf.variable(tf.tensor(w.dataSync(), w.shape)));
  const tx = tf.tensor4d(xv, [batch, 28, 28, 1]), ty = tf.tensor1d(yv, 'int32');
  const tOpt = tf.train.adam(0.001, 0.9, 0.999, 1e-7);
  const conv = (h, k, b) => tf.relu(tf.add(tf.conv2d(h, k, 1, 'same'), b));
  const forward = (training) => {
    const [k1, b1, k2, b2, k3, b3, k4, b4, d1, db1, d2, db2] = ws;
    const drop = (h, r) => (training ? tf.dropout(h, r) : h);
    let h = conv(tx, k1, b1);
    h = conv(h, k2, b2);
    h = drop(tf.avgPool(h, 2, 2, 'valid'), 0.25);
    h = conv(h, k3, b3);
    h = conv(h, k4, b4);
    h = drop(tf.avgPool(h, 2, 2, 'valid'), 0.25);
    h = tf.reshape(h, [batch, -1]);
    h = drop(tf.relu(tf.add(tf.matMul(h, d1), db1)), 0.5);
    return tf.softmax(tf.add(tf.matMul(h, d2), db2));
  };
  const loss = (p) => {
    const norm = tf.div(p, tf.sum(p, -1, true));
    const clipped = tf.clipByValue(norm, 1e-7, 1 - 1e-7);
    return tf.mean(tf.sum(tf.mul(tf.oneHot(ty, 10), tf.neg(tf.log(clipped))), -1));
  };
  const tfStep = () => {
    const cost = tOpt.minimize(() => {
      const p = forward(true);
      tf.mean(tf.cast(tf.equal(tf.argMax(p, -1), ty), 'float32')).dataSync();
      return loss(p);
    }, true, ws);
    cost.dataSync();
    cost.dispose();
  };
  return {
    name: `CNN step (batch ${batch})`,
    ours: () => model.trainOnBatch(px, py),
    tfjs: () => tf.tidy(tfStep),
    check() {
      // forward (inference) outputs from the same weights
      model.trainableWeights.forEach((w, i) => ws[i].assign(tf.tensor(w.dataSync(), w.shape)));
      const ours = model.predict(px);
      const theirs = tf.tidy(() => forward(false));
      const d = maxRelDiff(ours.dataSync(), theirs.dataSync());
      ours.dispose(); theirs.dispose();
      return d;
    },
    dispose() { px.dispose(); py.dispose(); tx.dispose(); ty.dispose(); ws.forEach((w) => w.dispose()); tOpt.dispose(); },
  };
}

const MAKERS = {
  matmul: () => matmulWorkload(512),
  matmul256: () => matmulWorkload(256),
  matmul1024: () => matmulWorkload(1024),
  mlp: () => denseWorkload('MLP 784-64-10 step (batch 64)', 784, [[64, 'sigmoid'], [10, 'linear']], 64, 'sgd', 0.5),
  fc: () => denseWorkload('FC 784-500-500-10 step (batch 100)', 784, [[500, 'relu'], [500, 'relu'], [10, 'linear']], 100, 'sgd', 0.1),
  cnn: () => cnnWorkload(50),
};

const results = [];
// --threads both: time ours on one thread and on the pool, interleaved with tfjs in the same repeats.
const settings = threadsArg === 'both' ? [1, 'auto'] : [threadsArg === 'auto' ? 'auto' : Number(threadsArg)];
const useThreads = async (t) => {
  setThreads(t);
  return threadsReady();
};
console.log(`node ${process.version}, ${new Date().toISOString()}; backend-ts threads: ${settings.join(' and ')} (${threads} available); reps ${reps} (cnn ${cnnReps}); ratio = tfjs-cpu / ours`);
for (const key of workloads) {
  const w = MAKERS[key]();
  const diff = w.check();
  const n = key === 'cnn' ? cnnReps : reps;
  // warm-up: let both JITs optimise their hot paths (for the CNN, whose tfjs step takes minutes, ours only:
  // one more tfjs step would not change its time measurably)
  for (let i = 0; i < (key === 'cnn' ? 2 : warmup); i++) {
    for (const t of settings) { await useThreads(t); w.ours(); }
    if (key !== 'cnn') w.tfjs();
  }
  const ours = settings.map(() => []), tfjs = [], used = settings.map(() => 1);
  for (let r = 0; r < n; r++) {
    for (let si = 0; si < settings.length; si++) {
      used[si] = await useThreads(settings[si]);
      ours[si].push(time(w.ours));
    }
    tfjs.push(time(w.tfjs));
  }
  w.dispose();
  const mt = median(tfjs);
  settings.forEach((t, si) => {
    const mo = median(ours[si]);
    const label = `${w.name} [${used[si]} thread${used[si] > 1 ? 's' : ''}]`;
    results.push({ workload: w.name, threads: used[si], oursMs: +mo.toFixed(2), tfjsMs: +mt.toFixed(2), ratio: +(mt / mo).toFixed(2), check: diff, ours: ours[si], tfjs });
    console.log(`${label.padEnd(48)} ours ${mo.toFixed(1).padStart(9)} ms   tfjs-cpu ${mt.toFixed(1).padStart(9)} ms   ×${(mt / mo).toFixed(2).padStart(7)}   (check ${diff.toExponential(1)}; ours [${ours[si].map((x) => x.toFixed(0)).join(' ')}])`);
  });
}
console.log(`parallel jobs: ${JSON.stringify(threadStats())}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2));
