// One Adam step on a [1568, 256] variable (the seed CNN's dense kernel) and on a [3, 3, 64, 64] one,
// fused (the optimizer capability) against core's composite on the same kernels: CPU time, medians.
import { createWasmBackend, WASM_KERNELS, WasmStore } from '@polytensor/backend-wasm';
import * as pt from '@polytensor/core';
import { readFileSync } from 'node:fs';
import { loadRuntime } from '../dist/load.js';

const fused = await createWasmBackend();
const store = new WasmStore(await loadRuntime());
const plain = pt.defineBackend({ name: 'wasm-composite', storage: store, kernels: WASM_KERNELS, dispose: () => store.clear() });
store.bind(plain.kernels);
pt.registerBackend('wasm-fused', () => fused, -1);
pt.registerBackend('wasm-composite', () => plain, -2);
const setups = {};
for (const be of ['wasm-fused', 'wasm-composite']) {
  pt.setBackendSync(be);
  setups[be] = [
    [1568, 256],
    [3, 3, 64, 64],
  ].map((shape) => {
    const v = pt.variable(pt.randomUniform(shape, -1, 1, 'float32', 1), true, `${be}-${shape.join('x')}`);
    const g = pt.randomUniform(shape, -1, 1, 'float32', 2);
    return { shape, v, g, opt: new pt.Adam(0.001) };
  });
}
const times = {};
for (let r = 0; r < 25; r++) {
  for (const be of ['wasm-fused', 'wasm-composite']) {
    pt.setBackendSync(be);
    for (const s of setups[be]) {
      const c0 = process.cpuUsage();
      s.opt.applyGradients({ [s.v.name]: s.g }, [s.v]);
      s.v.dataSync();
      const c = process.cpuUsage(c0);
      const key = `${s.shape.join('×')} ${be}`;
      if (r >= 3) (times[key] ??= []).push((c.user + c.system) / 1000);
    }
  }
}
for (const [k, a] of Object.entries(times)) console.log(k.padEnd(28), 'cpu ms median', a.sort((p, q) => p - q)[a.length >> 1].toFixed(2));
console.log('loadavg', readFileSync('/proc/loadavg', 'utf8').trim());
