// The seed CNN's inference (batch 100, the bench's cnn-infer) on one build of
// this package and on ONNX Runtime node (CPU execution provider, the same
// model exported with @polytensor/onnx), interleaved in one process: median
// and minimum wall time, and the CPU time per run of the calling thread and
// of all threads (/proc/self/task/*/schedstat, ns). Run it alternately on two
// builds to compare them at the same load: e.g. a build of an earlier commit's
// src/ into dist-base/ (`tsc -p tsconfig.json --outDir dist-base` with that
// src checked out; it finds its .wasm files in dist/wasm), then
//
//   node packages/backend-wasm/scripts/infer-ab.mjs dist 2 25
//   node packages/backend-wasm/scripts/infer-ab.mjs dist-base 2 25
//
// (Linux; after npm run build and the bench's build, whose onnxruntime-node it loads).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as pt from '@polytensor/core';
const dir = process.argv[2];
const threads = Number(process.argv[3]);
const rounds = Number(process.argv[4] ?? 20);
const { WASM_KERNELS, WASM_NUMERICS } = await import(`../${dir}/backend.js`);
const { loadRuntime } = await import(`../${dir}/load.js`);
const { WasmStore } = await import(`../${dir}/store.js`);
const rt = await loadRuntime(threads);
const storage = new WasmStore(rt);
const backend = pt.defineBackend({ name: 'w', storage, numerics: WASM_NUMERICS, kernels: WASM_KERNELS, dispose: () => storage.clear() });
storage.bind(backend.kernels);
pt.registerBackend('w', () => backend, -1);
await pt.setBackend('w');
pt.setSeed(1);
const { seedCnn } = await import('@polytensor/models');
const model = seedCnn();
model.build([null, 28, 28, 1]);
const x = new Float32Array(100 * 784).map((_, i) => ((i * 7919) % 997) / 997);
const xt = pt.tensor(x, [100, 28, 28, 1]);
const ours = () => {
  const y = model.predict(xt, { batchSize: 100 });
  const o = y.dataSync();
  y.dispose();
  return o;
};
const require = createRequire(new URL('../../../apps/bench/package.json', import.meta.url));
const ortNode = require('onnxruntime-node');
const { exportOnnx } = await import('@polytensor/onnx');
const session = await ortNode.InferenceSession.create(exportOnnx(model), { executionProviders: ['cpu'] });
const feeds = { [session.inputNames[0]]: new ortNode.Tensor('float32', x, [100, 28, 28, 1]) };
const ort = async () => (await session.run(feeds))[session.outputNames[0]].data;
const a = ours();
const b = await ort();
let md = 0;
for (let i = 0; i < a.length; i++) md = Math.max(md, Math.abs(a[i] - b[i]));
const cpuByThread = () =>
  new Map(
    readdirSync('/proc/self/task').map((tid) => {
      try {
        return [tid, Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6];
      } catch {
        return [tid, 0];
      }
    }),
  );
const runs = { wasm: ours, ort };
const stats = Object.fromEntries(Object.keys(runs).map((k) => [k, { wall: [], main: 0, all: 0, n: 0 }]));
for (let i = 0; i < 3; i++) {
  ours();
  await ort();
}
const l0 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
for (let r = 0; r < rounds; r++)
  for (const [name, f] of r % 2 ? Object.entries(runs) : Object.entries(runs).reverse()) {
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
    await new Promise((done) => setTimeout(done, name === 'ort' ? 200 : 20));
  }
const l1 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const med = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];
const line = (name) => {
  const s = stats[name];
  return `${name} wall med ${med(s.wall).toFixed(1)} min ${Math.min(...s.wall).toFixed(1)} | calling ${(s.main / s.n).toFixed(1)} all ${(s.all / s.n).toFixed(1)}`;
};
console.log(
  `${dir}@${threads} rounds ${rounds} load ${l0}→${l1} maxdiff vs ort ${md.toExponential(1)} :: ${line('wasm')} :: ${line('ort')} :: ratio(med) ${(med(stats.wasm.wall) / med(stats.ort.wall)).toFixed(2)}`,
);
process.exit(0);
