#!/usr/bin/env node
// polytensor on @polytensor/backend-wasm against raw TensorFlow.js on its wasm
// backend, in one process, on the same work: per-op dispatch overhead (a tiny
// add), one training step of the E1 MLP (784-64-10, batch 64, SGD), and one
// training step of the E3 CNN (batch 50, Adam; ours only: tfjs-backend-wasm
// has no Conv2DBackpropFilter, so tfjs cannot train it on wasm).
//
// Repeats are interleaved (ours, tfjs, ours, tfjs …) and medians reported, so
// both sides see the same machine state. Outputs are checked to agree before
// anything is timed.
//
//   npm run build -w @polytensor/core -w @polytensor/backend-wasm   (or: npx turbo run build)
//   node packages/backend-wasm/bench/compare.mjs [--quick] [--json]
//
// Prints a Markdown table (and JSON with --json).

import * as pt from '@polytensor/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { createWasmBackend } from '../dist/index.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const asJson = args.has('--json');

const now = () => performance.now();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Run `fn` `inner` times per sample; returns ms per call. */
function sample(fn, inner) {
  const t0 = now();
  for (let i = 0; i < inner; i++) fn();
  return (now() - t0) / inner;
}

/** Interleave samples of two implementations; medians of ms per call. */
function compare(ours, theirs, { warmup, inner, repeats }) {
  for (let i = 0; i < warmup; i++) {
    ours();
    theirs?.();
  }
  const a = [];
  const b = [];
  for (let r = 0; r < repeats; r++) {
    a.push(sample(ours, inner));
    if (theirs) b.push(sample(theirs, inner));
  }
  return { ours: median(a), tfjs: theirs ? median(b) : null };
}

function randn(n, seed) {
  // small LCG + Box-Muller: the same inputs for both sides
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

function labels(n, classes, seed) {
  let s = seed >>> 0;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 8) % classes;
  return out;
}

// ---------------------------------------------------------------- setup
/**
 * tfjs-core's Node bundle registers no gradients (the @tensorflow/tfjs union
 * package imports them from tfjs-core's ESM sources). Bundle those sources'
 * `register_all_gradients` once with rolldown (Vite's bundler, already
 * installed with Vitest) and load it: tfjs keeps its engine and registries on
 * a global, so the bundled copy registers into the same engine.
 */
async function registerTfjsGradients() {
  const { build } = await import('rolldown');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { pathToFileURL, fileURLToPath } = await import('node:url');
  const file = join(tmpdir(), `polytensor-bench-tfjs-gradients-${process.pid}.mjs`);
  await build({
    input: '@tensorflow/tfjs-core/dist/register_all_gradients.js',
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    platform: 'node',
    logLevel: 'silent',
    output: { file, format: 'esm' },
  });
  await import(pathToFileURL(file).href);
  (await import('node:fs')).rmSync(file, { force: true });
}

await registerTfjsGradients();
await tf.setBackend('wasm');
await tf.ready();
const ours = await createWasmBackend();
pt.registerBackend('wasm-bench', () => ours, -1);
pt.setBackendSync('wasm-bench');

const results = [];
const env = {
  node: process.version,
  cpus: (await import('node:os')).cpus().length,
  cpu: (await import('node:os')).cpus()[0]?.model ?? 'unknown',
  simd: ours.info.simd,
  threads: ours.info.threads,
  tfjsBackend: tf.getBackend(),
};

// ---------------------------------------------------------------- dispatch
{
  const av = new Float32Array([1, 2, 3, 4]);
  const pa = pt.tensor(av, [4]);
  const pb = pt.tensor(av, [4]);
  const ta = tf.tensor(av, [4]);
  const tb = tf.tensor(av, [4]);
  const check = pt.add(pa, pb);
  const tcheck = tf.add(ta, tb);
  const same = check.dataSync().every((v, i) => v === tcheck.dataSync()[i]);
  check.dispose();
  tcheck.dispose();
  if (!same) throw new Error('dispatch: outputs differ');
  const r = compare(
    () => pt.add(pa, pb).dispose(),
    () => tf.add(ta, tb).dispose(),
    { warmup: 5000, inner: quick ? 2000 : 10000, repeats: quick ? 5 : 15 },
  );
  results.push({ workload: 'dispatch: add [4] (µs/op)', ours: r.ours * 1e3, tfjs: r.tfjs * 1e3, unit: 'µs' });
  for (const t of [pa, pb]) t.dispose();
  for (const t of [ta, tb]) t.dispose();
}

// ---------------------------------------------------------------- MLP step
{
  const batch = 64;
  const xv = randn(batch * 784, 1);
  const yv = labels(batch, 10, 2);
  const w1 = randn(784 * 64, 3).map((v) => v * 0.1);
  const w2 = randn(64 * 10, 4).map((v) => v * 0.1);

  // ours: the E1 recipe through Sequential.trainOnBatch
  const model = new pt.Sequential({
    layers: [
      new pt.Dense({ units: 64, activation: 'sigmoid', inputShape: [784] }),
      new pt.Dense({ units: 10 }),
    ],
  });
  model.compile({ optimizer: 'sgd', learningRate: 0.5, loss: 'sparseSoftmaxCrossEntropy' });
  model.build();
  const wts = model.trainableWeights;
  for (const [w, t] of [[wts[0], pt.tensor(w1, [784, 64])], [wts[1], pt.zeros([64])], [wts[2], pt.tensor(w2, [64, 10])], [wts[3], pt.zeros([10])]]) {
    w.assign(t);
    t.dispose();
  }
  const px = pt.tensor(xv, [batch, 784]);
  const py = pt.tensor(yv, [batch], 'int32');

  // tfjs: the same model and update with tfjs-core ops on its wasm backend
  const tw1 = tf.variable(tf.tensor(w1, [784, 64]));
  const tb1 = tf.variable(tf.zeros([64]));
  const tw2 = tf.variable(tf.tensor(w2, [64, 10]));
  const tb2 = tf.variable(tf.zeros([10]));
  const tx = tf.tensor(xv, [batch, 784]);
  const ty = tf.oneHot(tf.tensor(yv, [batch], 'int32'), 10);
  const opt = tf.train.sgd(0.5);
  const tfStep = () => {
    const cost = opt.minimize(() => {
      const h = tf.sigmoid(tf.add(tf.matMul(tx, tw1), tb1));
      const logits = tf.add(tf.matMul(h, tw2), tb2);
      return tf.losses.softmaxCrossEntropy(ty, logits);
    }, true);
    const v = cost.dataSync()[0];
    cost.dispose();
    return v;
  };
  const ptStep = () => model.trainOnBatch(px, py).loss;

  // check: the first steps' losses agree
  for (let i = 0; i < 3; i++) {
    const a = ptStep();
    const b = tfStep();
    if (!(Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)))) throw new Error(`MLP: loss differs at step ${i}: ours ${a}, tfjs ${b}`);
  }
  const r = compare(ptStep, tfStep, { warmup: 10, inner: quick ? 10 : 20, repeats: quick ? 5 : 15 });
  results.push({ workload: 'MLP 784-64-10 train step, batch 64 (ms)', ours: r.ours, tfjs: r.tfjs, unit: 'ms' });
  model.dispose();
  px.dispose();
  py.dispose();
  tf.dispose([tw1, tb1, tw2, tb2, tx, ty]);
  opt.dispose();
}

// ---------------------------------------------------------------- CNN step
{
  const batch = 50;
  pt.setSeed(4);
  const model = new pt.Sequential({
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
  model.compile({ optimizer: 'adam', learningRate: 0.001, loss: 'sparseCategoricalCrossentropy' });
  const px = pt.tensor(randn(batch * 784, 5).map((v) => Math.abs(v) * 0.3), [batch, 28, 28, 1]);
  const py = pt.tensor(labels(batch, 10, 6), [batch], 'int32');
  const l0 = model.trainOnBatch(px, py).loss;
  if (!Number.isFinite(l0)) throw new Error(`CNN: loss is ${l0}`);
  const r = compare(() => model.trainOnBatch(px, py), null, { warmup: 1, inner: 1, repeats: quick ? 3 : 7 });
  results.push({ workload: 'E3 CNN train step, batch 50 (ms)', ours: r.ours, tfjs: null, unit: 'ms' });
  model.dispose();
  px.dispose();
  py.dispose();
}

// ---------------------------------------------------------------- report
const fmt = (v) => (v == null ? '—' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
if (asJson) {
  console.log(JSON.stringify({ env, results }, null, 2));
} else {
  console.log(`backend-wasm vs tfjs-backend-wasm — ${env.cpu}, ${env.cpus} cores, Node ${env.node}, SIMD ${env.simd}, threads ${env.threads}\n`);
  console.log('| workload | polytensor wasm | tfjs wasm | ratio (ours / tfjs) |');
  console.log('|---|---|---|---|');
  for (const r of results) {
    const ratio = r.tfjs ? (r.ours / r.tfjs).toFixed(2) + '×' : 'tfjs cannot train it (no Conv2DBackpropFilter)';
    console.log(`| ${r.workload} | ${fmt(r.ours)} | ${fmt(r.tfjs)} | ${ratio} |`);
  }
}
ours.dispose();
