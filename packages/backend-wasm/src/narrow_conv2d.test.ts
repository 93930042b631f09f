// fusedConv2d with 1–3 input channels (a first layer) by the conv module's
// tiles (src/kernels/narrow_conv2d.ts) against the conformance suite's
// float64 reference within the accumulation bound γ_n·Σ|term|: tile
// remainders (pixels per row not a multiple of 4, 4-channel blocks), SAME /
// VALID / uneven explicit padding, with and without bias and relu, and
// non-finite inputs (NaN stays NaN through relu, ±∞ as the direct sum gives).
// 1 and 2 threads giving the same bits: heap_threads.node.test.ts.
import { computeConv2DInfo, defineBackend, type Backend, type Conv2DInfo, type FusedActivation, type PaddingSpec, type TensorInfo } from '@polytensor/core';
import { gamma, host, reference } from '@polytensor/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WASM_KERNELS } from './backend.js';
import { NARROW_MAX_CHANNELS, narrowConvApplies } from './kernels/narrow_conv2d.js';
import { loadRuntime } from './load.js';
import { WasmStore } from './store.js';

/** Deterministic values in [-1, 1) (a fixed LCG), independent of the code under test. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

interface Case {
  x: [number, number, number, number];
  co: number;
  pad: PaddingSpec;
  bias: boolean;
  act: FusedActivation;
}

// biome-ignore format: one case per line
const CASES: readonly Case[] = [
  { x: [2, 9, 10, 1], co: 4, pad: 'same', bias: true, act: 'relu' }, // 10 pixels a row: two groups of 4 and two single pixels; one 4-channel block
  { x: [3, 7, 6, 3], co: 12, pad: 'valid', bias: false, act: 'linear' }, // an 8-channel block and a 4-channel one
  { x: [1, 8, 11, 2], co: 64, pad: [[2, 0], [1, 2]], bias: true, act: 'linear' },
  { x: [2, 5, 5, 1], co: 8, pad: 'same', bias: false, act: 'relu' },
  { x: [4, 28, 28, 1], co: 64, pad: 'same', bias: true, act: 'relu' }, // the seed CNN's first layer
];

describe('narrow convolution (1–3 input channels) by the conv module tiles', () => {
  let store: WasmStore;
  let backend: Backend;
  beforeAll(async () => {
    store = new WasmStore(await loadRuntime(1));
    backend = defineBackend({ name: 'wasm-narrow', storage: store, kernels: WASM_KERNELS, dispose: () => store.clear() });
    store.bind(backend.kernels);
  });
  afterAll(() => {
    expect(store.numDataIds()).toBe(0);
    backend.dispose();
  });

  const infoOf = (c: Case): Conv2DInfo => computeConv2DInfo('test', c.x, [3, 3, c.x[3], c.co], 1, c.pad, 1);
  const input = (shape: readonly number[], v: Float32Array): TensorInfo => ({ dataId: store.write(v, shape, 'float32'), shape, dtype: 'float32' });

  /** fusedConv2d's output, read back and freed, with its inputs freed. */
  function run(c: Case, xv: Float32Array, fv: Float32Array, bv: Float32Array | null): Float32Array {
    const info = infoOf(c);
    const ins = [input(c.x, xv), input([3, 3, c.x[3], c.co], fv), bv ? input([c.co], bv) : null];
    try {
      const out = backend.kernels.fusedConv2d(ins[0]!, ins[1]!, ins[2] ?? null, c.act, info);
      expect(out.shape).toEqual(info.outShape);
      const got = store.readSync(out.dataId) as Float32Array;
      store.disposeData(out.dataId);
      return got;
    } finally {
      for (const t of ins) if (t) store.disposeData(t.dataId);
    }
  }

  /** Worst |got − ref| as a fraction of γ_n·Σ|term| (NaN and ±∞ must match exactly). */
  function worstFraction(got: Float32Array, want: ReturnType<typeof reference.fusedConv2d>): number {
    let worst = 0;
    for (let i = 0; i < got.length; i++) {
      const r = want.out.values[i]!;
      const g = got[i]!;
      if (!Number.isFinite(r)) {
        if (!Object.is(g, r) && !(Number.isNaN(g) && Number.isNaN(r))) return Infinity;
        continue;
      }
      const bound = gamma(want.terms[i]!) * want.absSum[i]!;
      const err = Math.abs(g - r);
      worst = Math.max(worst, bound === 0 ? (err === 0 ? 0 : Infinity) : err / bound);
    }
    return worst;
  }

  it.each(CASES.map((c, i) => [`${c.x.join('×')} → ${c.co} ${JSON.stringify(c.pad)}${c.bias ? ' + bias' : ''} ${c.act}`, i] as const))(
    'takes the narrow path and matches the float64 reference within γ_n·Σ|term|: %s',
    (_name, i) => {
      const c = CASES[i]!;
      expect(narrowConvApplies(store.rt, infoOf(c))).toBe(true);
      const xv = values(
        c.x.reduce((p, q) => p * q, 1),
        10 + i,
      );
      const fv = values(9 * c.x[3] * c.co, 20 + i);
      const bv = c.bias ? values(c.co, 30 + i) : null;
      const want = reference.fusedConv2d(host(c.x, xv), host([3, 3, c.x[3], c.co], fv), bv ? host([c.co], bv) : null, c.act, infoOf(c));
      expect(worstFraction(run(c, xv, fv, bv), want)).toBeLessThanOrEqual(1);
    },
  );

  it('NaN and ±∞ in the input give the reference’s NaN and ±∞ (relu keeps NaN, takes −∞ to 0)', () => {
    for (const act of ['relu', 'linear'] as const) {
      const c: Case = { x: [2, 8, 9, 2], co: 8, pad: 'same', bias: true, act };
      const xv = values(2 * 8 * 9 * 2, 40);
      xv[(1 * 8 + 2) * 2 + 1] = Number.NaN;
      xv[((8 + 4) * 9 + 4) * 2] = Number.POSITIVE_INFINITY;
      xv[((8 + 6) * 9 + 1) * 2 + 1] = Number.NEGATIVE_INFINITY;
      const fv = values(9 * 2 * 8, 41);
      const bv = values(8, 42);
      const want = reference.fusedConv2d(host(c.x, xv), host([3, 3, 2, 8], fv), host([8], bv), act, infoOf(c));
      expect(want.out.values.some((v) => Number.isNaN(v))).toBe(true);
      expect(want.out.values.some((v) => v === Number.POSITIVE_INFINITY)).toBe(true);
      expect(worstFraction(run(c, xv, fv, bv), want), act).toBeLessThanOrEqual(1);
    }
  });

  it('applies only to 3×3 stride-1 undilated convolutions with 1–3 input channels and a multiple of 4 output channels', () => {
    const of = (x: [number, number, number, number], f: [number, number, number, number], stride = 1, dilation = 1): boolean =>
      narrowConvApplies(store.rt, computeConv2DInfo('test', x, f, stride, 'same', dilation));
    expect(NARROW_MAX_CHANNELS).toBe(3);
    expect(of([1, 8, 8, 3], [3, 3, 3, 16])).toBe(true);
    expect(of([1, 8, 8, 4], [3, 3, 4, 16])).toBe(false);
    expect(of([1, 8, 8, 1], [3, 3, 1, 6])).toBe(false);
    expect(of([1, 8, 8, 1], [5, 5, 1, 8])).toBe(false);
    expect(of([1, 8, 8, 1], [3, 3, 1, 8], 2)).toBe(false);
    expect(of([1, 8, 8, 1], [3, 3, 1, 8], 1, 2)).toBe(false);
  });
});
