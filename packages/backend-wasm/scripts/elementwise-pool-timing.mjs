// Elementwise ops and pooling over the seed CNN's 28×28×64 activations (batch 50) on
// 1 and 2 threads, interleaved: wall time (median, minimum) and the calling thread's CPU
// time (/proc, 10 ms ticks, so many rounds). What xnn_threadpool.ts's PER_ELEMENT and
// elementwise_simd.ts's ELEMENTWISE_WORK were drawn from.
//   SHAPE=50,28,28,64 R=100 node packages/backend-wasm/scripts/elementwise-pool-timing.mjs   (after npm run build)
import { createWasmBackend } from '@polytensor/backend-wasm';
import * as pt from '@polytensor/core';
import { readFileSync } from 'node:fs';
const mainCpu = () => {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
for (const t of [1, 2]) pt.registerBackend(`w${t}`, await createWasmBackend({ threads: t }).then((be) => () => be), -1);
const shape = (process.env.SHAPE ?? '50,28,28,64').split(',').map(Number);
const n = shape.reduce((a, b) => a * b, 1);
const v = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
const xs = {};
for (const t of [1, 2]) {
  pt.setBackendSync(`w${t}`);
  xs[t] = pt.keep(pt.tensor(v, shape));
}
const ops = {
  greater: (x) => pt.greater(x, 0),
  castb2f: (x) => pt.cast(pt.greater(x, 0), 'float32'),
  mul: (x) => pt.mul(x, x),
  relu: (x) => pt.relu(x),
  avgPool: (x) => pt.avgPool(x, 2, 2, 'valid'),
  sum012: (x) => pt.sum(x, [0, 1, 2]),
};
const R = Number(process.env.R ?? 100);
const res = {};
for (let r = 0; r < R + 3; r++)
  for (const [name, f] of Object.entries(ops))
    for (const t of [1, 2]) {
      pt.setBackendSync(`w${t}`);
      const c0 = mainCpu();
      const t0 = performance.now();
      const y = pt.tidy(() => f(xs[t]));
      y.dataSync();
      const w = performance.now() - t0;
      const c = mainCpu() - c0;
      y.dispose();
      if (r < 3) continue;
      const s = (res[`${name}@${t}`] ??= { wall: [], cpu: 0 });
      s.wall.push(w);
      s.cpu += c;
    }
for (const [k, s] of Object.entries(res)) {
  const w = s.wall.sort((a, b) => a - b);
  console.log(k.padEnd(14), 'wall med', w[R >> 1].toFixed(3), 'min', w[0].toFixed(3), 'main cpu', (s.cpu / R).toFixed(3));
}
console.log('loadavg', readFileSync('/proc/loadavg', 'utf8').trim());
process.exit(0);
