// The two filter-gradient paths on one geometry (built dist/): their max difference, then CPU time of
// each beside the forward conv, interleaved. Usage: node scripts/filter-grad-paths.mjs [b,h,w,ci,co,f[,stride,pad,dilation]] [rounds]
import { loadRuntime } from '../dist/load.js';
import { byConvolution } from '../dist/kernels/conv2d_backprop_filter.js';
import { bySimdTiles, filterGradTiles } from '../dist/kernels/filter_grad_simd.js';
import { conv2d } from '../dist/kernels/conv2d.js';
import { computeConv2DInfo } from '@polytensor/core';
const rt = await loadRuntime();
const [b, h, w, ci, co, f, stride = 1, pad = 'same', dil = 1] = (process.argv[2] ?? '50,28,28,64,64,3').split(',').map((v) => (Number.isNaN(+v) ? v : +v));
const info = computeConv2DInfo('t', [b, h, w, ci], [f, f, ci, co], stride, pad, dil);
const mk = (shape) => {
  const t = rt.empty(shape, 'float32');
  const a = rt.f32(t.data);
  for (let i = 0; i < a.length; i++) a[i] = Math.random() - 0.5;
  return t;
};
const x = mk([b, h, w, ci]),
  dy = mk(info.outShape),
  filt = mk([f, f, ci, co]);
const tiles = filterGradTiles(rt);
const ref = byConvolution(rt, x, dy, info),
  mine = bySimdTiles(rt, tiles, x, dy, info);
const r = rt.f32(ref.data),
  m = rt.f32(mine.data);
let md = 0,
  mx = 0;
for (let i = 0; i < r.length; i++) {
  md = Math.max(md, Math.abs(r[i] - m[i]));
  mx = Math.max(mx, Math.abs(r[i]));
}
console.log(`max diff ${md.toExponential(2)} of max ${mx.toFixed(2)}`);
const cases = { fwd: () => conv2d(rt, x, filt, info), byConv: () => byConvolution(rt, x, dy, info), simd: () => bySimdTiles(rt, tiles, x, dy, info) };
const ts = Object.fromEntries(Object.keys(cases).map((c) => [c, []]));
for (let i = 0; i < Number(process.argv[3] ?? 7); i++)
  for (const [c, fn] of Object.entries(cases)) {
    const t0 = process.cpuUsage();
    rt.dispose(fn());
    const d = process.cpuUsage(t0);
    ts[c].push((d.user + d.system) / 1000);
  }
for (const [c, a] of Object.entries(ts)) {
  a.sort((p, q) => p - q);
  console.log(c.padEnd(8), 'cpu ms min', a[0].toFixed(1).padStart(6), 'med', a[a.length >> 1].toFixed(1).padStart(6));
}
console.log('loadavg', (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim());
