// Where one training step of the seed CNN (batch 50, Adam, `fit`, as the
// bench's cnn-train) spends the calling thread's time on 1 and 2 threads,
// kernel call site by call site, the two thread counts interleaved step by
// step. Times are the calling thread's CPU time (Linux
// /proc/thread-self/schedstat, in ns), means over the steps (it advances in scheduler ticks, so single short kernels read 0 or a tick): on idle cores
// a step takes about that long, since split kernels give the other share to
// workers running beside it, and a loaded machine (where wall times say
// little) changes it less. Per step: the calling thread's CPU time in all, and
// outside the kernels (core's JavaScript: autodiff, dispatch, the host's
// random numbers), and the wall time for reference.
//   node packages/backend-wasm/scripts/cnn-step-sites.mjs [steps] [rows]   (after npm run build)
import { readFileSync } from 'node:fs';
import * as pt from '@polytensor/core';
import { createWasmBackend } from '@polytensor/backend-wasm';
import { seedCnn } from '@polytensor/models';

const cpu = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
const steps = Number(process.argv[2] ?? 20);
const rows = Number(process.argv[3] ?? 25);
const counts = [1, 2];
const sites = new Map(); // "t|kernel|shapes" → per-step ms
const isInfo = (a) => typeof a === 'object' && a !== null && 'dataId' in a && 'shape' in a;
const shapesOf = (args) =>
  args
    .flatMap((a) => (Array.isArray(a) ? a.filter(isInfo) : isInfo(a) ? [a] : []))
    .map((t) => `[${t.shape.join(',')}]`)
    .join(' ');
let stepSites = new Map();
const record = (kernel, args, ms) => {
  const key = `${kernel} ${shapesOf(args)}`;
  stepSites.set(key, (stepSites.get(key) ?? 0) + ms);
};
function timed(base) {
  const kernels = {};
  for (const k of pt.KERNEL_NAMES) {
    const f = base.kernels[k];
    kernels[k] = (...args) => {
      const t0 = cpu();
      const out = f(...args);
      record(k === 'binary' || k === 'unary' || k === 'reduce' ? `${k}:${args[0]}` : k, args, cpu() - t0);
      return out;
    };
  }
  const update = base.optimizer;
  return {
    ...base,
    name: `${base.name}+t`,
    kernels,
    optimizer: update && {
      optimizerUpdate(u, value, grad, slots) {
        const t0 = cpu();
        const out = update.optimizerUpdate(u, value, grad, slots);
        record(`optimizerUpdate:${u.kind}`, [value], cpu() - t0);
        return out;
      },
    },
    write: (v, s, d) => base.write(v, s, d),
    read: (id) => base.read(id),
    readSync: (id) => base.readSync(id),
    disposeData: (id) => base.disposeData(id),
    numDataIds: () => base.numDataIds(),
    memory: () => base.memory(),
    dispose: () => {},
  };
}
const runs = {};
for (const t of counts) {
  const be = await createWasmBackend({ threads: t });
  pt.registerBackend(`cnn-${t}`, () => timed(be), -1);
  await pt.setBackend(`cnn-${t}`);
  pt.setSeed(1);
  const model = seedCnn();
  model.compile({ optimizer: 'adam', learningRate: 0.001, loss: 'sparseCategoricalCrossentropy' });
  const x = pt.keep(
    pt.tensor(
      new Float32Array(50 * 784).map((_, i) => (i % 97) / 97),
      [50, 28, 28, 1],
    ),
  );
  const y = pt.keep(
    pt.tensor(
      Int32Array.from({ length: 50 }, (_, i) => i % 10),
      [50],
      'int32',
    ),
  );
  runs[t] = { run: () => model.fit(x, y, { epochs: 1, batchSize: 50, verbose: 0 }), wall: [], cpu: [], rest: [] };
}
for (let s = 0; s < steps + 2; s++) {
  for (const t of counts) {
    await pt.setBackend(`cnn-${t}`);
    stepSites = new Map();
    const t0 = performance.now();
    const c0 = cpu();
    await runs[t].run();
    const used = cpu() - c0;
    const wall = performance.now() - t0;
    if (s < 2) continue; // warm-up: packed weights, JIT
    let inKernels = 0;
    for (const [k, ms] of stepSites) {
      inKernels += ms;
      const key = `${t}|${k}`;
      if (!sites.has(key)) sites.set(key, []);
      sites.get(key).push(ms);
    }
    runs[t].wall.push(wall);
    runs[t].cpu.push(used);
    runs[t].rest.push(used - inKernels);
  }
}
// Means: the kernel times come in scheduler ticks, so a median of a short kernel is 0 or a tick.
const med = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const min = (xs) => Math.min(...xs);
const f = (x) => (x ?? NaN).toFixed(2).padStart(8);
const names = [...new Set([...sites.keys()].map((k) => k.slice(k.indexOf('|') + 1)))];
names.sort((a, b) => med(sites.get(`1|${b}`) ?? [0]) - med(sites.get(`1|${a}`) ?? [0]));
console.log(`${'calling thread CPU, ms per step'.padEnd(64)}  mean@1   min@1  mean@2   min@2`);
for (const n of names.slice(0, rows)) {
  const [a, b] = counts.map((t) => sites.get(`${t}|${n}`) ?? [NaN]);
  console.log(`${n.slice(0, 64).padEnd(64)}${f(med(a))}${f(min(a))}${f(med(b))}${f(min(b))}`);
}
for (const label of ['cpu', 'rest', 'wall']) {
  console.log(`${`step ${label}`.padEnd(64)}${f(med(runs[1][label]))}${f(min(runs[1][label]))}${f(med(runs[2][label]))}${f(min(runs[2][label]))}`);
}
console.log(`${steps} steps each, interleaved; load average ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
process.exit(0); // a measuring script: the models are not disposed
