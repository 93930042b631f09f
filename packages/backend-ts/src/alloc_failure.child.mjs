// Run by alloc_failure.node.test.ts in a child process (Linux, node --expose-gc):
// caps this process's address space with prlimit so that typed-array
// allocations fail for real, then reports as one JSON line on stdout how the
// ts backend and core behaved. Imports the built packages (npm run build).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { concat, getBackend, max, memory, min, pad, setBackend, tensor, tidy, zeros } from '@polytensor/core';
import '@polytensor/backend-ts';

const MiB = 2 ** 20;
const errorOf = (fn) => {
  try {
    fn();
    return null;
  } catch (e) {
    return { name: e.name, kind: e.kind ?? null, op: e.op ?? null, message: e.message, cause: e.cause ? `${e.cause.name}: ${e.cause.message}` : null };
  }
};
const addressSpace = () => Number(/VmSize:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;

await setBackend('ts');
const ts = getBackend();
// The backend's own limits out of the way: here the host decides.
ts.setLimits({ maxTensorBytes: Infinity, maxTotalBytes: Infinity });
/** n float32 values all `v`, made by a kernel (no host array left behind for the collector). */
const constant = (n, v) => tidy(() => pad(tensor([v]), [[0, n - 1]], v));
const x = constant(64 * MiB, 7); // 256 MiB
globalThis.gc();
await new Promise((r) => setTimeout(r, 50));
execFileSync('prlimit', ['--pid', String(process.pid), `--as=${addressSpace() + 640 * MiB}`]);

const steps = {};
// a kernel's output the host cannot allocate (768 MiB)
const before = { numTensors: memory().numTensors, numDataIds: ts.numDataIds(), bytes: ts.memory().numBytes };
steps.kernel = errorOf(() => concat([x, x, x]));
steps.kernelAfter = { numTensors: memory().numTensors, numDataIds: ts.numDataIds(), bytes: ts.memory().numBytes };
steps.before = before;
// a creation op whose host values cannot be allocated (1 GiB)
steps.creation = errorOf(() => zeros([256 * MiB]));
// nothing stored was touched, small work goes on
steps.intact = tidy(() => min(x).dataSync()[0] === 7 && max(x).dataSync()[0] === 7);
steps.small = tidy(() => Array.from(tensor([1, 2, 3]).add(1).dataSync()));
// after freeing, what did not fit before fits
x.dispose();
globalThis.gc();
const y = constant(96 * MiB, 2); // 384 MiB, more than the room left beside x
steps.afterFree = tidy(() => max(y).dataSync()[0]);
y.dispose();
steps.end = { numTensors: memory().numTensors };
process.stdout.write(`${JSON.stringify(steps)}\n`);
