// The gradient kernels this package splits over its heap workers, on 1 and 2
// threads in one process: the same bits on both (checked), then per thread
// count the wall time and each OS thread's CPU time (Linux /proc, 10 ms ticks,
// so many rounds). On a loaded machine wall times mean little; the calling
// thread's CPU time is what a run costs on idle cores when the work is split.
// Usage: node scripts/split-timing.mjs [rounds] [b,h,w,ci,co,f]   (after npm run build)
import { readdirSync, readFileSync } from 'node:fs';
import { createWasmBackend } from '@polytensor/backend-wasm';
import * as pt from '@polytensor/core';

const rounds = Number(process.argv[2] ?? 20);
const [b, h, w, ci, co, f] = (process.argv[3] ?? '50,28,28,64,64,3').split(',').map(Number);
const counts = (process.env.COUNTS ?? '1,2').split(',').map(Number);
for (const t of counts) pt.registerBackend(`wasm-${t}t`, await createWasmBackend({ threads: t }).then((be) => () => be), -1);

const cpuByThread = () =>
  new Map(
    readdirSync('/proc/self/task').map((tid) => {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      return [tid, (Number(fields[11]) + Number(fields[12])) * 10];
    }),
  );
const vals = (n, seed) => {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) out[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31 - 1;
  return out;
};
const xv = vals(b * h * w * ci, 1);
const kv = vals(f * f * ci * co, 2);
const dyv = vals(b * h * w * co, 3);
const cases = {
  dFilter: () => pt.conv2dBackpropFilter(pt.tensor(xv, [b, h, w, ci]), pt.tensor(dyv, [b, h, w, co]), [f, f, ci, co], 1, 'same'),
  dInput: () => pt.conv2dBackpropInput([b, h, w, ci], pt.tensor(dyv, [b, h, w, co]), pt.tensor(kv, [f, f, ci, co]), 1, 'same'),
};
const stats = {};
const first = {};
for (let r = 0; r < rounds + 2; r++) {
  for (const t of counts) {
    pt.setBackendSync(`wasm-${t}t`);
    for (const [n, fn] of Object.entries(cases)) {
      const c0 = cpuByThread();
      const t0 = performance.now();
      const y = pt.tidy(fn);
      const d = y.dataSync();
      const ms = performance.now() - t0;
      const c1 = cpuByThread();
      y.dispose();
      if (r === 0) {
        const bitsOf = (a) => new Uint32Array(a.buffer, a.byteOffset, a.length);
        if (first[n] === undefined) first[n] = d;
        else if (!bitsOf(d).every((v, i) => v === bitsOf(first[n])[i])) throw new Error(`${n}: ${t} threads differ from 1 thread`);
      }
      if (r < 2) continue;
      const s = (stats[`${n}@${t}`] ??= { wall: [], main: 0, other: 0 });
      s.wall.push(ms);
      for (const [tid, v] of c1) {
        const dv = v - (c0.get(tid) ?? 0);
        if (tid === String(process.pid)) s.main += dv;
        else s.other += dv;
      }
    }
  }
}
const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
console.log(`b${b} ${h}×${w}×${ci}→${co} ${f}×${f} same, ${rounds} rounds; 1 and 2 threads give the same bits`);
for (const [k, s] of Object.entries(stats)) {
  console.log(
    `${k.padEnd(10)} wall median ${med(s.wall).toFixed(1).padStart(6)} ms  cpu: calling thread ${(s.main / rounds).toFixed(1).padStart(6)} ms, others ${(s.other / rounds).toFixed(1).padStart(6)} ms`,
  );
}
console.log('loadavg', readFileSync('/proc/loadavg', 'utf8').trim());
