// The package's own dispatch (runner.ts): cached pipelines, uniform buffers
// and bind groups on tfjs's command encoder. Values are checked against
// float32 arithmetic on the host (Math.fround: + and × are correctly rounded
// on the device, and nothing here is subnormal); the caches against what a
// loop that disposes its results should need; buffers against tfjs's counts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { add, mul, registerBackend, removeBackend, setBackend, tensor, type Tensor } from '@polytensor/core';
import type { WebGPUBackend } from './index.js';
import { DEFAULT_CAPS, ProgramRunner } from './runner.js';
import { newBackend } from './test_util.js';

const NAME = 'webgpu-runner';
let backend: WebGPUBackend;

beforeEach(async () => {
  backend = await newBackend();
  registerBackend(NAME, () => backend);
  await setBackend(NAME);
});

afterEach(() => {
  removeBackend(NAME);
});

/** Seeded values in [-2, 2) (an LCG: the same every run). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 30 - 2;
  }
  return out;
}

/** x ← x·m + c on the host, in float32, `steps` times. */
function hostChain(x0: Float32Array, m: Float32Array, c: Float32Array, steps: number): Float32Array {
  const x = Float32Array.from(x0);
  for (let s = 0; s < steps; s++) for (let i = 0; i < x.length; i++) x[i] = Math.fround(Math.fround(x[i]! * m[i]!) + c[i]!);
  return x;
}

const buffersInUse = (): number => backend.memory().buffersInUse as number;

describe('ProgramRunner', () => {
  it('a loop that disposes its results computes the float32 chain, reusing one uniform buffer and a few bind groups', async () => {
    const n = 4;
    const m = values(n, 1).map((v) => v / 4);
    const c = values(n, 2);
    const x0 = values(n, 3);
    const [tm, tc] = [tensor(m, [n]), tensor(c, [n])];
    let x: Tensor = tensor(x0, [n]);
    const start = backend.store.runner.stats(); // the start-up probe ran a program already
    const steps = 300; // 600 dispatches: 40 submits of tfjs's batch of 15
    for (let s = 0; s < steps; s++) {
      const p = mul(x, tm);
      x.dispose();
      x = add(p, tc);
      p.dispose();
    }
    expect(Array.from(await x.data())).toEqual(Array.from(hostChain(x0, m, c, steps)));
    const stats = backend.store.runner.stats();
    expect(stats.pipelines - start.pipelines).toBe(2); // mul and add
    expect(stats.uniformBuffers - start.uniformBuffers).toBe(1); // both: two [4] inputs, a [4] output, one vec4 thread
    // 598 cached dispatches (the first of each program compiles): about one bind group per program and output buffer in flight in a batch
    expect(stats.bindGroups).toBeLessThanOrEqual(2 * DEFAULT_CAPS.submitDispatches + 8);
    // the same loop again: no new GPU buffers (the pool hands the same ones back)
    const before = buffersInUse();
    for (let s = 0; s < steps; s++) {
      const p = mul(x, tm);
      x.dispose();
      x = add(p, tc);
      p.dispose();
    }
    expect(Array.from(await x.data())).toEqual(Array.from(hostChain(x0, m, c, 2 * steps)));
    expect(buffersInUse()).toBe(before);
    // and it found nearly all of its bind groups cached (the pool hands the buffers back in the same order)
    expect(backend.store.runner.stats().bindGroups - stats.bindGroups).toBeLessThan(60);
    for (const t of [x, tm, tc]) t.dispose();
  });

  it('reads in the middle of a batch (async, and the synchronous canvas read that runs tfjs own program) see every earlier dispatch', async () => {
    const n = 8;
    const m = values(n, 4).map((v) => v / 4);
    const c = values(n, 5);
    const x0 = values(n, 6);
    const [tm, tc] = [tensor(m, [n]), tensor(c, [n])];
    let x: Tensor = tensor(x0, [n]);
    for (let s = 1; s <= 40; s++) {
      const p = mul(x, tm);
      x.dispose();
      x = add(p, tc);
      p.dispose();
      if (s % 7 === 0) expect(Array.from(await x.data())).toEqual(Array.from(hostChain(x0, m, c, s)));
      if (s % 11 === 0) expect(Array.from(x.dataSync())).toEqual(Array.from(hostChain(x0, m, c, s)));
    }
    for (const t of [x, tm, tc]) t.dispose();
  });

  it('submits by dispatch count and by output bytes, with the same values', async () => {
    const store = backend.store as unknown as { runner: ProgramRunner; tf: ConstructorParameters<typeof ProgramRunner>[0] };
    store.runner = new ProgramRunner(store.tf, { ...DEFAULT_CAPS, submitDispatches: 7, submitBytes: 1000 });
    // [4]: a submit every 7 dispatches; [100] (400 bytes): every 3
    for (const n of [4, 100]) {
      const m = values(n, 7).map((v) => v / 4);
      const c = values(n, 8);
      const x0 = values(n, 9);
      const [tm, tc] = [tensor(m, [n]), tensor(c, [n])];
      let x: Tensor = tensor(x0, [n]);
      for (let s = 0; s < 50; s++) {
        const p = mul(x, tm);
        x.dispose();
        x = add(p, tc);
        p.dispose();
      }
      expect(Array.from(await x.data()), `size ${n}`).toEqual(Array.from(hostChain(x0, m, c, 50)));
      for (const t of [x, tm, tc]) t.dispose();
    }
  });

  it('past its caps it drops uniform buffers (back to the pool) and bind groups, and still computes right', async () => {
    const store = backend.store as unknown as { runner: ProgramRunner; tf: ConstructorParameters<typeof ProgramRunner>[0] };
    const runner = new ProgramRunner(store.tf, { ...DEFAULT_CAPS, uniforms: 3, bindGroups: 4 });
    store.runner = runner;
    const before = buffersInUse();
    for (let n = 1; n <= 40; n++) {
      const [a, b] = [values(n, 10 + n), values(n, 60 + n)];
      const [ta, tb] = [tensor(a, [n]), tensor(b, [n])];
      const y = add(ta, tb);
      expect(Array.from(await y.data()), `size ${n}`).toEqual(Array.from(a, (v, i) => Math.fround(v + b[i]!)));
      for (const t of [ta, tb, y]) t.dispose();
      const stats = runner.stats();
      expect(stats.uniformBuffers).toBeLessThanOrEqual(3);
      expect(stats.bindGroups).toBeLessThanOrEqual(4);
    }
    // every tensor is gone and the last read submitted: only the uniforms still cached are in use
    expect(buffersInUse()).toBe(before + runner.stats().uniformBuffers);
  });
});
