// The seed CNN's inference (batch 100, the bench's cnn-infer) on this package's
// kernels now and as they were before issue 20's inference work, in one
// process on one runtime, interleaved (built dist/; Linux):
//
//   now:    WASM_KERNELS (fusedConv2d on XNNPACK FusedConv2D or Winograd F(2×2, 3×3)
//           or F(4×4, 3×3), SIMD relu)
//   F2:     the same, but Winograd F(2×2, 3×3) where now takes F(4×4, 3×3)
//   prev:   as before F(4×4): F(2×2) with its products as XNNPACK ops, where
//           ci·co/(ci + co) ≥ 24, XNNPACK's direct convolution elsewhere
//   before: fusedConv2d as core's composite, conv2d by XNNPACK's direct
//           convolution only, relu by tfjs's Relu kernel
//
// and ONNX Runtime (onnxruntime-node, CPU execution provider) on the same model
// exported with @polytensor/onnx. For each: the median wall time and the
// calling thread's and all threads' CPU time per run (from /proc/self/task):
// on a machine busy with other work wall times say little, and on idle cores
// a run takes about its busiest thread's CPU time.
//
//   node packages/backend-wasm/scripts/infer-paths.mjs [threads=2] [rounds=10]
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as pt from '@polytensor/core';
import { WASM_KERNELS, WASM_NUMERICS } from '../dist/backend.js';
import { xnnConv } from '../dist/kernels/conv_util.js';
import { unaryKernel } from '../dist/kernels/unary.js';
import { loadRuntime } from '../dist/load.js';
import { winogradApplies, winogradConv2d } from '../dist/kernels/winograd_conv2d.js';
import { WasmStore } from '../dist/store.js';

const threads = Number(process.argv[2] ?? 2);
const rounds = Number(process.argv[3] ?? 10);
const rt = await loadRuntime(threads);

const before = {
  ...WASM_KERNELS,
  conv2d: (s, x, f, info) => s.run(() => xnnConv(s.rt, s.input(x, 'conv2d'), s.input(f, 'conv2d'), info)),
  unary: (s, op, x) => {
    if (op !== 'relu' || x.dtype !== 'float32') return unaryKernel(s, op, x);
    return s.run(() => {
      const t = s.input(x, 'unary');
      const out = s.rt.empty(t.shape, 'float32');
      s.rt.m._Relu(t.data.id, 0, out.data.id);
      return out;
    });
  },
};
delete before.fusedConv2d;
/** fusedConv2d + relu by XNNPACK's direct convolution, as fused_conv2d.ts runs it where Winograd does not. */
function directRelu(rt, x, f, b, info) {
  const out = rt.empty(info.outShape, 'float32');
  const [batch, h, w, ci] = x.shape;
  rt.m._FusedConv2D(
    x.data.id,
    batch,
    h,
    w,
    f.data.id,
    3,
    3,
    b ? b.data.id : 0,
    info.padTop,
    info.padRight,
    info.padBottom,
    info.padLeft,
    0,
    1,
    1,
    1,
    1,
    ci,
    info.outChannels,
    0,
    0,
    0,
    out.data.id,
  );
  rt.m._Relu(out.data.id, 0, out.data.id);
  return out;
}
/** fusedConv2d with relu by Winograd of the given tile and products where `takes` says, else directly (3×3 stride 1 only: the seed CNN's). */
const variant = (takes, tile, products) => ({
  ...WASM_KERNELS,
  fusedConv2d: (s, x, f, b, act, info) => {
    if (act !== 'relu' || info.filterHeight !== 3 || info.strideHeight !== 1 || !winogradApplies(s.rt, info))
      return WASM_KERNELS.fusedConv2d(s, x, f, b, act, info);
    return s.run(() => {
      const [xt, ft, bt] = [s.input(x, 'v'), s.input(f, 'v'), b ? s.input(b, 'v') : null];
      if (!takes(info)) return directRelu(s.rt, xt, ft, bt, info);
      const y = winogradConv2d(s.rt, xt, ft, bt, true, info, undefined, tile(info), products);
      if (!y) throw new Error('infer-paths: Winograd gave up on a non-finite result');
      return y;
    });
  },
});
const ratio = (info) => (info.inChannels * info.outChannels) / (info.inChannels + info.outChannels);
// F(2×2) wherever Winograd runs now
const f2 = variant(
  () => true,
  () => 2,
  'own',
);
// as this package was before F(4×4) (issue 20's first Winograd): F(2×2) with XNNPACK products where ci·co/(ci + co) ≥ 24
const prev = variant(
  (info) => ratio(info) >= 24,
  () => 2,
  'xnnpack',
);
for (const [name, kernels] of [
  ['now', WASM_KERNELS],
  ['F2', f2],
  ['prev', prev],
  ['before', before],
]) {
  const storage = new WasmStore(rt);
  const backend = pt.defineBackend({ name: `wasm-${name}`, storage, numerics: WASM_NUMERICS, kernels, dispose: () => storage.clear() });
  storage.bind(backend.kernels);
  pt.registerBackend(`wasm-${name}`, () => backend, -1);
}

const x = new Float32Array(100 * 784).map((_, i) => ((i * 7919) % 997) / 997);
const models = {};
for (const name of ['now', 'F2', 'prev', 'before']) {
  await pt.setBackend(`wasm-${name}`);
  pt.setSeed(1);
  const { seedCnn } = await import('@polytensor/models');
  const model = seedCnn();
  model.build([null, 28, 28, 1]); // draws the initial weights now, from seed 1
  const xt = pt.tensor(x, [100, 28, 28, 1]);
  models[name] = () => {
    pt.setBackendSync(`wasm-${name}`);
    const y = model.predict(xt, { batchSize: 100 });
    const out = y.dataSync();
    y.dispose();
    return out;
  };
}
let ort = null;
try {
  const require = createRequire(new URL('../../../apps/bench/package.json', import.meta.url));
  const ortNode = require('onnxruntime-node');
  const { exportOnnx } = await import('@polytensor/onnx');
  await pt.setBackend('wasm-now');
  pt.setSeed(1);
  const { seedCnn } = await import('@polytensor/models');
  const m = seedCnn();
  m.build([null, 28, 28, 1]);
  const session = await ortNode.InferenceSession.create(exportOnnx(m), { executionProviders: ['cpu'] });
  const feeds = { [session.inputNames[0]]: new ortNode.Tensor('float32', x, [100, 28, 28, 1]) };
  ort = async () => (await session.run(feeds))[session.outputNames[0]].data;
} catch (e) {
  console.log(`onnxruntime-node not measured: ${e.message}`);
}

/** CPU ms of each thread of this process (/proc counts 10 ms ticks). */
const cpuByThread = () =>
  new Map(
    readdirSync('/proc/self/task').map((tid) => {
      const f = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      return [tid, (Number(f[11]) + Number(f[12])) * 10];
    }),
  );
const runs = { now: models.now, F2: models.F2, prev: models.prev, before: models.before, ...(ort ? { 'onnxruntime-node': ort } : {}) };
const stats = Object.fromEntries(Object.keys(runs).map((k) => [k, { wall: [], main: 0, all: 0, n: 0 }]));
const a = models.now();
const b = models.before();
const maxDiff = (p) => p.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const worst = maxDiff(a);
const worstF2 = maxDiff(models.F2());
const worstPrev = maxDiff(models.prev());
for (const f of Object.values(runs)) for (let i = 0; i < 2; i++) await f(); // warm-up
const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const order = Object.entries(runs);
let seed = 12345;
for (let r = 0; r < rounds; r++) {
  // a fresh order each round (seeded shuffle), and a pause after ONNX Runtime: its pool's threads spin for a while after a run,
  // taking the cores from whatever runs next (rotating a fixed order would put the same run after it every time)
  const shuffled = order.slice();
  for (let i = shuffled.length - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const j = seed % (i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  for (const [name, f] of shuffled) {
    const c0 = cpuByThread();
    const t0 = performance.now();
    await f();
    const s = stats[name];
    s.wall.push(performance.now() - t0);
    for (const [tid, ms] of cpuByThread()) {
      const d = ms - (c0.get(tid) ?? 0);
      s.all += d;
      if (tid === String(process.pid)) s.main += d;
    }
    s.n++;
    if (name === 'onnxruntime-node') await new Promise((done) => setTimeout(done, 200));
  }
}
const loadAfter = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const med = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];
console.log(
  `wasm ${rt.threads} thread(s), ${rounds} interleaved rounds, load average ${loadBefore} → ${loadAfter}; max |difference| against before: now ${worst.toExponential(2)}, F2 ${worstF2.toExponential(2)}, prev ${worstPrev.toExponential(2)}`,
);
for (const [name, s] of Object.entries(stats))
  console.log(
    `${name.padEnd(17)} wall median ${med(s.wall).toFixed(1).padStart(6)} ms   CPU per run: calling thread ${(s.main / s.n).toFixed(1).padStart(6)} ms, all threads ${(s.all / s.n).toFixed(1).padStart(6)} ms`,
  );
