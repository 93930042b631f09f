// Kernel philoxUniform on both routes. WebGL 2 (Chromium): the fragment
// program, forced with `random: 'gpu'` (SwiftShader defaults to the host
// draw), judged by the conformance cases against the scalar replay, against
// the host route bit for bit (raw uniforms, dropout masks, a seeded Dropout
// training step) and over 1,000 draws for leaks. WebGL 1 (Chromium, headless-gl):
// the host route, which is all that can run there, against the same replay.
import { reference } from '@polytensor/conformance';
import { conformanceSuite } from '@polytensor/conformance/vitest';
import {
  Dense,
  Dropout,
  dropout,
  ones,
  randomUniform,
  registerBackend,
  removeBackend,
  Sequential,
  setBackend,
  setSeed,
  tensor,
  type Backend,
  type DropoutMaskSpec,
  type PhiloxKey,
} from '@polytensor/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GL } from './context.js';
import { createWebGLBackend, WebGLUnavailableError, type WebGLBackend } from './index.js';
import { randomRoute } from './kernels/philox_uniform.js';
import { projectWebGLVersion } from './test_util.js';

const version = projectWebGLVersion();

/** The kernel's output read back. */
async function draw(b: Backend, shape: number[], key: PhiloxKey, mask: DropoutMaskSpec | null): Promise<Float32Array> {
  const t = b.kernels.philoxUniform(shape, key, mask);
  try {
    return (await b.read(t.dataId)) as Float32Array;
  } finally {
    b.disposeData(t.dataId);
  }
}

/** The conformance suite's scalar replay (core's philox4x32 element by element, Math.fround). */
function replay(shape: number[], key: PhiloxKey, mask: DropoutMaskSpec | null): Float32Array {
  return Float32Array.from(reference.philoxUniform(shape, key, mask).values);
}

/** Indices where the bit patterns differ (so −0 vs +0 and NaN payloads count). */
function bitDiffs(a: Float32Array, b: Float32Array): number[] {
  expect(a.length).toBe(b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  const out: number[] = [];
  for (let i = 0; i < ua.length && out.length < 10; i++) if (ua[i] !== ub[i]) out.push(i);
  return out;
}

describe('philoxUniform: the default route', () => {
  /** A context that reports `renderer` (unmasked) and highp int of `intBits` bits. */
  const fakeGL = (renderer: string, intBits: number): GL =>
    ({
      FRAGMENT_SHADER: 0x8b30,
      HIGH_INT: 0x8df5,
      getExtension: (name: string) => (name === 'WEBGL_debug_renderer_info' ? { UNMASKED_RENDERER_WEBGL: 0x9246 } : null),
      getParameter: (p: number) => (p === 0x9246 ? renderer : null),
      getShaderPrecisionFormat: () => ({ rangeMin: intBits - 1, rangeMax: intBits - 2, precision: 0 }),
    }) as unknown as GL;
  const nvidia = 'ANGLE (NVIDIA, NVIDIA GeForce RTX 4090 Direct3D11 vs_5_0 ps_5_0, D3D11)';
  const swiftshader = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';

  it('the program on WebGL 2 hardware; the host draw on software renderers, WebGL 1 and narrow highp int', () => {
    expect(randomRoute(fakeGL(nvidia, 32), 2, undefined)).toBe('gpu');
    expect(randomRoute(fakeGL(swiftshader, 32), 2, undefined)).toBe('host');
    expect(randomRoute(fakeGL('llvmpipe (LLVM 15.0.7, 256 bits)', 32), 2, undefined)).toBe('host');
    expect(randomRoute(fakeGL(nvidia, 32), 1, undefined)).toBe('host');
    expect(randomRoute(fakeGL(nvidia, 16), 2, undefined)).toBe('host');
  });

  it('an asked route wins where it can run; the program where it cannot is a clear error', () => {
    expect(randomRoute(fakeGL(swiftshader, 32), 2, 'gpu')).toBe('gpu');
    expect(randomRoute(fakeGL(nvidia, 32), 2, 'host')).toBe('host');
    expect(() => randomRoute(fakeGL(nvidia, 16), 2, 'gpu')).toThrow(/WebGL 2 without 32-bit highp int/);
    expect(() => randomRoute(fakeGL(nvidia, 32), 1, 'gpu')).toThrow(WebGLUnavailableError);
  });
});

if (version === 2) {
  conformanceSuite('webgl2, random on the GPU', () => createWebGLBackend({ webglVersion: 2, random: 'gpu' }), { filter: 'philoxUniform' });

  describe('philoxUniform: the fragment program against the host route (WebGL 2)', () => {
    let gpu: WebGLBackend;
    let host: WebGLBackend;
    beforeAll(async () => {
      gpu = await createWebGLBackend({ webglVersion: 2, random: 'gpu' });
      host = await createWebGLBackend({ webglVersion: 2, random: 'host' });
      registerBackend('webgl-rng-gpu', () => gpu, -1);
      registerBackend('webgl-rng-host', () => host, -2);
    });
    afterAll(() => {
      removeBackend('webgl-rng-gpu');
      removeBackend('webgl-rng-host');
      gpu.dispose();
      host.dispose();
    });

    it('reports its route, and both routes implement the kernel', () => {
      expect(gpu.random).toBe('gpu');
      expect(host.random).toBe('host');
      expect(gpu.implemented.has('philoxUniform')).toBe(true);
      expect(host.implemented.has('philoxUniform')).toBe(true);
    });

    it("the host route draws into a disposed draw's array: later draws, a read begun before the dispose and an upload stay exact", async () => {
      const shape = [64, 16];
      const key = (stream: number): PhiloxKey => ({ k0: 0x1234567, k1: 0x89abcdef, stream });
      const f32 = (t: { dataId: object }): Promise<Float32Array> => host.read(t.dataId) as Promise<Float32Array>;
      const pool = host.store.hostArrays;
      pool.clear();
      const a = host.kernels.philoxUniform(shape, key(1), null);
      const pending = f32(a);
      host.disposeData(a.dataId);
      expect(pool.size.arrays, "a's array is back in the pool").toBe(1);
      const live: { dataId: object }[] = [];
      try {
        const b = host.kernels.philoxUniform(shape, key(2), null);
        live.push(b);
        expect(pool.size.arrays, "b draws into a's array").toBe(0);
        expect(bitDiffs(await pending, replay(shape, key(1), null)), 'the read begun before the dispose').toEqual([]);
        expect(bitDiffs(await f32(b), replay(shape, key(2), null))).toEqual([]);
        // c is uploaded by neg (tfjs drops its host values), then its array draws d while negC lives in a texture
        const c = host.kernels.philoxUniform(shape, key(3), null);
        const negC = host.kernels.unary('neg', c);
        live.push(negC);
        host.disposeData(c.dataId);
        expect(pool.size.arrays, "c's array, once tfjs let go of it").toBe(1);
        const d = host.kernels.philoxUniform(shape, key(1), null);
        live.push(d);
        expect(
          bitDiffs(
            await f32(negC),
            replay(shape, key(3), null).map((v) => -v),
          ),
        ).toEqual([]);
        expect(bitDiffs(await f32(d), replay(shape, key(1), null))).toEqual([]);
        expect(bitDiffs(await f32(b), replay(shape, key(2), null))).toEqual([]);
      } finally {
        for (const t of live) host.disposeData(t.dataId);
      }
    });

    it('flat and packed layouts, every rank, odd sides, wide keys: bit-identical to the host route and the replay', async () => {
      const key: PhiloxKey = { k0: 0x9abcdef0, k1: 0xfedcba98, stream: 0x80000001 };
      const mask: DropoutMaskSpec = { threshold: Math.fround(0.3), scale: Math.fround(1 / Math.fround(0.7)) };
      // ≥ 1024 values of rank 1–4 draw masks packed (odd sides leave padding lanes); the rest run flat
      for (const shape of [[1], [3, 1], [4097], [33, 65], [3, 17, 31], [2, 5, 11, 13], [2, 3, 2, 3, 41]]) {
        for (const m of [null, mask]) {
          const want = replay(shape, key, m);
          const what = `[${shape.join(',')}] ${m ? 'mask' : 'uniform'}`;
          expect(bitDiffs(await draw(gpu, shape, key, m), want), `${what}: gpu vs replay`).toEqual([]);
          expect(bitDiffs(await draw(host, shape, key, m), want), `${what}: host vs replay`).toEqual([]);
        }
      }
    });

    it("dropout's masks and a seeded Dropout training step are bit-identical on both routes", async () => {
      const shape = [4, 8, 8, 16];
      const masks = async (backend: string): Promise<Float32Array[]> => {
        await setBackend(backend);
        setSeed(7);
        const x = ones(shape);
        const out: Float32Array[] = [];
        for (const rate of [0.1, 0.5, 0.9]) {
          const y = dropout(x, rate);
          out.push((await y.data()) as Float32Array);
          y.dispose();
        }
        x.dispose();
        return out;
      };
      const a = await masks('webgl-rng-gpu');
      const b = await masks('webgl-rng-host');
      for (let k = 0; k < a.length; k++) {
        expect(bitDiffs(a[k]!, b[k]!), `mask ${k}`).toEqual([]);
        const kept = a[k]!.filter((v) => v !== 0).length / a[k]!.length;
        expect(Math.abs(kept - (1 - [0.1, 0.5, 0.9][k]!)), `mask ${k} keeps 1 − rate`).toBeLessThan(0.05);
      }

      const step = async (backend: string): Promise<Float32Array[]> => {
        await setBackend(backend);
        setSeed(42);
        const model = new Sequential({
          layers: [
            new Dense({ units: 64, activation: 'relu', inputShape: [32] }),
            new Dropout({ rate: 0.5 }),
            new Dense({ units: 64, activation: 'relu' }),
            new Dropout({ rate: 0.25 }),
            new Dense({ units: 4 }),
          ],
        });
        model.compile({ optimizer: 'sgd', learningRate: 0.1, loss: 'sparseSoftmaxCrossEntropy' });
        const xs = tensor(
          Float32Array.from({ length: 16 * 32 }, (_, i) => Math.sin(i)),
          [16, 32],
        );
        const ys = tensor(
          Int32Array.from({ length: 16 }, (_, i) => i % 4),
          [16],
          'int32',
        );
        try {
          for (let s = 0; s < 2; s++) model.trainOnBatch(xs, ys);
          return await Promise.all(model.trainableWeights.map(async (w) => (await w.data()) as Float32Array));
        } finally {
          xs.dispose();
          ys.dispose();
          model.dispose();
        }
      };
      const wa = await step('webgl-rng-gpu');
      const wb = await step('webgl-rng-host');
      expect(wa.length).toBe(6);
      wa.forEach((w, k) => expect(bitDiffs(w, wb[k]!), `weight ${k} after two steps`).toEqual([]));
    });

    it('1,000 draws (uniforms and masks, flat and packed) leak no tensors, data ids or textures', async () => {
      await setBackend('webgl-rng-gpu');
      const x = ones([40, 40]);
      const round = (i: number): void => {
        const u = randomUniform([40, 40], 0, 1, 'float32', i);
        const d = dropout(x, 0.5, i);
        u.dispose();
        d.dispose();
      };
      const settle = async (): Promise<void> => {
        const t = randomUniform([1], 0, 1, 'float32', 1);
        await t.data();
        t.dispose();
      };
      for (let i = 0; i < 20; i++) round(i);
      await settle();
      const before = gpu.memory();
      for (let i = 0; i < 1000; i++) round(i);
      await settle();
      const after = gpu.memory();
      x.dispose();
      for (const k of ['numDataIds', 'tfjsDataIds', 'texturesInUse', 'texturesFree', 'compiledPrograms'] as const) {
        expect(after[k], `${k}: ${before[k]} → ${after[k]}`).toBe(before[k]);
      }
    });
  });
} else {
  describe(`philoxUniform on WebGL 1: the host route`, () => {
    let b: WebGLBackend;
    beforeAll(async () => {
      b = await createWebGLBackend({ webglVersion: 1 });
    });
    afterAll(() => b.dispose());

    it('draws on the host (no integers in GLSL ES 1.00) and matches the replay bit for bit', async () => {
      expect(b.random).toBe('host');
      const key: PhiloxKey = { k0: 0x80000000, k1: 3, stream: 0xffffffff };
      const mask: DropoutMaskSpec = { threshold: Math.fround(0.25), scale: Math.fround(4 / 3) };
      for (const m of [null, mask]) expect(bitDiffs(await draw(b, [33, 65], key, m), replay([33, 65], key, m))).toEqual([]);
    });

    it("asking for random: 'gpu' on WebGL 1 fails with what to do", async () => {
      const made = createWebGLBackend({ webglVersion: 1, random: 'gpu' });
      await expect(made).rejects.toThrow(WebGLUnavailableError);
      await expect(createWebGLBackend({ webglVersion: 1, random: 'gpu' })).rejects.toThrow(/random 'gpu' needs WebGL 2.*Leave random unset/);
    });
  });
}
