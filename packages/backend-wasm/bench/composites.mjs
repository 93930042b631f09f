// This backend's own optional kernels against core's composites of them, run
// on this backend's other kernels: for each optional kernel WASM_KERNELS has,
// the same call through this package's implementation and on a backend
// defined without that kernel (same storage, same inputs). Where the kernel
// picks by shape (conv2dBackpropInput, avgPoolGrad), "own" is its
// implementation forced and the last column says which one the kernel runs.
// Medians of interleaved repeats; the outputs are checked to agree first.
// Build first:
//
//   npm run build -w @polytensor/core -w @polytensor/backend-wasm
//   node packages/backend-wasm/bench/composites.mjs [--quick] [--only=name,…]
import { computeConv2DInfo, computePool2DInfo, defineBackend } from '@polytensor/core';
import { WASM_KERNELS, WasmStore } from '../dist/index.js';
import { AVG_POOL_GRAD_COMPOSITE_FROM, avgPoolGrad } from '../dist/kernels/avg_pool_grad.js';
import { conv2dBackpropInput, xnnpackBackpropInput } from '../dist/kernels/conv2d_backprop_input.js';
import { loadRuntime } from '../dist/load.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');

const store = new WasmStore(await loadRuntime());
// The kernels that pick by shape, forced onto this package's implementation.
const forced = {
  conv2dBackpropInput: (s, dy, f, info) => s.run(() => conv2dBackpropInput(s.rt, s.input(dy, 'dy'), s.input(f, 'f'), info)),
  avgPoolGrad: (s, dy, info) => s.run(() => avgPoolGrad(s.rt, s.input(dy, 'dy'), info)),
};
const own = defineBackend({ name: 'wasm', storage: store, kernels: { ...WASM_KERNELS, ...forced } });
store.bind(own.kernels);
const picks = {
  conv2dBackpropInput: (_dy, _f, info) => (xnnpackBackpropInput(info) ? 'own' : 'composite'),
  avgPoolGrad: (_dy, info) => (info.inShape.reduce((a, b) => a * b, 1) < AVG_POOL_GRAD_COMPOSITE_FROM ? 'own' : 'composite'),
};
const without = (name) => {
  const { [name]: _dropped, ...rest } = WASM_KERNELS;
  return defineBackend({ name: `wasm-without-${name}`, storage: store, kernels: rest });
};

let seed = 1;
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
const f32 = (shape) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dataId: store.write(Float32Array.from({ length: n }, rnd), shape, 'float32'), shape, dtype: 'float32' };
};
const i32 = (values, shape) => ({ dataId: store.write(Int32Array.from(values), shape, 'int32'), shape, dtype: 'int32' });

function agree(a, b, what) {
  const x = store.readSync(a.dataId);
  const y = store.readSync(b.dataId);
  let scale = 0;
  let err = 0;
  for (let i = 0; i < x.length; i++) {
    scale = Math.max(scale, Math.abs(y[i]));
    err = Math.max(err, Math.abs(x[i] - y[i]));
  }
  if (x.length !== y.length || !(err <= 1e-4 * Math.max(scale, 1))) throw new Error(`${what}: outputs differ (worst ${err}, scale ${scale})`);
}

function time(fn, repeats) {
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) store.disposeData(fn().dataId);
  return (performance.now() - t0) / repeats;
}

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

const conv = (x, f, s = 1) => computeConv2DInfo('bench', x, f, s, 'same');
const pool = (x, p) => computePool2DInfo('bench', x, p, p, 'valid');
const E3 = [
  ['E3 conv1 [50,28,28,1]→64', [50, 28, 28, 1], [3, 3, 1, 64]],
  ['E3 conv2 [50,28,28,64]→64', [50, 28, 28, 64], [3, 3, 64, 64]],
  ['E3 conv3 [50,14,14,64]→32', [50, 14, 14, 64], [3, 3, 64, 32]],
  ['E3 conv4 [50,14,14,32]→32', [50, 14, 14, 32], [3, 3, 32, 32]],
  ['5×5 stride 2 [8,32,32,16]→32', [8, 32, 32, 16], [5, 5, 16, 32], 2],
];

/** [kernel, label, () => args] */
const cases = [];
for (const [label, xs, fs, s] of E3) {
  const info = conv(xs, fs, s);
  cases.push(['conv2d', label, () => [f32(xs), f32(fs), info]]);
  cases.push(['conv2dBackpropInput', label, () => [f32(info.outShape), f32(fs), info]]);
  cases.push(['conv2dBackpropFilter', label, () => [f32(xs), f32(info.outShape), info]]);
}
// conv2dBackpropInput: where XNNPACK's convolution loses (strides, few input channels)
for (const [s, k, ci, co] of [[1, 3, 1, 64], [1, 5, 1, 16], [1, 3, 3, 16], [1, 3, 3, 64], [1, 3, 8, 64], [1, 1, 1, 64], [2, 1, 64, 64], [2, 3, 8, 16], [2, 3, 64, 64]]) {
  const xs = [16, 28, 28, ci];
  const fs = [k, k, ci, co];
  const info = conv(xs, fs, s);
  cases.push(['conv2dBackpropInput', `${k}×${k} stride ${s} [16,28,28,${ci}]→${co}`, () => [f32(info.outShape), f32(fs), info]]);
}
// avgPoolGrad: tfjs's loop against the composite over sizes and overlaps
for (const [p, s, pad] of [[2, 2, 'valid'], [3, 1, 'same'], [3, 2, 'same']]) {
  for (const [h, c] of [[28, 64], [14, 32], [8, 8]]) {
    const info = computePool2DInfo('bench', [16, h, h, c], p, s, pad);
    cases.push(['avgPoolGrad', `${p}×${p} stride ${s} ${pad} [16,${h},${h},${c}]`, () => [f32(info.outShape), info]]);
  }
}
for (const [label, xs] of [['E3 pool1 [50,28,28,64] 2×2', [50, 28, 28, 64]], ['E3 pool2 [50,14,14,32] 2×2', [50, 14, 14, 32]]]) {
  const info = pool(xs, 2);
  cases.push(['maxPool', label, () => [f32(xs), info]]);
  cases.push(['avgPool', label, () => [f32(xs), info]]);
  cases.push(['maxPoolGrad', label, () => [f32(info.outShape), f32(xs), info]]);
  cases.push(['avgPoolGrad', label, () => [f32(info.outShape), info]]);
}
for (const shape of [[50, 10], [256, 1000]]) {
  const label = `[${shape}]`;
  cases.push(['softmax', label, () => [f32(shape)]]);
  cases.push(['logSoftmax', label, () => [f32(shape)]]);
  cases.push(['argReduce', `argMax ${label}`, () => ['argMax', f32(shape), 1]]);
}
cases.push(['pad', '[50,28,28,64] +1 on H, W', () => [f32([50, 28, 28, 64]), [[0, 0], [1, 1], [1, 1], [0, 0]], 0]]);
cases.push(['oneHot', '50 labels, depth 10', () => [i32(Array.from({ length: 50 }, (_, i) => i % 10), [50]), 10, 1, 0]]);
cases.push(['oneHot', '4096 labels, depth 1000', () => [i32(Array.from({ length: 4096 }, (_, i) => (i * 7) % 1000), [4096]), 1000, 1, 0]]);
cases.push(['fusedMatMul', 'E3 dense [50,1568]·[1568,256] + bias, relu', () => [f32([50, 1568]), f32([1568, 256]), f32([256]), 'relu', false, false]]);
cases.push(['fusedMatMul', 'E1 [64,784]·[784,64] + bias, relu', () => [f32([64, 784]), f32([784, 64]), f32([64]), 'relu', false, false]]);

console.log('| kernel | case | own | composite | composite / own | runs |\n|---|---|---|---|---|---|');
for (const [kernel, label, make] of cases) {
  if (only && !only.includes(kernel)) continue;
  const args = make();
  const composite = without(kernel);
  const a = own.kernels[kernel](...args);
  const b = composite.kernels[kernel](...args);
  agree(a, b, `${kernel} ${label}`);
  store.disposeData(a.dataId);
  store.disposeData(b.dataId);
  // repeats so one measurement takes ~20 ms
  const probe = Math.max(time(() => own.kernels[kernel](...args), 1), time(() => composite.kernels[kernel](...args), 1));
  const repeats = Math.max(1, Math.min(200, Math.round(20 / Math.max(probe, 0.01))));
  const ours = [];
  const theirs = [];
  for (let r = 0; r < (quick ? 3 : 7); r++) {
    ours.push(time(() => own.kernels[kernel](...args), repeats));
    theirs.push(time(() => composite.kernels[kernel](...args), repeats));
  }
  for (const arg of args) if (arg && typeof arg === 'object' && 'dataId' in arg) store.disposeData(arg.dataId);
  const mOurs = median(ours);
  const mTheirs = median(theirs);
  const runs = picks[kernel]?.(...args) ?? 'own';
  console.log(`| ${kernel} | ${label} | ${fmt(mOurs)} | ${fmt(mTheirs)} | ${(mTheirs / mOurs).toFixed(2)}× | ${runs} |`);
}
if (store.numDataIds() !== 0) throw new Error(`leaked ${store.numDataIds()} buffers`);

function fmt(ms) {
  return ms >= 1 ? `${ms.toFixed(ms >= 100 ? 0 : 1)} ms` : `${(ms * 1000).toFixed(0)} µs`;
}
