// conv2d forward and its two gradients through core's public ops on the wasm
// backend, interleaved, medians of N rounds: wall time and CPU time (the CPU
// time is what a loaded machine distorts least; the kernels are single-threaded).
// Usage: node scripts/conv-timing.mjs [rounds] [b,h,w,ci,co,f]   (default: the seed CNN's big layer)
import '@polytensor/backend-wasm';
import * as pt from '@polytensor/core';
import { readFileSync } from 'node:fs';

await pt.setBackend('wasm');
const rounds = Number(process.argv[2] ?? 15);
const [b, h, w, ci, co, f] = (process.argv[3] ?? '50,28,28,64,64,3').split(',').map(Number);
const x = pt.randomUniform([b, h, w, ci], -1, 1, 'float32', 1);
const k = pt.randomUniform([f, f, ci, co], -1, 1, 'float32', 2);
const dy = pt.randomUniform([b, h, w, co], -1, 1, 'float32', 3);
const cases = {
  forward: () => pt.conv2d(x, k, 1, 'same'),
  dFilter: () => pt.conv2dBackpropFilter(x, dy, [f, f, ci, co], 1, 'same'),
  dInput: () => pt.conv2dBackpropInput([b, h, w, ci], dy, k, 1, 'same'),
};
const wall = Object.fromEntries(Object.keys(cases).map((n) => [n, []]));
const cpu = Object.fromEntries(Object.keys(cases).map((n) => [n, []]));
for (let r = 0; r < rounds + 2; r++) {
  for (const [n, fn] of Object.entries(cases)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const y = fn();
    y.dataSync();
    const t = performance.now() - t0;
    const c = process.cpuUsage(c0);
    y.dispose();
    if (r >= 2) {
      wall[n].push(t);
      cpu[n].push((c.user + c.system) / 1000);
    }
  }
}
const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
const gflop = (2 * b * h * w * ci * co * f * f) / 1e9;
console.log(`b${b} ${h}×${w}×${ci}→${co} ${f}×${f} same (${gflop.toFixed(2)} GFLOP), ${rounds} rounds`);
for (const n of Object.keys(cases)) {
  const c = med(cpu[n]);
  console.log(
    `${n.padEnd(8)} wall ${med(wall[n]).toFixed(1).padStart(6)} ms  cpu ${c.toFixed(1).padStart(6)} ms  ${(gflop / (c / 1e3)).toFixed(1)} GFLOP/s (cpu)`,
  );
}
console.log('loadavg', readFileSync('/proc/loadavg', 'utf8').trim());
