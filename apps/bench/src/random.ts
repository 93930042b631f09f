/**
 * random-1m and dropout-masks: seeded uniform draws, the way a Dropout layer
 * gets its mask. polytensor draws them with kernel philoxUniform: core's
 * Philox stream, bit for bit the same on every backend (so one seed gives the
 * same mask everywhere), drawn on the host and uploaded, or in a shader where
 * the backend does that; tfjs draws from its own generator (seedrandom's
 * alea). polytensor's gate replays the stream with core's scalar `philox4x32`
 * and needs every value exact; tfjs's numbers cannot be replayed here, so its
 * gate checks the range and the mean (z ≤ 4) and the fraction below 0.25
 * (binomial z ≤ 4).
 */
import * as pt from '@polytensor/core';
import * as tf from '@tensorflow/tfjs-core';
import { ulpGate } from './gate.js';
import { read, type LibTensor } from './libs.js';
import type { GateResult } from './types.js';
import type { Ctx, Handle, Workload } from './workloads.js';

type Draw<T> = (shape: readonly number[], seed: number) => T;

/** The element values core's randomUniform(shape, 0, 1, 'float32', seed) must give: stream 0 of the seed, replayed. */
function philoxUniform(n: number, seed: number): Float64Array {
  const block = new Uint32Array(4);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    pt.philox4x32(i, 0, 0, 0, seed >>> 0, Math.floor(seed / 2 ** 32), block);
    const u = ((block[0]! >>> 5) * 2 ** 26 + (block[1]! >>> 6)) / 2 ** 53;
    out[i] = Math.fround(Math.fround(u) >= 1 ? 0 : u);
  }
  return out;
}

/** Uniform on [0, 1): range, mean and the share below 0.25, each within 4 standard errors. */
export function uniformGate(got: ArrayLike<number>, what: string): GateResult {
  const n = got.length;
  let sum = 0;
  let below = 0;
  let outside = 0;
  for (let i = 0; i < n; i++) {
    const v = got[i]!;
    if (!(v >= 0 && v < 1)) outside++;
    sum += v;
    if (v < 0.25) below++;
  }
  const meanZ = Math.abs(sum / n - 0.5) / Math.sqrt(1 / 12 / n);
  const belowZ = Math.abs(below / n - 0.25) / Math.sqrt((0.25 * 0.75) / n);
  const worst = outside > 0 ? Infinity : Math.max(meanZ, belowZ) / 4;
  return {
    passed: worst <= 1,
    rule: 'distribution',
    worst,
    detail: `${what}: ${outside} of ${n} outside [0, 1); mean ${(sum / n).toFixed(5)} (z ${meanZ.toFixed(2)}), share below 0.25 ${(below / n).toFixed(5)} (z ${belowZ.toFixed(2)}); z ≤ 4 passes`,
  };
}

/**
 * One timed run draws every shape (one seed each, as each Dropout layer takes
 * its own stream) and reads the last, so device uploads are inside the run.
 */
function randomHandle<T extends LibTensor>(shapes: readonly (readonly number[])[], draw: Draw<T>, judge: (all: Float32Array) => GateResult): Handle {
  const drawAll = (): T[] => shapes.map((s, k) => draw(s, 101 + k));
  return {
    async gate() {
      const ts = drawAll();
      try {
        const parts = await Promise.all(ts.map(read));
        const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
        let at = 0;
        for (const p of parts) {
          all.set(p, at);
          at += p.length;
        }
        return judge(all);
      } finally {
        for (const t of ts) t.dispose();
      }
    },
    async run() {
      const ts = drawAll();
      try {
        await read(ts[ts.length - 1]!);
      } finally {
        for (const t of ts) t.dispose();
      }
    },
    dispose() {},
  };
}

const reference = new Map<string, Float64Array>();

function randomWorkload(id: string, title: string, describe: (quick: boolean) => string, shapes: (quick: boolean) => number[][]): Workload {
  const size = (s: readonly number[]): number => s.reduce((a, d) => a * d, 1);
  const expected = (quick: boolean): Float64Array => {
    const key = `${id}:${quick}`;
    let r = reference.get(key);
    if (!r) {
      const parts = shapes(quick).map((s, k) => philoxUniform(size(s), 101 + k));
      r = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
      let at = 0;
      for (const p of parts) {
        r.set(p, at);
        at += p.length;
      }
      reference.set(key, r);
    }
    return r;
  };
  return {
    id,
    title,
    description: describe,
    throughput: { unit: 'values/s', items: (quick) => shapes(quick).reduce((a, s) => a + size(s), 0) },
    polytensor: (ctx: Ctx) => {
      const ref = expected(ctx.quick);
      return randomHandle(
        shapes(ctx.quick),
        (s, seed) => pt.randomUniform(s, 0, 1, 'float32', seed),
        (all) => ulpGate(all, ref, 0, `${id}: the host Philox stream, replayed`),
      );
    },
    tfjs: (ctx: Ctx) =>
      randomHandle(
        shapes(ctx.quick),
        (s, seed) => tf.randomUniform([...s], 0, 1, 'float32', seed),
        (all) => uniformGate(all, id),
      ),
  };
}

const side = (quick: boolean): number => (quick ? 100 : 1000);

export const random1m = randomWorkload(
  'random-1m',
  'randomUniform 1M',
  (quick) => `randomUniform of ${side(quick)}×${side(quick)} float32 values in [0, 1), seeded`,
  (quick) => [[side(quick), side(quick)]],
);

/** The seed CNN's dropout inputs: after each average pool and after Dense(256). */
const maskShapes = (quick: boolean): number[][] => {
  const b = quick ? 2 : 50;
  return [
    [b, 14, 14, 64],
    [b, 7, 7, 32],
    [b, 256],
  ];
};

export const dropoutMasks = randomWorkload(
  'dropout-masks',
  'CNN dropout masks',
  (quick) =>
    `the seed CNN's three dropout masks at batch ${quick ? 2 : 50}: seeded randomUniform of ${maskShapes(quick)
      .map((s) => `[${s.join(', ')}]`)
      .join(', ')}, the last one read`,
  maskShapes,
);
