#!/usr/bin/env node
// matMul benchmark for backend-gpujs (run `npm run build` at the repository root first).
//
//   node bench/matmul.mjs [--size 512] [--repeats 9] [--node-only | --browser-only] [--json out.json]
//
// In the same run, interleaved, medians of `repeats` timings after a warm-up:
// - Node (headless-gl on Mesa llvmpipe, under xvfb-run): backend-gpujs matMul
//   vs the naive gpu.js matmul kernel (one thread per output, this.thread.x/y,
//   a loop over k, arrays in and out);
// - Chromium (WebGL 2 on SwiftShader), one page: the same two, and
//   TensorFlow.js's webgl backend (tfjs-core + tfjs-backend-webgl 4.22).
// Every variant computes arrays in → arrays out: upload A and B, multiply, read
// C back. backend-gpujs is also timed on resident tensors (multiply + read C).
// Outputs are checked against a float64 product before anything is timed.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const SIZE = Number(opt('--size', '512'));
const REPEATS = Number(opt('--repeats', '9'));
const JSON_OUT = opt('--json', null);
const nodeOnly = argv.includes('--node-only');
const browserOnly = argv.includes('--browser-only');

// headless-gl needs an X display: re-run under xvfb-run when there is none.
if (!browserOnly && !process.env.DISPLAY && !process.env.GPUJS_BENCH_CHILD) {
  const r = spawnSync('xvfb-run', ['-a', process.execPath, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, GPUJS_BENCH_CHILD: '1' } });
  if (r.error) {
    console.error(`bench: no DISPLAY and xvfb-run failed (${r.error.message}); install xvfb or pass --browser-only`);
    process.exit(1);
  }
  process.exit(r.status ?? 1);
}

/** Shared by Node and the page: inputs, reference check, interleaved timing. */
const COMMON = String.raw`
function inputs(n) {
  let s = 7;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) - 0.5;
  return { A: Float32Array.from({ length: n * n }, rnd), B: Float32Array.from({ length: n * n }, rnd) };
}
/** Check C (flat, row-major) against a float64 product on 64 sampled elements: |err| ≤ γ_n·Σ|terms|. */
function check(name, C, A, B, n) {
  const u = 2 ** -24, g = (n * u) / (1 - n * u);
  for (let t = 0; t < 64; t++) {
    const i = (t * 97) % n, j = (t * 31 + 5) % n;
    let s = 0, abs = 0;
    for (let k = 0; k < n; k++) { s += A[i * n + k] * B[k * n + j]; abs += Math.abs(A[i * n + k] * B[k * n + j]); }
    if (!(Math.abs(C[i * n + j] - s) <= 2 * g * abs)) throw new Error(name + ': C[' + i + ',' + j + '] = ' + C[i * n + j] + ', expected ' + s);
  }
}
function median(xs) { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; }
async function timeInterleaved(variants, repeats) {
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const names = Object.keys(variants);
  for (let r = 0; r < repeats; r++) {
    for (let v = 0; v < names.length; v++) {
      const name = names[(v + r) % names.length];
      const t0 = performance.now();
      await variants[name]();
      times[name].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(names.map((k) => [k, { medianMs: median(times[k]), ms: times[k] }]));
}
function naiveKernel(gpu, n) {
  return gpu.createKernel(function (a, b) {
    let sum = 0;
    for (let k = 0; k < this.constants.n; k++) {
      sum += a[this.thread.y][k] * b[k][this.thread.x];
    }
    return sum;
  }, { output: [n, n], constants: { n }, precision: 'single' });
}
function rows(M, n) { const out = []; for (let i = 0; i < n; i++) out.push(M.subarray(i * n, i * n + n)); return out; }
function flat(R, n) { const C = new Float32Array(n * n); for (let i = 0; i < n; i++) C.set(R[i], i * n); return C; }
function gpujsVariants(backend, gpu, n, A, B) {
  const naive = naiveKernel(gpu, n);
  const Ar = rows(A, n), Br = rows(B, n);
  const info = (id) => ({ dataId: id, shape: [1, n, n], dtype: 'float32' });
  const ra = backend.write(A, [1, n, n], 'float32'), rb = backend.write(B, [1, n, n], 'float32');
  const ours = () => {
    const a = backend.write(A, [1, n, n], 'float32'), b = backend.write(B, [1, n, n], 'float32');
    const c = backend.kernels.matMul(info(a), info(b), false, false);
    const C = backend.readSync(c.dataId);
    backend.disposeData(a); backend.disposeData(b); backend.disposeData(c.dataId);
    return C;
  };
  const resident = () => {
    const c = backend.kernels.matMul(info(ra), info(rb), false, false);
    const C = backend.readSync(c.dataId);
    backend.disposeData(c.dataId);
    return C;
  };
  const naiveRun = () => flat(naive(Ar, Br), n);
  check('gpujs matMul', ours(), A, B, n);
  check('gpujs matMul (resident)', resident(), A, B, n);
  check('naive gpu.js kernel', naiveRun(), A, B, n);
  return { variants: { 'naive gpu.js kernel': naiveRun, 'backend-gpujs matMul': ours, 'backend-gpujs matMul (resident inputs)': resident }, release: () => { backend.disposeData(ra); backend.disposeData(rb); } };
}
`;

const PAGE = `
import { GPU } from 'gpu.js';
import { createGpujsBackend } from '@polytensor/backend-gpujs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
${COMMON}
window.__run = async ({ n, repeats }) => {
  await tf.setBackend('webgl');
  await tf.ready();
  const { A, B } = inputs(n);
  const backend = createGpujsBackend();
  const gpu = new GPU({ mode: 'webgl2' });
  const { variants, release } = gpujsVariants(backend, gpu, n, A, B);
  const tfjs = () => tf.tidy(() => tf.matMul(tf.tensor2d(A, [n, n]), tf.tensor2d(B, [n, n]))).dataSync();
  const ta = tf.tensor2d(A, [n, n]), tb = tf.tensor2d(B, [n, n]);
  const tfjsResident = () => { const c = tf.matMul(ta, tb); const C = c.dataSync(); c.dispose(); return C; };
  check('tfjs webgl', tfjs(), A, B, n);
  check('tfjs webgl (resident)', tfjsResident(), A, B, n);
  const results = await timeInterleaved({ ...variants, 'tfjs webgl matMul': tfjs, 'tfjs webgl matMul (resident inputs)': tfjsResident }, repeats);
  release(); backend.dispose(); ta.dispose(); tb.dispose();
  return { where: 'Chromium ' + navigator.userAgent.match(/Chrome\\/([\\d.]+)/)?.[1] + ', ' + backend.info.renderer, info: backend.info, tfjs: tf.version_core, results };
};
`;

async function nodeRun() {
  const { GPU } = (await import('gpu.js')).default;
  const { createGpujsBackend } = await import('@polytensor/backend-gpujs');
  const mod = { GPU, createGpujsBackend };
  // evaluate the shared helpers in this module's scope
  const helpers = new Function('GPU', `${COMMON}; return { inputs, check, timeInterleaved, gpujsVariants };`)(mod.GPU);
  const { A, B } = helpers.inputs(SIZE);
  const backend = createGpujsBackend();
  const gl = (await import('module')).createRequire(import.meta.url)('gl')(1, 1, { preserveDrawingBuffer: true });
  const gpu = new GPU({ context: gl, canvas: {} });
  const { variants, release } = helpers.gpujsVariants(backend, gpu, SIZE, A, B);
  const results = await helpers.timeInterleaved(variants, REPEATS);
  release();
  const info = backend.info;
  backend.dispose();
  return { where: `Node ${process.version}, headless-gl, ${info.renderer} (Mesa llvmpipe)`, info, results };
}

async function browserRun() {
  const { runInChromium } = await import('../dist/node/chromium_page.js');
  return runInChromium({ module: PAGE, args: { n: SIZE, repeats: REPEATS } });
}

function table(run) {
  const r = run.results;
  const naive = r['naive gpu.js kernel'].medianMs;
  const tfjs = r['tfjs webgl matMul']?.medianMs;
  const lines = [`### ${run.where}`, '', `| matMul ${SIZE}×${SIZE}·${SIZE}×${SIZE} | median ms | vs naive gpu.js | vs tfjs webgl |`, '|---|---|---|---|'];
  for (const [name, { medianMs }] of Object.entries(r)) {
    const vsNaive = `${(naive / medianMs).toFixed(2)}× faster`;
    const vsTf = tfjs ? `${(tfjs / medianMs).toFixed(2)}×` : '–';
    lines.push(`| ${name} | ${medianMs.toFixed(1)} | ${name.startsWith('naive') ? '1×' : vsNaive} | ${vsTf} |`);
  }
  return lines.join('\n');
}

const out = { size: SIZE, repeats: REPEATS, date: new Date().toISOString(), runs: [] };
if (!browserOnly) out.runs.push(await nodeRun());
if (!nodeOnly) out.runs.push(await browserRun());
for (const run of out.runs) console.log(`${table(run)}\n`);
console.log(`medians of ${REPEATS} interleaved repeats after a warm-up; every variant uploads A and B, multiplies and reads C back unless marked resident.`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(out, null, 2));
