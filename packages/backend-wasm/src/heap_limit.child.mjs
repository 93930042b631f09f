// Run by heap_limit.node.test.ts in a child process (the heap it fills is
// given back when the process ends): fills the wasm heap to its real limit
// through core and through the backend contract, and prints what happened as
// one JSON line on stdout. Imports the built packages (npm run build).
import { conv2d, fill, getBackend, matMul, max, memory, min, pad, registerBackend, setBackend, tensor, tidy } from '@polytensor/core';
import { createWasmBackend } from '@polytensor/backend-wasm';
import { loadRuntime } from '../dist/load.js';

const MiB = 2 ** 20;
const steps = {};
const errorOf = (fn) => {
  try {
    fn();
    return null;
  } catch (e) {
    return { name: e.name, kind: e.kind ?? null, op: e.op ?? null, message: e.message };
  }
};
/** A tensor of `n` float32 values all equal to `v`, made on the heap only (no host array); `seed` holds [v]. */
const constant = (n, seed, v) => pad(seed, [[0, n - 1]], v);
/** Every element of each tensor equals its expected value. */
const intact = (list, values) => list.every((t, i) => tidy(() => min(t).dataSync()[0] === values[i] && max(t).dataSync()[0] === values[i]));

const t0 = Date.now();
await setBackend('wasm');
const a = getBackend();
const raw = Object.getPrototypeOf((await loadRuntime()).m); // the process-wide module every instance runs on
/** The largest block malloc can give now (binary search; nothing is written). */
const largestBlock = () => {
  let lo = 0;
  let hi = 2 ** 30 + 16 * MiB; // the most the backend ever asks for at once
  while (hi - lo > 64 * 1024) {
    const mid = Math.floor((lo + hi) / 2);
    const p = raw._malloc(mid);
    if (p !== 0) {
      raw._free(p);
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
};

// 1. Core's up-front check: 256 MiB tensors until the backend's declared total is reached.
const seeds = Array.from({ length: 40 }, (_, i) => tensor([i + 1]));
const big = [];
let refused = null;
for (let i = 0; i < 20 && !refused; i++) refused = errorOf(() => big.push(constant(2 ** 26, seeds[i], i + 1)));
steps.coreTotal = { tensors: big.length, refused, fillRefused: errorOf(() => fill([2 ** 26], 99)), heapBytes: a.memory().wasmHeapBytes };

// 2. A second backend instance shares the heap: core's per-backend total does not stop it, the heap does.
registerBackend('wasm-b', createWasmBackend, -10);
await setBackend('wasm-b');
const b = getBackend();
const bSeeds = Array.from({ length: 40 }, (_, i) => tensor([1000 + i]));
const one = tensor([1]);
const x = fill([1, 518, 518, 1], 1);
const filter = fill([7, 7, 1, 1], 1);

// Fill what is left until the heap says no, through core and through the backend contract.
const more = [];
let heapFull = null;
for (const size of [64 * MiB, 16 * MiB, 4 * MiB, 1 * MiB]) {
  for (;;) {
    const e = errorOf(() => more.push(constant(size / 4, bSeeds[more.length], 1000 + more.length)));
    if (e) {
      heapFull ??= e;
      break;
    }
  }
}
steps.heapFull = {
  tensors: more.length,
  error: heapFull,
  heapBytes: b.memory().wasmHeapBytes,
  largestBlock: largestBlock(),
  write: errorOf(() => b.write(new Float32Array((16 * MiB) / 4), [(16 * MiB) / 4], 'float32')),
};

// Free the last three (small) buffers: room for small kernels again.
for (const t of more.splice(-3)) t.dispose();
steps.intact = {
  more: intact(
    more,
    more.map((_, i) => 1000 + i),
  ),
};

// A kernel that fails after allocating its output frees it again: a 7x7 convolution with a 1 MiB
// output whose XNNPACK indirection table (~50 MiB) does not fit.
const before = { tfjsDataIds: b.memory().tfjsDataIds, numTensors: memory().numTensors };
const calls = [];
const [realMalloc, realFree] = [raw._malloc, raw._free];
raw._malloc = (bytes) => {
  const p = realMalloc(bytes);
  calls.push({ malloc: bytes, p });
  return p;
};
raw._free = (p) => {
  calls.push({ free: p });
  return realFree(p);
};
const rollbackError = errorOf(() => conv2d(x, filter, 1, 'valid').dispose());
raw._malloc = realMalloc;
raw._free = realFree;
const outBytes = 512 * 512 * 4;
const outBlock = calls.find((c) => c.malloc === outBytes && c.p !== 0);
steps.rollback = {
  error: rollbackError,
  outAllocated: outBlock !== undefined,
  outFreed: outBlock !== undefined && calls.some((c) => c.free === outBlock.p),
  before,
  after: { tfjsDataIds: b.memory().tfjsDataIds, numTensors: memory().numTensors },
};

// 3. Every tensor is intact; after freeing, both backends (XNNPACK included) work.
steps.after = {};
for (const t of more) t.dispose();
const bAgain = errorOf(() => constant((64 * MiB) / 4, one, 5).dispose());
await setBackend('wasm');
steps.after.bigIntact = intact(
  big,
  big.map((_, i) => i + 1),
);
steps.after.bAgain = bAgain;
big.pop().dispose();
steps.after.afterFree = errorOf(() => big.push(constant(2 ** 26, seeds[30], 77)));
steps.after.last = tidy(() => max(big[big.length - 1]).dataSync()[0]);
steps.after.conv = tidy(() => Array.from(conv2d(fill([1, 4, 4, 1], 1), fill([3, 3, 1, 2], 1), 1, 'same').dataSync()));
steps.after.mm = tidy(() => Array.from(matMul(fill([3, 5], 2), fill([5, 4], 3)).dataSync()));
for (const t of [...big, ...seeds]) t.dispose();
await setBackend('wasm-b');
steps.after.convB = tidy(() => conv2d(x, filter, 1, 'valid').max().dataSync()[0]);
for (const t of [...bSeeds, one, x, filter]) t.dispose();
steps.end = { numTensors: memory().numTensors, heapBytes: a.memory().wasmHeapBytes, ms: Date.now() - t0 };
process.stdout.write(`${JSON.stringify(steps)}\n`);
