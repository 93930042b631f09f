// Kernel philoxUniform (kernels/philox_uniform.ts): core's host draw into an
// array from the store's pool, kept on the host until a kernel reads it.
// Judged against the conformance suite's scalar replay (core's philox4x32
// element by element), bit for bit: straight after the draw, after a kernel
// uploaded it, after its array was recycled into another draw, and through
// the engine (randomUniform, dropout). Node (headless-gl, WebGL 1) and
// Chromium (WebGL 2 on SwiftShader).
import { reference } from '@polytensor/conformance';
import { dropout, randomUniform, setBackend, tidy, type DropoutMaskSpec, type PhiloxKey, type TensorInfo } from '@polytensor/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpujsBackend, type GpujsBackend } from './backend.js';
import { POOLED_MIN_ELEMENTS } from './kernels/philox_uniform.js';
import { registeredBackend } from './test_util.js';

/** The conformance suite's scalar replay of the stream at `key`. */
function replay(shape: number[], key: PhiloxKey, mask: DropoutMaskSpec | null): Float32Array {
  return Float32Array.from(reference.philoxUniform(shape, key, mask).values);
}

/** The first indices where the bit patterns differ (−0 and +0 differ). */
function bitDiffs(got: ArrayLike<number>, want: Float32Array): number[] {
  expect(got.length).toBe(want.length);
  const g = new Uint32Array(Float32Array.from(got).buffer);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  const out: number[] = [];
  for (let i = 0; i < w.length && out.length < 10; i++) if (g[i] !== w[i]) out.push(i);
  return out;
}

const KEY: PhiloxKey = { k0: 0x9e3779b9, k1: 12345, stream: 3 };
const MASK: DropoutMaskSpec = { threshold: Math.fround(0.3), scale: Math.fround(1 / Math.fround(0.7)) };

describe('backend-gpujs philoxUniform: host draws in pooled arrays', () => {
  let b: GpujsBackend;
  beforeAll(() => {
    b = createGpujsBackend();
  });
  afterAll(() => b.dispose());

  const draw = (shape: number[], key: PhiloxKey, mask: DropoutMaskSpec | null): TensorInfo => b.kernels.philoxUniform(shape, key, mask);

  it('uniforms and dropout masks of every size equal the scalar replay, read with no GPU work', () => {
    // 0 and 1; 128 / 129 around the host-kept size; 5003 (prime: no whole 4-value Philox block at the end)
    for (const shape of [[0], [1], [128], [129], [61, 82], [5003]]) {
      for (const mask of [null, MASK]) {
        const key = { ...KEY, stream: shape[0]! };
        const tex = b.memory().textures!;
        const downloads = b.store.rt.downloads;
        const t = draw(shape, key, mask);
        expect(bitDiffs(b.readSync(t.dataId), replay(shape, key, mask)), `shape [${shape}], mask ${!!mask}`).toEqual([]);
        expect(b.memory().textures! - tex, 'nothing uploaded').toBe(0);
        expect(b.store.rt.downloads - downloads, 'nothing downloaded').toBe(0);
        b.disposeData(t.dataId);
      }
    }
  });

  it('a read is a copy: changing it leaves the tensor as drawn', () => {
    const t = draw([300], KEY, null);
    const first = b.readSync(t.dataId) as Float32Array;
    first.fill(7);
    expect(bitDiffs(b.readSync(t.dataId), replay([300], KEY, null))).toEqual([]);
    b.disposeData(t.dataId);
  });

  it('a disposed draw gives its array to the next draw of its size, which overwrites every value', () => {
    b.store.hostArrays.clear();
    const a = draw([5000], KEY, null);
    expect(b.memory().pooledHostArrays).toBe(0);
    b.disposeData(a.dataId);
    expect(b.memory().pooledHostArrays, 'the freed array is kept').toBe(1);
    // another size does not take it
    const other = draw([5001], KEY, null);
    expect(b.memory().pooledHostArrays).toBe(1);
    const key2 = { ...KEY, k1: 777 };
    const c = draw([5000], key2, MASK);
    expect(b.memory().pooledHostArrays, 'the same size takes it').toBe(0);
    expect(bitDiffs(b.readSync(c.dataId), replay([5000], key2, MASK))).toEqual([]);
    b.disposeData(c.dataId);
    b.disposeData(other.dataId);
    expect(b.memory().pooledHostArrays).toBe(2);
  });

  it('draws below POOLED_MIN_ELEMENTS bypass the pool (they would push the large arrays out)', () => {
    b.store.hostArrays.clear();
    const big = draw([POOLED_MIN_ELEMENTS], KEY, null);
    b.disposeData(big.dataId);
    expect(b.memory().pooledHostArrays).toBe(1);
    for (let i = 0; i < 10; i++) {
      const small = draw([POOLED_MIN_ELEMENTS - 1], { ...KEY, stream: i }, MASK);
      expect(bitDiffs(b.readSync(small.dataId), replay([POOLED_MIN_ELEMENTS - 1], { ...KEY, stream: i }, MASK))).toEqual([]);
      b.disposeData(small.dataId);
    }
    expect(b.memory().pooledHostArrays, 'only the large array is kept').toBe(1);
  });

  it('drawn, then read by a kernel (uploaded; the array goes back to the pool), then read: exact, and not changed by a later draw', () => {
    b.store.hostArrays.clear();
    const shape = [61, 91];
    const want = replay(shape, KEY, null);
    const t = draw(shape, KEY, null);
    const y = b.kernels.unary('neg', t);
    expect(b.memory().pooledHostArrays, 'uploaded: the host array is free again').toBe(1);
    // the recycled array now holds another stream: the first tensor lives on the GPU
    const key2 = { ...KEY, stream: 99 };
    const u = draw(shape, key2, null);
    expect(b.memory().pooledHostArrays).toBe(0);
    expect(bitDiffs(b.readSync(t.dataId), want), 'the drawn tensor, downloaded').toEqual([]);
    expect(
      bitDiffs(
        b.readSync(y.dataId),
        want.map((v) => -v),
      ),
      'its negation',
    ).toEqual([]);
    expect(bitDiffs(b.readSync(u.dataId), replay(shape, key2, null)), 'the later draw').toEqual([]);
    for (const x of [t, y, u]) b.disposeData(x.dataId);
  });

  it('1,000 draws, each used by a kernel and disposed, leave no buffer, texture or array behind', () => {
    b.store.hostArrays.clear();
    // one round first: the mul kernel's first run compiles it and makes the textures it keeps
    const warm = draw([50, 100], KEY, null);
    b.disposeData(b.kernels.binary('mul', warm, warm, [50, 100]).dataId);
    b.disposeData(warm.dataId);
    const before = b.memory();
    for (let i = 0; i < 1000; i++) {
      const t = draw([50, 100], { ...KEY, stream: i }, i % 2 ? MASK : null);
      const y = b.kernels.binary('mul', t, t, [50, 100]);
      if (i % 250 === 0) expect(bitDiffs(b.readSync(t.dataId), replay([50, 100], { ...KEY, stream: i }, i % 2 ? MASK : null))).toEqual([]);
      b.disposeData(t.dataId);
      b.disposeData(y.dataId);
    }
    const after = b.memory();
    expect(after.numDataIds).toBe(before.numDataIds);
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.textures).toBe(before.textures);
    expect(after.pooledHostArrays, 'one array serves every draw').toBe(1);
  });
});

describe('backend-gpujs philoxUniform through the engine', () => {
  const reg = registeredBackend();
  beforeAll(() => setBackend(reg.name));
  afterAll(() => reg.release());

  it('randomUniform and dropout with a seed give the replayed stream', () => {
    const n = [3, 2000];
    // randomUniform(seed) draws stream 0 of the seed (the bench's replay: key = the seed's two 32-bit words)
    const u = randomUniform(n, 0, 1, 'float32', 2024);
    expect(bitDiffs(u.dataSync(), replay(n, { k0: 2024, k1: 0, stream: 0 }, null))).toEqual([]);
    // dropout multiplies by its mask: the kept values are x·scale, the others 0
    const rate = 0.25;
    const mask = { threshold: Math.fround(rate), scale: Math.fround(1 / Math.fround(1 - rate)) };
    const d = tidy(() => dropout(u, rate, 11));
    const m = replay(n, { k0: 11, k1: 0, stream: 0 }, mask);
    const want = Float32Array.from(u.dataSync(), (v, i) => Math.fround(v * m[i]!));
    expect(bitDiffs(d.dataSync(), want)).toEqual([]);
    u.dispose();
    d.dispose();
  });
});
