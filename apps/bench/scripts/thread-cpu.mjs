// What a second wasm thread would give on an idle machine, measured on a busy
// one (Linux): the CPU time of each OS thread of this process over repeated
// runs, read from /proc/self/task. With XNNPACK on 2 threads the main thread
// does the serial work and its share of the parallel work while the pthread
// worker does the other share, so on two idle cores a run takes about the
// main thread's CPU time; on 1 thread the main thread does all of it. Wall times here are
// whatever the machine's load allows and are printed only for reference. The
// estimate is the main thread's CPU time in both cases (the other threads are
// the pool's worker and V8's helpers, which run beside it).
//
//   node apps/bench/scripts/thread-cpu.mjs <threads> <matmul|cnn>   (after npm run build)
//
// matmul: matMul of two 1024×1024 matrices; cnn: one `fit` step of the seed
// CNN on a batch of 50 (Adam, dropout), as the bench's cnn-train.
import { readdirSync, readFileSync } from 'node:fs';
import { matMul, registerBackend, setBackend, setSeed, tensor, tidy } from '@polytensor/core';
import { createWasmBackend } from '@polytensor/backend-wasm';
import { seedCnn } from '@polytensor/models';

const threads = Number(process.argv[2] ?? 2);
const what = process.argv[3] ?? 'matmul';
if (!['matmul', 'cnn'].includes(what)) throw new Error(`thread-cpu: expected matmul or cnn, got ${what}`);
const backend = await createWasmBackend({ threads });
registerBackend('wasm-thread-cpu', () => backend, -1);
await setBackend('wasm-thread-cpu');

/** CPU ms (user + system) of each thread of this process; /proc counts in 10 ms ticks. */
const cpuByThread = () =>
  new Map(
    readdirSync('/proc/self/task').map((tid) => {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      return [tid, (Number(fields[11]) + Number(fields[12])) * 10];
    }),
  );

let run;
if (what === 'cnn') {
  setSeed(1);
  const model = seedCnn();
  model.compile({ optimizer: 'adam', learningRate: 0.001, loss: 'sparseCategoricalCrossentropy' });
  const x = tensor(
    new Float32Array(50 * 784).map((_, i) => (i % 97) / 97),
    [50, 28, 28, 1],
  );
  const y = tensor(
    Int32Array.from({ length: 50 }, (_, i) => i % 10),
    [50],
    'int32',
  );
  run = () => model.fit(x, y, { epochs: 1, batchSize: 50, verbose: 0 });
} else {
  const a = tensor(
    new Float32Array(1024 * 1024).map((_, i) => Math.sin(i)),
    [1024, 1024],
  );
  run = async () => tidy(() => matMul(a, a)).dataSync();
}
for (let i = 0; i < 2; i++) await run(); // warm-up: XNNPACK's packed weights, JIT
const reps = what === 'cnn' ? 10 : 40;
const before = cpuByThread();
const t0 = performance.now();
for (let i = 0; i < reps; i++) await run();
const wallMs = (performance.now() - t0) / reps;
let mainMs = 0;
let otherMs = 0;
for (const [tid, ms] of cpuByThread()) {
  const d = (ms - (before.get(tid) ?? 0)) / reps;
  if (tid === String(process.pid)) mainMs += d;
  else otherMs += d; // the pthread workers (and V8's own helper threads: a few ms)
}
const flops = what === 'matmul' ? 2 * 1024 ** 3 : null;
console.log(
  JSON.stringify({
    what,
    threads: backend.info.threads,
    mainThreadCpuMs: mainMs,
    otherThreadsCpuMs: otherMs,
    idleMachineEstimateMs: mainMs,
    estimatedGflops: flops ? +(flops / mainMs / 1e6).toFixed(1) : null,
    wallMsUnderLoad: +wallMs.toFixed(1),
    loadAverage: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
  }),
);
process.exit(0); // the model and tensors are not disposed: a measuring script
