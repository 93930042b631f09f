// conv2d and fusedConv2d by Winograd F(2×2, 3×3) and F(4×4, 3×3)
// (src/kernels/winograd_conv2d.ts) against the conformance suite's float64
// reference within the accumulation bound γ_n·Σ|term| (F(4×4) within half of
// it: its measured worst is about a tenth), on shapes that take the path (odd
// and even outputs, SAME / VALID / uneven explicit padding, with and without
// bias and relu); non-finite inputs fall back to the direct convolution's
// semantics (the fused kernel's in-place relu keeping NaN); and 1 and 2
// threads give the same bits.
import { computeConv2DInfo, defineBackend, type Backend, type Conv2DInfo, type FusedActivation, type PaddingSpec, type TensorInfo } from '@polytensor/core';
import { gamma, host, reference } from '@polytensor/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WASM_KERNELS } from './backend.js';
import { WINOGRAD4_MIN_CHANNELS, winogradApplies, winogradConv2d, winogradFilterCacheSize, winogradTile } from './kernels/winograd_conv2d.js';
import { loadRuntime } from './load.js';
import { WasmStore } from './store.js';

const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
const threadsRun = isNode || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

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

async function backendOn(threads: 1 | 2): Promise<{ store: WasmStore; backend: Backend }> {
  const store = new WasmStore(await loadRuntime(threads));
  const backend = defineBackend({ name: `wasm-winograd-${threads}`, storage: store, kernels: WASM_KERNELS, dispose: () => store.clear() });
  store.bind(backend.kernels);
  return { store, backend };
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
  { x: [2, 9, 10, 48], co: 52, pad: 'same', bias: true, act: 'relu' }, // odd output height: cropped
  { x: [1, 8, 8, 64], co: 48, pad: 'same', bias: false, act: 'linear' },
  { x: [3, 11, 7, 52], co: 48, pad: 'valid', bias: true, act: 'linear' },
  { x: [1, 7, 9, 48], co: 56, pad: [[2, 0], [1, 2]], bias: true, act: 'relu' },
  { x: [2, 6, 6, 64], co: 48, pad: 'same', bias: true, act: 'tanh' },
];

describe('Winograd F(2×2, 3×3) and F(4×4, 3×3) convolution', () => {
  let store: WasmStore;
  let backend: Backend;
  beforeAll(async () => {
    ({ store, backend } = await backendOn(1));
  });
  afterAll(() => {
    expect(store.numDataIds()).toBe(0);
    expect(winogradFilterCacheSize(store.rt)).toBe(0);
    backend.dispose();
  });

  const input = (shape: readonly number[], v: Float32Array): TensorInfo => ({ dataId: store.write(v, shape, 'float32'), shape, dtype: 'float32' });
  const infoOf = (c: Case): Conv2DInfo => computeConv2DInfo('test', c.x, [3, 3, c.x[3], c.co], 1, c.pad, 1);

  /** The kernel's output, read back and freed, with its inputs freed. */
  function run(c: Case, xv: Float32Array, fv: Float32Array, bv: Float32Array | null, kernel: 'conv2d' | 'fusedConv2d'): Float32Array {
    const info = infoOf(c);
    const x = input(c.x, xv);
    const f = input([3, 3, c.x[3], c.co], fv);
    const b = bv ? input([c.co], bv) : null;
    try {
      const out = kernel === 'conv2d' ? backend.kernels.conv2d(x, f, info) : backend.kernels.fusedConv2d(x, f, b, c.act, info);
      expect(out.shape).toEqual(info.outShape);
      const got = store.readSync(out.dataId) as Float32Array;
      store.disposeData(out.dataId);
      return got;
    } finally {
      for (const t of [x, f, b]) if (t) store.disposeData(t.dataId);
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
    'takes the Winograd path and matches the float64 reference within γ_n·Σ|term|: %s',
    (_name, i) => {
      const c = CASES[i]!;
      const info = infoOf(c);
      expect(winogradApplies(store.rt, info)).toBe(true);
      const xv = values(
        c.x.reduce((p, q) => p * q, 1),
        10 + i,
      );
      const fv = values(9 * c.x[3] * c.co, 20 + i);
      const bv = c.bias ? values(c.co, 30 + i) : null;
      const want = reference.fusedConv2d(host(c.x, xv), host([3, 3, c.x[3], c.co], fv), bv ? host([c.co], bv) : null, c.act, info);
      expect(worstFraction(run(c, xv, fv, bv, 'fusedConv2d'), want)).toBeLessThanOrEqual(1);
      const plain = reference.conv2d(host(c.x, xv), host([3, 3, c.x[3], c.co], fv), info);
      expect(worstFraction(run(c, xv, fv, null, 'conv2d'), plain)).toBeLessThanOrEqual(1);
    },
  );

  /** winogradConv2d with the given tile, read back and freed, with its inputs freed. */
  function runTile(c: Case, xv: Float32Array, fv: Float32Array, bv: Float32Array | null, tile: 2 | 4, chunkBytes?: number): Float32Array | null {
    const info = infoOf(c);
    const ins = [input(c.x, xv), input([3, 3, c.x[3], c.co], fv), ...(bv ? [input([c.co], bv)] : [])];
    try {
      const [x, f, b] = ins.map((t) => store.input(t, 'test'));
      const out = winogradConv2d(store.rt, x!, f!, b ?? null, c.act === 'relu', info, chunkBytes, tile);
      if (!out) return null;
      expect(out.shape).toEqual(info.outShape);
      const got = store.rt.f32(out.data).slice();
      store.rt.dispose(out);
      return got;
    } finally {
      for (const t of ins) store.disposeData(t.dataId);
    }
  }

  it("caches a filter's transform per filter buffer and tile, reuses it while the filter lives, and frees it with the filter", () => {
    const c: Case = { x: [2, 8, 9, 32], co: 36, pad: 'same', bias: true, act: 'relu' };
    const info = infoOf(c);
    const xv = values(2 * 8 * 9 * 32, 101);
    const bv = values(36, 102);
    const x = input(c.x, xv);
    const b = input([36], bv);
    const before = winogradFilterCacheSize(store.rt);
    try {
      // two filters in turn, each convolved twice per tile: each result against its own reference, so a stale transform fails
      for (const seed of [103, 104]) {
        const fv = values(9 * 32 * 36, seed);
        const want = reference.fusedConv2d(host(c.x, xv), host([3, 3, 32, 36], fv), host([36], bv), 'relu', info);
        const f = input([3, 3, 32, 36], fv);
        for (const tile of [4, 2, 4, 2] as const) {
          const out = winogradConv2d(store.rt, store.input(x, 'test'), store.input(f, 'test'), store.input(b, 'test'), true, info, undefined, tile)!;
          const got = store.rt.f32(out.data).slice();
          store.rt.dispose(out);
          expect(worstFraction(got, want), `filter ${seed}, F(${tile}×${tile})`).toBeLessThanOrEqual(tile === 4 ? 0.5 : 1);
        }
        expect(winogradFilterCacheSize(store.rt)).toBe(before + 2); // one entry per tile, not per call
        store.disposeData(f.dataId);
        expect(winogradFilterCacheSize(store.rt)).toBe(before);
      }
    } finally {
      store.disposeData(x.dataId);
      store.disposeData(b.dataId);
    }
  });

  it('chooses F(4×4) by channel counts alone: both at least WINOGRAD4_MIN_CHANNELS', () => {
    for (const [ci, co, tile] of [
      [64, 64, 4],
      [32, 96, 4],
      [96, 32, 4],
      [28, 200, 2],
      [200, 28, 2],
    ] as const) {
      const info = infoOf({ x: [1, 10, 10, ci], co, pad: 'same', bias: false, act: 'linear' });
      expect(winogradApplies(store.rt, info), `${ci} → ${co}`).toBe(true);
      expect(winogradTile(info), `${ci} → ${co}`).toBe(tile);
    }
    expect(WINOGRAD4_MIN_CHANNELS).toBe(32);
  });

  // Both tiles on every case (the kernels take F(4×4) on all of CASES), relu or linear as the case says.
  it.each(
    CASES.flatMap((c, i) => ([2, 4] as const).map((tile) => [`F(${tile}×${tile}) ${c.x.join('×')} → ${c.co} ${JSON.stringify(c.pad)}`, i, tile] as const)),
  )('matches the float64 reference with either tile: %s', (_name, i, tile) => {
    const c = { ...CASES[i]!, act: CASES[i]!.act === 'relu' ? ('relu' as const) : ('linear' as const) };
    const info = infoOf(c);
    const xv = values(
      c.x.reduce((p, q) => p * q, 1),
      60 + i,
    );
    const fv = values(9 * c.x[3] * c.co, 70 + i);
    const bv = c.bias ? values(c.co, 80 + i) : null;
    const want = reference.fusedConv2d(host(c.x, xv), host([3, 3, c.x[3], c.co], fv), bv ? host([c.co], bv) : null, c.act, info);
    expect(worstFraction(runTile(c, xv, fv, bv, tile)!, want)).toBeLessThanOrEqual(tile === 4 ? 0.5 : 1);
  });

  it("with the products as XNNPACK ops instead (the timing scripts' comparison), both tiles match the reference too", () => {
    const c: Case = { x: [2, 9, 10, 48], co: 52, pad: 'same', bias: true, act: 'relu' };
    const info = infoOf(c);
    const xv = values(2 * 9 * 10 * 48, 94);
    const fv = values(9 * 48 * 52, 95);
    const bv = values(52, 96);
    const want = reference.fusedConv2d(host(c.x, xv), host([3, 3, 48, 52], fv), host([52], bv), 'relu', info);
    for (const tile of [2, 4] as const) {
      const ins = [input(c.x, xv), input([3, 3, 48, 52], fv), input([52], bv)];
      const [x, f, b] = ins.map((t) => store.input(t, 'test'));
      const out = winogradConv2d(store.rt, x!, f!, b!, true, info, undefined, tile, 'xnnpack')!;
      const got = store.rt.f32(out.data).slice();
      store.rt.dispose(out);
      for (const t of ins) store.disposeData(t.dataId);
      expect(worstFraction(got, want), `F(${tile}×${tile})`).toBeLessThanOrEqual(tile === 4 ? 0.5 : 1);
    }
  });

  it('splits a large image into parts of tile rows (40×44: two parts of 6 and 4 tile rows by F(4×4), seven of 3 or 2 by F(2×2)), within the bound', () => {
    const c: Case = { x: [1, 40, 44, 32], co: 36, pad: 'same', bias: true, act: 'relu' };
    const xv = values(40 * 44 * 32, 97);
    const fv = values(9 * 32 * 36, 98);
    const bv = values(36, 99);
    const want = reference.fusedConv2d(host(c.x, xv), host([3, 3, 32, 36], fv), host([36], bv), 'relu', infoOf(c));
    for (const tile of [2, 4] as const)
      expect(worstFraction(runTile(c, xv, fv, bv, tile)!, want), `F(${tile}×${tile})`).toBeLessThanOrEqual(tile === 4 ? 0.5 : 1);
  });

  it('F(4×4): a 32 → 96 convolution (the fewest channels it takes) with inputs in [1, 2), where the transforms cancel most', () => {
    const c: Case = { x: [2, 10, 11, 32], co: 96, pad: 'same', bias: true, act: 'linear' };
    const info = infoOf(c);
    expect(winogradTile(info)).toBe(4);
    const xv = values(2 * 10 * 11 * 32, 91).map((v) => 1.5 + v / 2);
    const fv = values(9 * 32 * 96, 92);
    const bv = values(96, 93);
    const want = reference.fusedConv2d(host(c.x, xv), host([3, 3, 32, 96], fv), host([96], bv), 'linear', info);
    expect(worstFraction(runTile(c, xv, fv, bv, 4)!, want)).toBeLessThanOrEqual(0.5);
  });

  it('runs a batch in chunks of images when the transformed inputs would exceed the chunk size', () => {
    const c: Case = { x: [5, 6, 7, 16], co: 20, pad: 'same', bias: true, act: 'relu' };
    const info = infoOf(c);
    const xv = values(5 * 6 * 7 * 16, 51);
    const fv = values(9 * 16 * 20, 52);
    const bv = values(20, 53);
    const [x, f, b] = [input(c.x, xv), input([3, 3, 16, 20], fv), input([20], bv)];
    const perImageBytes = 16 * 4 * 20 * 3 * 4; // 16 matrices × 4 bytes × max(ci, co) × 3×4 tiles
    const out = winogradConv2d(store.rt, store.input(x, 'test'), store.input(f, 'test'), store.input(b, 'test'), true, info, 2 * perImageBytes)!;
    expect(out).not.toBeNull();
    const got = store.rt.f32(out.data).slice();
    store.rt.dispose(out);
    for (const t of [x, f, b]) store.disposeData(t.dataId);
    const want = reference.fusedConv2d(host(c.x, xv), host([3, 3, 16, 20], fv), host([20], bv), 'relu', info);
    expect(worstFraction(got, want)).toBeLessThanOrEqual(1);
  });

  it('F(4×4) in chunks too: 5 images of 3×2 tiles, 2 images per chunk', () => {
    const c: Case = { x: [5, 9, 6, 32], co: 36, pad: 'same', bias: true, act: 'relu' };
    const xv = values(5 * 9 * 6 * 32, 54);
    const fv = values(9 * 32 * 36, 55);
    const bv = values(36, 56);
    const perImageBytes = 36 * 4 * 36 * 3 * 2; // 36 matrices × 4 bytes × max(ci, co) × 3×2 tiles
    const want = reference.fusedConv2d(host(c.x, xv), host([3, 3, 32, 36], fv), host([36], bv), 'relu', infoOf(c));
    expect(worstFraction(runTile(c, xv, fv, bv, 4, 2 * perImageBytes)!, want)).toBeLessThanOrEqual(0.5);
  });

  it('gives up (null, nothing left allocated) on a non-finite result; the kernels then fall back and match the reference’s NaN and ±∞', () => {
    const c: Case = { x: [1, 8, 8, 48], co: 48, pad: 'same', bias: true, act: 'relu' };
    const info = infoOf(c);
    expect(winogradApplies(store.rt, info)).toBe(true); // so the kernels try it first
    const xv = values(8 * 8 * 48, 5);
    xv[(2 * 8 + 3) * 48 + 1] = Number.POSITIVE_INFINITY; // ∞ − ∞ inside the transforms would give NaN where the sum is ±∞
    xv[(6 * 8 + 6) * 48 + 4] = Number.NaN;
    const fv = values(9 * 48 * 48, 6);
    const bv = values(48, 7);
    const x = input(c.x, xv);
    const f = input([3, 3, 48, 48], fv);
    const before = store.numDataIds();
    const tfjsBefore = store.rt.tfjsDataIds();
    for (const tile of [2, 4] as const)
      expect(winogradConv2d(store.rt, store.input(x, 'test'), store.input(f, 'test'), null, false, info, undefined, tile), `F(${tile}×${tile})`).toBeNull();
    expect([store.numDataIds(), store.rt.tfjsDataIds()]).toEqual([before, tfjsBefore]);
    store.disposeData(x.dataId);
    store.disposeData(f.dataId);
    for (const act of ['relu', 'linear'] as const) {
      const want = reference.fusedConv2d(host(c.x, xv), host([3, 3, 48, 48], fv), host([48], bv), act, info);
      expect(want.out.values.some((v) => v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY)).toBe(true);
      expect(worstFraction(run({ ...c, act }, xv, fv, bv, 'fusedConv2d'), want)).toBeLessThanOrEqual(1);
    }
  });

  if (threadsRun)
    it('gives the same bits on 1 and 2 threads (the seed CNN’s conv64 → 64 with bias and relu, batch 4, by F(4×4) through the kernel and by F(2×2))', async () => {
      const two = await backendOn(2);
      try {
        const c: Case = { x: [4, 28, 28, 64], co: 64, pad: 'same', bias: true, act: 'relu' };
        const info = infoOf(c);
        const xv = values(4 * 28 * 28 * 64, 41);
        const fv = values(9 * 64 * 64, 42);
        const bv = values(64, 43);
        const outs = [
          { store, backend },
          { store: two.store, backend: two.backend },
        ].map(({ store: s, backend: b }) => {
          const t = (shape: readonly number[], v: Float32Array): TensorInfo => ({ dataId: s.write(v, shape, 'float32'), shape, dtype: 'float32' });
          const ins = [t(c.x, xv), t([3, 3, 64, 64], fv), t([64], bv)] as const;
          expect(winogradApplies(s.rt, info)).toBe(true);
          expect(winogradTile(info)).toBe(4);
          const out = b.kernels.fusedConv2d(ins[0], ins[1], ins[2], 'relu', info);
          const got = s.readSync(out.dataId) as Float32Array;
          const f2 = winogradConv2d(s.rt, s.input(ins[0], 'test'), s.input(ins[1], 'test'), s.input(ins[2], 'test'), true, info, undefined, 2)!;
          const got2 = s.rt.f32(f2.data).slice();
          s.rt.dispose(f2);
          for (const d of [out, ...ins]) s.disposeData(d.dataId);
          return [got, got2].map((g) => new Uint32Array(g.buffer, g.byteOffset, g.length));
        });
        expect(two.store.rt.threads).toBe(2);
        for (const k of [0, 1]) {
          const [one, twos] = [outs[0]![k]!, outs[1]![k]!];
          let diff = -1;
          for (let i = 0; i < one.length && diff < 0; i++) if (one[i] !== twos[i]) diff = i;
          expect(diff, `${k === 0 ? 'F(4×4)' : 'F(2×2)'}: first element whose bits differ`).toBe(-1);
        }
        expect(
          outs[0]![0]!.some((v, i) => v !== outs[0]![1]![i]),
          'F(4×4) and F(2×2) differ somewhere (two paths were run)',
        ).toBe(true);
        // Every layer takes the same path on both (the seed CNN's three: Winograd; ci·co/(ci + co) < 16: direct).
        for (const [ci, co, want] of [
          [64, 64, true],
          [64, 32, true],
          [32, 32, true],
          [20, 80, true],
          [28, 28, false],
          [16, 16, false],
          [16, 240, false],
        ] as const) {
          const g = infoOf({ x: [1, 14, 14, ci], co, pad: 'same', bias: false, act: 'linear' });
          expect([winogradApplies(store.rt, g), winogradApplies(two.store.rt, g)], `${ci} → ${co}`).toEqual([want, want]);
        }
      } finally {
        expect(two.store.numDataIds()).toBe(0);
        two.backend.dispose();
      }
    });
});
