// What fusing bias and activation into conv2d could save: conv2d alone against core's fusedConv2d
// (conv2d, then the bias add and the relu, each a pass) at the seed CNN's big layer; CPU time, medians.
import '@polytensor/backend-wasm';
import * as pt from '@polytensor/core';
import { readFileSync } from 'node:fs';

await pt.setBackend('wasm');
const x = pt.randomUniform([50, 28, 28, 64], -1, 1, 'float32', 1);
const k = pt.randomUniform([3, 3, 64, 64], -1, 1, 'float32', 2);
const bias = pt.randomUniform([64], -1, 1, 'float32', 3);
const cases = {
  conv2d: () => pt.conv2d(x, k, 1, 'same'),
  'fusedConv2d relu': () => pt.fusedConv2d({ x, filter: k, strides: 1, pad: 'same', bias, activation: 'relu' }),
  'add bias': () => pt.add(x, bias),
  relu: () => pt.relu(x),
};
const cpu = Object.fromEntries(Object.keys(cases).map((n) => [n, []]));
for (let r = 0; r < 14; r++) {
  for (const [n, fn] of Object.entries(cases)) {
    const c0 = process.cpuUsage();
    const y = fn();
    y.dataSync();
    const c = process.cpuUsage(c0);
    y.dispose();
    if (r >= 2) cpu[n].push((c.user + c.system) / 1000);
  }
}
for (const [n, a] of Object.entries(cpu)) console.log(n.padEnd(18), 'cpu ms median', a.sort((p, q) => p - q)[a.length >> 1].toFixed(1));
console.log('loadavg', readFileSync('/proc/loadavg', 'utf8').trim());
