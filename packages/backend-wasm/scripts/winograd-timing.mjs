// Winograd F(2×2, 3×3), F(4×4, 3×3) (products by this package's tiles, or
// by XNNPACK: `xnn`) and the direct convolution (XNNPACK's FusedConv2D) on the seed CNN's 3×3 layers, bias + relu, on 1 and 2 threads,
// interleaved; medians of wall time and of the process's CPU time, and the
// mean of the calling thread's CPU time (Linux /proc: 10 ms ticks, so a mean
// over many rounds). On a loaded machine the calling thread's CPU time is the
// steadier figure, and on idle cores close to the wall time.
// Usage: node scripts/winograd-timing.mjs [rounds] [b,h,w,ci,co ...]   (after npm run build)
import { readFileSync } from 'node:fs';
import { computeConv2DInfo } from '@polytensor/core';
import { loadRuntime } from '../dist/load.js';
import { WasmStore } from '../dist/store.js';
import { winogradConv2d } from '../dist/kernels/winograd_conv2d.js';

const rounds = Number(process.argv[2] ?? 10);
const shapes = (process.argv.length > 3 ? process.argv.slice(3) : ['100,28,28,64,64', '100,14,14,64,32', '100,14,14,32,32']).map((s) =>
  s.split(',').map(Number),
);
const mainCpu = () => {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const vals = (n, seed) => {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) out[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return out;
};
const stores = { 1: new WasmStore(await loadRuntime(1)), 2: new WasmStore(await loadRuntime(2)) };

function direct(rt, x, f, b, info) {
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
    b.data.id,
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
    1 /* relu */,
    0,
    0,
    out.data.id,
  );
  return out;
}

for (const [b, h, w, ci, co] of shapes) {
  const info = computeConv2DInfo('timing', [b, h, w, ci], [3, 3, ci, co], 1, 'same', 1);
  const ins = {};
  for (const t of [1, 2]) {
    const s = stores[t];
    const put = (v, shape) => s.input({ dataId: s.write(v, shape, 'float32'), shape, dtype: 'float32' }, 'timing');
    ins[t] = [
      put(vals(b * h * w * ci, 1), [b, h, w, ci]),
      put(
        vals(9 * ci * co, 2).map((v) => (v - 0.5) / 8),
        [3, 3, ci, co],
      ),
      put(vals(co, 3), [co]),
    ];
  }
  const ways = {
    direct: (rt, [x, f, bb]) => direct(rt, x, f, bb, info),
    F2: (rt, [x, f, bb]) => winogradConv2d(rt, x, f, bb, true, info, undefined, 2),
    F4: (rt, [x, f, bb]) => winogradConv2d(rt, x, f, bb, true, info, undefined, 4),
    // the products as XNNPACK fully-connected ops, one fork-join each (as before they moved into the per-image parts)
    'F2 xnn': (rt, [x, f, bb]) => winogradConv2d(rt, x, f, bb, true, info, undefined, 2, 'xnnpack'),
    'F4 xnn': (rt, [x, f, bb]) => winogradConv2d(rt, x, f, bb, true, info, undefined, 4, 'xnnpack'),
  };
  const stats = {};
  for (let r = 0; r < rounds + 1; r++)
    for (const t of [1, 2])
      for (const [name, fn] of Object.entries(ways)) {
        const rt = stores[t].rt;
        const c0 = process.cpuUsage();
        const m0 = mainCpu();
        const t0 = performance.now();
        const y = fn(rt, ins[t]);
        const wall = performance.now() - t0;
        const main = mainCpu() - m0;
        const c = process.cpuUsage(c0);
        rt.dispose(y);
        if (r === 0) continue;
        const k = `${name}@${t}`;
        (stats[k] ??= { wall: [], main: [], cpu: [] }).wall.push(wall);
        stats[k].main.push(main);
        stats[k].cpu.push((c.user + c.system) / 1000);
      }
  const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
  const mean = (a) => a.reduce((p, q) => p + q, 0) / a.length;
  const gflop = (2 * b * h * w * ci * co * 9) / 1e9;
  console.log(`b${b} ${h}×${w}×${ci}→${co} (${gflop.toFixed(2)} GFLOP), ${rounds} rounds, in ms`);
  for (const [k, s] of Object.entries(stats))
    console.log(
      `  ${k.padEnd(11)} wall ${med(s.wall).toFixed(1).padStart(6)}  calling-thread cpu ${mean(s.main).toFixed(1).padStart(6)}  process cpu ${med(s.cpu).toFixed(1).padStart(6)}`,
    );
}
console.log('loadavg', readFileSync('/proc/loadavg', 'utf8').trim());
process.exit(0);
