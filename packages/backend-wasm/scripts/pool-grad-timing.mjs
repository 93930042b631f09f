// avgPoolGrad at the seed CNN's pools (2×2 stride 2 on [50,28,28,64] and [50,14,14,32]): this
// package's kernel against core's composite on the same kernels, CPU time, medians; outputs compared first.
import { WASM_KERNELS, WasmStore } from '@polytensor/backend-wasm';
import { computePool2DInfo, defineBackend } from '@polytensor/core';
import { readFileSync } from 'node:fs';
import { loadRuntime } from '../dist/load.js';

const store = new WasmStore(await loadRuntime());
const be = defineBackend({ name: 'w', storage: store, kernels: WASM_KERNELS, dispose: () => store.clear() });
store.bind(be.kernels);
for (const xs of [
  [50, 28, 28, 64],
  [50, 14, 14, 32],
]) {
  const info = computePool2DInfo('t', xs, 2, 2, 'valid');
  const v = Float32Array.from({ length: info.outShape.reduce((a, b) => a * b, 1) }, () => Math.random() - 0.5);
  const dy = { dataId: store.write(v, info.outShape, 'float32'), shape: info.outShape, dtype: 'float32' };
  const run = { own: () => be.kernels.avgPoolGrad(dy, info), composite: () => store.composite('avgPoolGrad', dy, info) };
  const a = store.readSync(run.own().dataId),
    b = store.readSync(run.composite().dataId);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  const t = { own: [], composite: [] };
  for (let r = 0; r < 15; r++)
    for (const k of ['own', 'composite']) {
      const c0 = process.cpuUsage();
      const o = run[k]();
      const c = process.cpuUsage(c0);
      store.disposeData(o.dataId);
      t[k].push((c.user + c.system) / 1000);
    }
  const med = (x) => x.sort((p, q) => p - q)[x.length >> 1].toFixed(2);
  console.log(`[${xs}] max diff ${d}: own ${med(t.own)} ms, composite ${med(t.composite)} ms (cpu)`);
}
console.log('loadavg', readFileSync('/proc/loadavg', 'utf8').trim());
