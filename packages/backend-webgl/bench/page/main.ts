/**
 * The benchmark page: polytensor's webgl backend against raw TensorFlow.js
 * webgl (tfjs-core ops on @tensorflow/tfjs-backend-webgl), same page, same
 * inputs, each on its own WebGL 2 context. Outputs are compared before any
 * timing; then the two are timed in interleaved rounds and the medians and
 * their ratio reported. Run by bench/compare.mjs (playwright-core + Vite).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgl';
import { Dense, Sequential, matMul, registerBackend, setBackend, setSeed, tensor, type Tensor } from '@polytensor/core';
import { createWebGLBackend, warmup } from '@polytensor/backend-webgl';

interface Row {
  workload: string;
  oursMs: number;
  tfjsMs: number;
  ratio: number;
  oursSamples: number;
  tfjsSamples: number;
  check: string;
}

const params = new URLSearchParams(location.search);
const ROUNDS = Number(params.get('rounds') ?? 8);
const PER_ROUND = Number(params.get('iters') ?? 5);
const log = (s: string): void => console.log(s);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function time(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

/** Interleaved rounds of PER_ROUND iterations each, ROUNDS times, alternating which side goes first. */
function compare(workload: string, ours: () => void, theirs: () => void, check: string): Row {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const sides: Array<[() => void, number[]]> = [[ours, a], [theirs, b]];
    if (r % 2 === 1) sides.reverse();
    for (const [f, into] of sides) for (let i = 0; i < PER_ROUND; i++) into.push(time(f));
  }
  const oursMs = median(a);
  const tfjsMs = median(b);
  const row = { workload, oursMs, tfjsMs, ratio: oursMs / tfjsMs, oursSamples: a.length, tfjsSamples: b.length, check };
  log(`${workload}: ours ${oursMs.toFixed(2)} ms, tfjs ${tfjsMs.toFixed(2)} ms, ratio ${row.ratio.toFixed(3)}`);
  return row;
}

function rand(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** E1's MLP: 784 → 64 sigmoid → 10 logits, truncated normal (0.1) weights, zero biases. */
function seedMlp(): Sequential {
  const init = { className: 'TruncatedNormal', config: { stddev: 0.1 } };
  return new Sequential({
    layers: [
      new Dense({ units: 64, activation: 'sigmoid', kernelInitializer: init, biasInitializer: 'zeros', inputShape: [784] }),
      new Dense({ units: 10, kernelInitializer: init, biasInitializer: 'zeros' }),
    ],
  });
}

const BATCH = 64;
const xData = rand(BATCH * 784, 7, 0.5).map((v) => v + 0.5);
const yData = Int32Array.from({ length: BATCH }, (_, i) => (i * 7) % 10);

async function newOurs(name: string): Promise<void> {
  const b = await createWebGLBackend({ webglVersion: 2 });
  registerBackend(name, () => b, -1);
  await setBackend(name);
}

function oursMlp(): { model: Sequential; x: Tensor; y: Tensor; step: () => number } {
  setSeed(1);
  const model = seedMlp();
  model.compile({ optimizer: 'sgd', learningRate: 0.5, loss: 'sparseSoftmaxCrossEntropy' });
  model.build();
  const x = tensor(xData, [BATCH, 784]);
  const y = tensor(yData, [BATCH], 'int32');
  return { model, x, y, step: () => model.trainOnBatch(x, y).loss };
}

/** The same network in raw tfjs: fused matMul + bias (as tfjs-layers' Dense does), sigmoid, softmax cross-entropy, SGD. */
function tfjsMlp(weights: Float32Array[]): () => number {
  const [w1, b1, w2, b2] = weights.map((w, i) => tf.variable(tf.tensor(w, [[784, 64], [64], [64, 10], [10]][i]!)));
  const x = tf.tensor2d(xData, [BATCH, 784]);
  const y = tf.oneHot(tf.tensor1d(yData, 'int32'), 10);
  const opt = tf.train.sgd(0.5);
  return () => {
    const loss = opt.minimize(
      () =>
        tf.tidy(() => {
          const h = tf.sigmoid(tf.fused.matMul({ a: x, b: w1!, bias: b1 }));
          const logits = tf.fused.matMul({ a: h, b: w2!, bias: b2 });
          return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
        }),
      true,
    )!;
    const v = loss.dataSync()[0]!;
    loss.dispose();
    return v;
  };
}

async function main(): Promise<unknown> {
  await tf.setBackend('webgl');
  await tf.ready();
  tf.env().set('WEBGL_CPU_FORWARD', false); // tfjs would otherwise run small ops on the CPU
  const result: Record<string, unknown> = { userAgent: navigator.userAgent };

  // ---- first step vs steady state (fresh program caches) ----
  await newOurs('webgl-cold');
  const cold = oursMlp();
  const coldFirst = time(cold.step);
  const coldSteady = median(Array.from({ length: 9 }, () => time(cold.step)));
  await newOurs('webgl-warm');
  const warm = oursMlp();
  const w = await warmup(warm.model, warm.x, warm.y);
  const warmFirst = time(warm.step);
  const warmSteady = median(Array.from({ length: 9 }, () => time(warm.step)));
  for (const m of [cold, warm]) {
    m.x.dispose();
    m.y.dispose();
    m.model.dispose();
  }
  const tfStep = tfjsMlp(seedWeights());
  const tfFirst = time(tfStep);
  const tfSteady = median(Array.from({ length: 9 }, () => time(tfStep)));
  result['firstStep'] = { coldFirst, coldSteady, warmupMs: w.ms, warmFirst, warmSteady, tfjsFirst: tfFirst, tfjsSteady: tfSteady };
  log(`MLP step: ours cold first ${coldFirst.toFixed(0)} ms, steady ${coldSteady.toFixed(1)} ms; warmup ${w.ms.toFixed(0)} ms then first ${warmFirst.toFixed(1)} ms; tfjs first ${tfFirst.toFixed(0)} ms, steady ${tfSteady.toFixed(1)} ms`);

  // ---- interleaved comparisons on one backend instance each ----
  await newOurs('webgl-bench');
  const rows: Row[] = [];

  // matMul 512
  const A = rand(512 * 512, 1);
  const B = rand(512 * 512, 2);
  const pa = tensor(A, [512, 512]);
  const pb = tensor(B, [512, 512]);
  const ta = tf.tensor2d(A, [512, 512]);
  const tb = tf.tensor2d(B, [512, 512]);
  const oursMm = (): Float32Array => {
    const c = matMul(pa, pb);
    const v = c.dataSync() as Float32Array;
    c.dispose();
    return v;
  };
  const tfMm = (): Float32Array => {
    const c = tf.matMul(ta, tb);
    const v = c.dataSync() as Float32Array;
    c.dispose();
    return v;
  };
  const mo = oursMm();
  const mt = tfMm();
  let worst = 0;
  for (let i = 0; i < mo.length; i++) worst = Math.max(worst, Math.abs(mo[i]! - mt[i]!));
  if (!(worst < 1e-3)) throw new Error(`matMul 512: outputs differ from tfjs by ${worst}`);
  rows.push(compare('matMul 512×512·512×512 (+ readback)', () => void oursMm(), () => void tfMm(), `max abs difference from tfjs ${worst.toExponential(2)}`));
  // eight products queued on the GPU, one readback: closer to the kernel's own cost
  const chain = (mm: () => { dataSync(): unknown; dispose(): void }): void => {
    for (let i = 0; i < 7; i++) mm().dispose();
    const last = mm();
    last.dataSync();
    last.dispose();
  };
  rows.push(
    compare('matMul 512 ×8, one readback (per product)', () => chain(() => matMul(pa, pb)), () => chain(() => tf.matMul(ta, tb)), 'same inputs as above'),
  );
  const last = rows[rows.length - 1]!;
  last.oursMs /= 8;
  last.tfjsMs /= 8;
  pa.dispose();
  pb.dispose();
  ta.dispose();
  tb.dispose();

  // MLP training step (E1, batch 64)
  const ours = oursMlp();
  const theirs = tfjsMlp(ours.model.getWeightValues());
  const lo = [ours.step(), ours.step(), ours.step()];
  const lt = [theirs(), theirs(), theirs()];
  const diff = Math.max(...lo.map((l, i) => Math.abs(l - lt[i]!)));
  if (!(diff < 1e-4)) throw new Error(`MLP step: loss trajectories differ: ours ${lo.join(', ')}; tfjs ${lt.join(', ')}`);
  rows.push(compare('MLP 784-64-10 training step, batch 64 (SGD)', () => void ours.step(), () => void theirs(), `losses agree to ${diff.toExponential(2)} over 3 steps`));
  ours.x.dispose();
  ours.y.dispose();
  ours.model.dispose();

  result['rows'] = rows;
  return result;
}

/** The initial weights oursMlp() draws (same seed), for the tfjs copy of the network. */
function seedWeights(): Float32Array[] {
  setSeed(1);
  const m = seedMlp();
  m.build();
  const w = m.getWeightValues();
  m.dispose();
  return w;
}

const win = window as unknown as { __bench?: unknown; __benchError?: string };
main().then(
  (r) => (win.__bench = r),
  (e: unknown) => (win.__benchError = e instanceof Error ? e.stack ?? e.message : String(e)),
);
