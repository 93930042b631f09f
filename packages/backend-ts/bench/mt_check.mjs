// Multi-threaded vs single-threaded GEMM: timing and bit-identity.
//   node packages/backend-ts/bench/mt_check.mjs [size] [reps]
import * as pt from '@polytensor/core';
import * as ts from '../dist/index.js';
import { performance } from 'node:perf_hooks';
await pt.setBackend('ts');
const size = Number(process.argv[2] ?? 512);
const reps = Number(process.argv[3] ?? 10);
console.log('threads ready:', await ts.threadsReady());
const a = pt.randomNormal([size, size]), b = pt.randomNormal([size, size]);
const run = () => { const t0 = performance.now(); const c = pt.matMul(a, b); const d = c.dataSync(); c.dispose(); return [performance.now() - t0, d]; };
const times = (n) => { const ts_ = []; let d; for (let i = 0; i < n; i++) { const [t, dd] = run(); ts_.push(t); d = dd; } return [ts_, d]; };
const [tMT, dMT] = times(reps);
ts.setThreads(1);
const [tST, dST] = times(reps);
let same = dMT.length === dST.length; for (let i = 0; i < dMT.length; i++) if (!Object.is(dMT[i], dST[i])) { same = false; break; }
const f = (x) => x.map((t) => t.toFixed(0)).join(' ');
console.log(`MT [${f(tMT)}] ms\nST [${f(tST)}] ms\nbit-identical ${same}`);
