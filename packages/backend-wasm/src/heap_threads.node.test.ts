// This package's SIMD gradient kernels split over its heap workers
// (src/kernels/heap_threads.ts) on the threaded build's shared heap: the same
// bits as the 1-thread module, whether the calling thread takes parts or the
// workers run all of them; the workers really run parts; small kernels stay
// on the calling thread; the float64 reference agrees.
import { computeConv2DInfo, computePool2DInfo, type Conv2DInfo } from '@polytensor/core';
import { gamma, host, reference } from '@polytensor/conformance';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { correlateTiles, correlateValid } from './kernels/conv_simd.js';
import { boolToFloat32, columnSums, compareWithScalar } from './kernels/elementwise_simd.js';
import { bySimdTiles, filterGradGroups, filterGradTiles } from './kernels/filter_grad_simd.js';
import { heapWorkerStats, SPLIT_MIN_WORK, setCallerClaims } from './kernels/heap_threads.js';
import { narrowConv2d } from './kernels/narrow_conv2d.js';
import { avgPool } from './kernels/avg_pool.js';
import { winogradConv2d } from './kernels/winograd_conv2d.js';
import { loadRuntime } from './load.js';
import type { Tw, WasmRuntime } from './runtime.js';

/** Deterministic values in [-2, 2) from a fixed LCG, independent of the code under test. */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2);
}

type Shape4 = [number, number, number, number];

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const x = bits(a);
  const y = bits(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

describe('SIMD gradients on heap workers', () => {
  let one: WasmRuntime;
  let two: WasmRuntime;
  beforeAll(async () => {
    one = await loadRuntime(1);
    two = await loadRuntime(2);
  });
  afterEach(() => setCallerClaims(true));

  /** `run` on heap copies of `inputs` in `rt`; the output read back, every buffer freed. */
  function on(rt: WasmRuntime, inputs: [readonly number[], Float32Array][], run: (...t: Tw[]) => Tw): Float32Array {
    const before = rt.tfjsDataIds();
    const ts = inputs.map(([shape, v]) => {
      const t = rt.empty(shape, 'float32');
      rt.f32(t.data).set(v);
      return t;
    });
    try {
      const out = rt.transaction(() => run(...ts));
      const got = rt.f32(out.data).slice();
      rt.dispose(out);
      return got;
    } finally {
      for (const t of ts) rt.dispose(t);
      expect(rt.tfjsDataIds(), 'buffers left behind').toBe(before);
    }
  }

  /** The output on 1 thread, and on 2 with the caller taking parts and with the workers taking all; the parts the workers ran. */
  function threeWays(inputs: [readonly number[], Float32Array][], run: (rt: WasmRuntime, ...t: Tw[]) => Tw) {
    const single = on(one, inputs, (...t) => run(one, ...t));
    const s0 = heapWorkerStats(two);
    const shared = on(two, inputs, (...t) => run(two, ...t));
    const s1 = heapWorkerStats(two);
    setCallerClaims(false);
    const workers = on(two, inputs, (...t) => run(two, ...t));
    const s2 = heapWorkerStats(two);
    return { single, shared, workers, jobs: [s1.jobs - s0.jobs, s2.jobs - s1.jobs], byWorkers: s2.partsByWorkers - s1.partsByWorkers };
  }

  it('the 2-thread runtime has one heap worker', () => {
    expect(heapWorkerStats(two).workers).toBe(1);
    expect(heapWorkerStats(one)).toEqual({ workers: 0, jobs: 0, partsByWorkers: 0 });
  });

  const filterCases: [string, number[], number[], number | [number, number], 'same' | 'valid', number][] = [
    // name, x shape, filter shape, stride, padding, dilation
    ['64→64 3×3 same (8-channel blocks in two halves)', [4, 14, 14, 64], [3, 3, 64, 64], 1, 'same', 1],
    ['6→36 (input-channel remainder, a 4-channel block in the last part)', [6, 17, 15, 6], [3, 3, 6, 36], 1, 'same', 1],
    ['stride 2, dilation-free, 5×5 valid', [5, 23, 21, 12], [5, 5, 12, 24], 2, 'valid', 1],
    ['dilation 2', [3, 20, 20, 8], [3, 3, 8, 48], 1, 'same', 2],
    ['20 images: three image groups summed in order, × two channel ranges with a 4-channel remainder', [20, 12, 12, 8], [3, 3, 8, 36], 1, 'same', 1],
  ];
  for (const [name, xShape, fShape, stride, pad, dil] of filterCases) {
    it(`filter gradient ${name}: the same bits on 1 and 2 threads, workers included; the float64 reference agrees`, () => {
      const info: Conv2DInfo = computeConv2DInfo('conv2d', xShape, fShape, stride, pad, dil);
      expect(
        info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels * info.outChannels,
      ).toBeGreaterThanOrEqual(SPLIT_MIN_WORK);
      const xv = values(
        xShape.reduce((a, b) => a * b, 1),
        5,
      );
      const dyv = values(
        info.outShape.reduce((a, b) => a * b, 1),
        6,
      );
      const r = threeWays(
        [
          [info.inShape, xv],
          [info.outShape, dyv],
        ],
        (rt, x, dy) => bySimdTiles(rt, filterGradTiles(rt)!, x!, dy!, info),
      );
      expect(r.jobs).toEqual([1, 1]);
      expect(r.byWorkers).toBeGreaterThan(0);
      expect(firstDifference(r.single, r.shared), 'caller and worker').toBe(-1);
      expect(firstDifference(r.single, r.workers), 'workers only').toBe(-1);
      const want = reference.conv2dBackpropFilter(host(info.inShape, xv), host(info.outShape, dyv), info);
      let worst = 0;
      r.workers.forEach((g, i) => {
        worst = Math.max(worst, Math.abs(g - want.out.values[i]!) / (gamma(want.terms[i]!) * want.absSum[i]!));
      });
      expect(worst, 'worst error as a fraction of γ_n·Σ|term|').toBeLessThanOrEqual(1);
    });
  }

  /** Stride-1 valid correlation in float64: the reference for correlateValid. */
  function correlate(inp: Float32Array, [b, hp, wp, k]: Shape4, f: Float32Array, [fh, fw, , c]: Shape4, dh: number, dw: number) {
    const oh = hp - (fh - 1) * dh;
    const ow = wp - (fw - 1) * dw;
    const out = new Float64Array(b * oh * ow * c);
    const abs = new Float64Array(out.length);
    for (let n = 0; n < b; n++)
      for (let y = 0; y < oh; y++)
        for (let x = 0; x < ow; x++)
          for (let i = 0; i < fh; i++)
            for (let j = 0; j < fw; j++)
              for (let q = 0; q < k; q++) {
                const v = inp[((n * hp + y + i * dh) * wp + x + j * dw) * k + q]!;
                for (let o = 0; o < c; o++) {
                  const t = v * f[((i * fw + j) * k + q) * c + o]!;
                  const at = ((n * oh + y) * ow + x) * c + o;
                  out[at]! += t;
                  abs[at]! += Math.abs(t);
                }
              }
    return { out, abs, terms: fh * fw * k };
  }

  const corrCases: [string, Shape4, Shape4, number, number][] = [
    ['5 images 16×16×32 → 40 (a 4-channel block, row remainders)', [5, 18, 19, 32], [3, 3, 32, 40], 1, 1],
    ['dilation 2, 7 images', [7, 16, 16, 8], [3, 3, 8, 64], 2, 2],
  ];
  for (const [name, inShape, fShape, dh, dw] of corrCases) {
    it(`input gradient's correlation, ${name}: the same bits on 1 and 2 threads, workers included; the float64 reference agrees`, () => {
      const iv = values(
        inShape.reduce((a, b) => a * b, 1),
        7,
      );
      const fv = values(
        fShape.reduce((a, b) => a * b, 1),
        8,
      );
      const r = threeWays(
        [
          [inShape, iv],
          [fShape, fv],
        ],
        (rt, i, f) => correlateValid(rt, correlateTiles(rt)!, i!, f!, dh, dw),
      );
      expect(r.jobs).toEqual([1, 1]);
      expect(r.byWorkers).toBe(inShape[0]); // one part per image, all of them the workers'
      expect(firstDifference(r.single, r.shared), 'caller and worker').toBe(-1);
      expect(firstDifference(r.single, r.workers), 'workers only').toBe(-1);
      const want = correlate(iv, inShape, fv, fShape, dh, dw);
      let worst = 0;
      r.workers.forEach((g, i) => {
        worst = Math.max(worst, Math.abs(g - want.out[i]!) / (gamma(want.terms) * want.abs[i]!));
      });
      expect(worst, 'worst error as a fraction of γ_n·Σ|term|').toBeLessThanOrEqual(1);
    });
  }

  it('the filter gradient groups 8 images per dW (the 20-image case above: 3), fewer when their extra dWs would pass 64 MiB', () => {
    expect(filterGradGroups(20, 3 * 3 * 8 * 36 * 4)).toBe(3);
    expect(filterGradGroups(50, 3 * 3 * 64 * 64 * 4)).toBe(7);
    expect(filterGradGroups(8, 1000)).toBe(1);
    expect(filterGradGroups(512, 3 * 3 * 1024 * 1024 * 4)).toBe(2); // 36 MiB per dW: one extra fits
    expect(filterGradGroups(512, 100 * 1024 * 1024)).toBe(1);
  });

  it("Winograd's transforms and products, one part per image: the same bits on 1 and 2 threads, workers included; a NaN in one image is still seen", () => {
    // the seed CNN's 64→64 layer with bias and relu, 12 images (above SPLIT_MIN_WORK)
    const info = computeConv2DInfo('conv2d', [12, 28, 28, 64], [3, 3, 64, 64], 1, 'same');
    const xv = values(12 * 28 * 28 * 64, 11);
    const fv = values(9 * 64 * 64, 12);
    const bv = values(64, 13);
    const inputs: [readonly number[], Float32Array][] = [
      [info.inShape, xv],
      [[3, 3, 64, 64], fv],
      [[64], bv],
    ];
    const r = threeWays(inputs, (rt, x, f, b) => winogradConv2d(rt, x!, f!, b!, true, info)!);
    // one job per chunk of 4 images (2 MiB of 451 KB each), one part per image: its input transform, products, output transform
    expect(r.jobs).toEqual([3, 3]);
    expect(r.byWorkers).toBe(12);
    expect(firstDifference(r.single, r.shared), 'caller and worker').toBe(-1);
    expect(firstDifference(r.single, r.workers), 'workers only').toBe(-1);
    // within the direct convolution's bound γ_n·Σ|term|, against float64 (the last two images: the reference is slow)
    const image = 28 * 28 * 64;
    const last2 = computeConv2DInfo('conv2d', [2, 28, 28, 64], [3, 3, 64, 64], 1, 'same');
    const want = reference.fusedConv2d(host([2, 28, 28, 64], xv.subarray(10 * image)), host([3, 3, 64, 64], fv), host([64], bv), 'relu', last2);
    let worst = 0;
    r.workers.subarray(10 * image).forEach((g, i) => {
      const err = Math.abs(g - want.out.values[i]!);
      const bound = gamma(want.terms[i]!) * want.absSum[i]!;
      worst = Math.max(worst, bound === 0 ? (err === 0 ? 0 : Infinity) : err / bound);
    });
    expect(worst, 'worst error as a fraction of γ_n·Σ|term|').toBeLessThanOrEqual(1);
    // a NaN in the last image: its part's flag (run by a worker) makes the kernel give up, freeing everything
    const bad = xv.slice();
    bad[bad.length - 5] = Number.NaN;
    setCallerClaims(false);
    const before = two.tfjsDataIds();
    const x = two.empty(info.inShape, 'float32');
    const f = two.empty([3, 3, 64, 64], 'float32');
    const b = two.empty([64], 'float32');
    two.f32(x.data).set(bad);
    two.f32(f.data).set(fv);
    two.f32(b.data).set(bv);
    expect(winogradConv2d(two, x, f, b, true, info)).toBeNull();
    for (const t of [x, f, b]) two.dispose(t);
    expect(two.tfjsDataIds()).toBe(before);
  });

  it("Winograd F(4×4) on 14×14 outputs (the seed CNN's 64 → 32 layer: 16×16 of blocks, each image's part crops its own): the same bits on 1 and 2 threads, workers included; the float64 reference agrees", () => {
    const info = computeConv2DInfo('conv2d', [12, 14, 14, 64], [3, 3, 64, 32], 1, 'same');
    const xv = values(12 * 14 * 14 * 64, 61);
    const fv = values(9 * 64 * 32, 62).map((v) => v / 8);
    const bv = values(32, 63);
    const r = threeWays(
      [
        [info.inShape, xv],
        [[3, 3, 64, 32], fv],
        [[32], bv],
      ],
      (rt, x, f, b) => winogradConv2d(rt, x!, f!, b!, true, info)!,
    );
    expect(r.jobs).toEqual([1, 1]);
    expect(r.byWorkers).toBe(12);
    expect(firstDifference(r.single, r.shared), 'caller and worker').toBe(-1);
    expect(firstDifference(r.single, r.workers), 'workers only').toBe(-1);
    const want = reference.fusedConv2d(host(info.inShape, xv), host([3, 3, 64, 32], fv), host([32], bv), 'relu', info);
    expect(r.workers.length).toBe(want.out.values.length);
    let worst = 0;
    r.workers.forEach((g, i) => {
      const err = Math.abs(g - want.out.values[i]!);
      const bound = gamma(want.terms[i]!) * want.absSum[i]!;
      worst = Math.max(worst, bound === 0 ? (err === 0 ? 0 : Infinity) : err / bound);
    });
    expect(worst, 'worst error as a fraction of γ_n·Σ|term|').toBeLessThanOrEqual(0.5);
  });

  it("a first layer's narrow convolution (1 → 64 channels, bias and relu in each image's part): the same bits on 1 and 2 threads, workers included; NaN kept", () => {
    const info = computeConv2DInfo('conv2d', [12, 28, 28, 1], [3, 3, 1, 64], 1, 'same');
    const xv = values(12 * 28 * 28, 31);
    xv[11 * 784 + 5 * 28 + 7] = Number.NaN; // in the last image: its 3×3 neighbourhood's outputs are NaN, and relu keeps them
    const fv = values(9 * 64, 32);
    const bv = values(64, 33);
    const inputs: [readonly number[], Float32Array][] = [
      [info.inShape, xv],
      [[3, 3, 1, 64], fv],
      [[64], bv],
    ];
    const r = threeWays(inputs, (rt, x, f, b) => narrowConv2d(rt, x!, f!, b!, true, info));
    expect(r.jobs).toEqual([1, 1]); // one job, one part per image
    expect(r.byWorkers).toBe(12);
    expect(firstDifference(r.single, r.shared), 'caller and worker').toBe(-1);
    expect(firstDifference(r.single, r.workers), 'workers only').toBe(-1);
    const last = computeConv2DInfo('conv2d', [1, 28, 28, 1], [3, 3, 1, 64], 1, 'same');
    const want = reference.fusedConv2d(host([1, 28, 28, 1], xv.subarray(11 * 784)), host([3, 3, 1, 64], fv), host([64], bv), 'relu', last);
    let worst = 0;
    let nans = 0;
    r.workers.subarray(11 * 784 * 64).forEach((g, i) => {
      const w = want.out.values[i]!;
      if (Number.isNaN(w)) {
        nans++;
        expect(g, `output ${i}`).toBeNaN();
        return;
      }
      const err = Math.abs(g - w);
      const bound = gamma(want.terms[i]!) * want.absSum[i]!;
      worst = Math.max(worst, bound === 0 ? (err === 0 ? 0 : Infinity) : err / bound);
    });
    expect(nans).toBe(9 * 64);
    expect(worst, 'worst error as a fraction of γ_n·Σ|term|').toBeLessThanOrEqual(1);
  });

  it("average pooling 2×2 (the seed CNN's 28×28×64 pool, batch 50) by the SIMD windows, one part per image: the same bits on 1 and 2 threads, workers included; NaN and ±∞ as IEEE sums give them", () => {
    const info = computePool2DInfo('avgPool', [50, 28, 28, 64], 2, 2, 'valid');
    const xv = values(50 * 28 * 28 * 64, 51);
    const at = (b: number, y: number, x: number, c: number): number => ((b * 28 + y) * 28 + x) * 64 + c;
    xv[at(49, 0, 0, 3)] = Number.NaN; // output (0, 0): NaN
    xv[at(49, 4, 6, 9)] = Number.POSITIVE_INFINITY; // output (2, 3): +∞
    xv[at(49, 4, 7, 9)] = Number.NEGATIVE_INFINITY; // … and −∞ in the same window: NaN
    xv[at(49, 9, 9, 17)] = Number.NEGATIVE_INFINITY; // output (4, 4): −∞
    const r = threeWays([[info.inShape, xv]], (rt, x) => avgPool(rt, x!, info));
    expect(r.jobs).toEqual([1, 1]);
    expect(r.byWorkers).toBe(50);
    expect(firstDifference(r.single, r.shared), 'caller and worker').toBe(-1);
    expect(firstDifference(r.single, r.workers), 'workers only').toBe(-1);
    const want = reference.avgPool(host(info.inShape, xv), info);
    const image = 14 * 14 * 64;
    const got = (b: number, y: number, x: number, c: number): number => r.workers[b * image + (y * 14 + x) * 64 + c]!;
    expect([got(49, 0, 0, 3), got(49, 2, 3, 9), got(49, 4, 4, 17)]).toEqual([Number.NaN, Number.NaN, Number.NEGATIVE_INFINITY]);
    let worst = 0;
    r.workers.forEach((g, i) => {
      const w = want.out.values[i]!;
      if (!Number.isFinite(w)) {
        expect(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `output ${i}: ${g} against ${w}`).toBe(true);
        return;
      }
      const bound = gamma(want.terms[i]! + 1) * want.absSum[i]!; // the window's sum and one division
      worst = Math.max(worst, Math.abs(g - w) / bound);
    });
    expect(worst, 'worst error as a fraction of γ_(n+1)·Σ|x|/n').toBeLessThanOrEqual(1);
  });

  it("relu's gradient mask, its cast to float32 and the bias sums from 2M elements (the seed CNN's 28×28×64 layer, batch 50): split, the 1-thread bits, workers included", () => {
    const shape = [50, 28, 28, 64];
    const n = 50 * 28 * 28 * 64;
    const xv = values(n, 21);
    xv[7] = Number.NaN;
    xv[n - 1] = 0; // the mask of the last block, and a value equal to the scalar
    const inputs: [readonly number[], Float32Array][] = [
      [shape, xv],
      [[], new Float32Array([0])],
    ];
    const mask = threeWays(inputs, (rt, x, zero) => {
      const m = compareWithScalar(rt, 'greater', x!, zero!, shape)!;
      try {
        return boolToFloat32(rt, m)!;
      } finally {
        rt.dispose(m);
      }
    });
    expect(mask.jobs).toEqual([2, 2]); // the comparison and the cast, each split
    expect(mask.byWorkers).toBe(2 * Math.ceil(n / 65536));
    expect(firstDifference(mask.single, mask.shared), 'caller and worker').toBe(-1);
    expect(firstDifference(mask.single, mask.workers), 'workers only').toBe(-1);
    expect(mask.workers.findIndex((g, i) => g !== (xv[i]! > 0 ? 1 : 0))).toBe(-1);
    const sums = threeWays([[shape, xv.map((v) => (Number.isNaN(v) ? 1 : v))]], (rt, x) => columnSums(rt, x!, n / 64, 64, [64])!);
    expect(sums.jobs).toEqual([1, 1]);
    expect(sums.byWorkers).toBe(4); // 16 columns a part
    expect(firstDifference(sums.single, sums.shared), 'caller and worker').toBe(-1);
    expect(firstDifference(sums.single, sums.workers), 'workers only').toBe(-1);
    const want = new Float32Array(64);
    for (let r = 0; r < n / 64; r++) for (let c = 0; c < 64; c++) want[c] = Math.fround(want[c]! + (r === 0 && c === 7 ? 1 : xv[r * 64 + c]!));
    expect(firstDifference(sums.workers, want), 'row by row in float32').toBe(-1);
  });

  it('a kernel below SPLIT_MIN_WORK stays on the calling thread', () => {
    const info = computeConv2DInfo('conv2d', [2, 8, 8, 8], [3, 3, 8, 16], 1, 'same');
    const before = heapWorkerStats(two).jobs;
    const xv = values(2 * 8 * 8 * 8, 9);
    const dyv = values(2 * 8 * 8 * 16, 10);
    const run = (rt: WasmRuntime) =>
      on(
        rt,
        [
          [info.inShape, xv],
          [info.outShape, dyv],
        ],
        (x, dy) => bySimdTiles(rt, filterGradTiles(rt)!, x!, dy!, info),
      );
    expect(firstDifference(run(one), run(two))).toBe(-1);
    expect(heapWorkerStats(two).jobs).toBe(before);
  });
});
