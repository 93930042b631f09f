// Unit tests of the backend's own machinery (the conformance suite covers the
// kernels' numerics): residency, kernel caching, int32 on the host, the
// texture-limit paths, chunked reductions. Node (headless-gl) and Chromium.
import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES, PRIMITIVE_KERNELS, type DType, type TensorInfo } from '@polytensor/core';
import { createGpujsBackend, GPUJS_KERNELS, type GpujsBackend } from './backend.js';
import { CONCAT_FAN_IN } from './kernels/concat.js';
import { HOST_MAX_ELEMENTS } from './store.js';

function put(b: GpujsBackend, values: ArrayLike<number>, shape: number[], dtype: DType = 'float32'): TensorInfo {
  const arr = dtype === 'int32' ? Int32Array.from(values) : dtype === 'bool' ? Uint8Array.from(values) : Float32Array.from(values);
  return { dataId: b.write(arr, shape, dtype), shape, dtype };
}

function withBackend(fn: (b: GpujsBackend) => void): void {
  const b = createGpujsBackend();
  try {
    fn(b);
  } finally {
    b.dispose();
  }
}

describe('backend-gpujs machinery', () => {
  it('keeps tensors on the GPU between kernels: a chain of ops reads back once, at readSync', () => {
    withBackend((b) => {
      // (more than HOST_MAX_ELEMENTS: smaller tensors from the host stay there, see the next test)
      const n = HOST_MAX_ELEMENTS + 32;
      const pattern = [1, -2, 3, -4];
      const x = put(
        b,
        Array.from({ length: n }, (_, i) => pattern[i % 4]!),
        [n],
      );
      let t = x;
      const made: TensorInfo[] = [];
      const before = b.store.rt.downloads;
      for (let i = 0; i < 10; i++) {
        t = b.kernels.unary(i % 2 ? 'neg' : 'abs', t);
        made.push(t);
      }
      t = b.kernels.binary('add', t, x, [n]);
      made.push(t);
      expect(b.store.rt.downloads).toBe(before);
      expect(Array.from(b.readSync(t.dataId))).toEqual(Array.from({ length: n }, (_, i) => [0, -4, 0, -8][i % 4]));
      expect(b.store.rt.downloads).toBe(before + 1);
    });
  });

  it('keeps small tensors from the host there until a kernel reads them, then runs that kernel on the GPU and uploads each once', () => {
    withBackend((b) => {
      const xv = [0.1, -2.5, 3, 0.5, -0, 1e-3];
      const yv = [3, 0.7, -1.25, 2, 5, 1e-3];
      const x = put(b, xv, [2, 3]);
      const y = put(b, yv, [2, 3]);
      const row = put(b, [1, 2, 3], [3]);
      const created = b.store.rt.textures.created;
      const runs = b.store.rt.runs;
      // held on the host: writing them made no texture
      expect(b.store.rt.textures.created).toBe(created);
      const s = b.kernels.binary('mul', x, b.kernels.binary('add', y, row, [2, 3]), [2, 3]);
      const less = b.kernels.binary('less', x, y, [2, 3]);
      // every op ran on the GPU (the conformance suite's small cases test the shaders), each operand uploaded once
      expect(b.store.rt.runs).toBeGreaterThanOrEqual(runs + 3);
      expect(b.store.rt.textures.created).toBeGreaterThan(created);
      const f = Math.fround;
      expect(Array.from(b.readSync(s.dataId))).toEqual(xv.map((v, i) => f(f(v) * f(f(yv[i]!) + [1, 2, 3][i % 3]!))));
      expect(Array.from(b.readSync(less.dataId))).toEqual(xv.map((v, i) => (f(v) < f(yv[i]!) ? 1 : 0)));
      const afterFirst = b.store.rt.textures.created;
      const again = b.kernels.binary('add', x, y, [2, 3]);
      // x and y are on the GPU now: only the output texture is new
      expect(b.store.rt.textures.created - afterFirst).toBeLessThanOrEqual(1);
      for (const t of [s, less, again, x, y, row]) b.disposeData(t.dataId);
      // a GPU kernel uploads its small operands (once), packs them once, and both go with their buffers
      const cycle = (): void => {
        const w = put(b, [1, 0, 0, 1, 1, 1], [3, 2]);
        const yy = put(b, yv, [2, 3]);
        const mm = (): TensorInfo => b.kernels.matMul({ ...yy, shape: [1, 2, 3] }, { ...w, shape: [1, 3, 2] }, false, false);
        const r0 = b.store.rt.runs;
        const p1 = mm();
        const r1 = b.store.rt.runs;
        const p2 = mm();
        // the first product uploads (no kernel: written straight into textures) and packs both operands, then
        // multiplies; the second only multiplies (each product stays in its blocks: read back, it is never unpacked)
        expect(r1 - r0).toBe(3);
        expect(b.store.rt.runs - r1).toBe(1);
        expect(Array.from(b.readSync(p1.dataId))).toEqual([f(3 - 1.25), f(f(0.7) - 1.25), f(2 + f(1e-3)), f(5 + f(1e-3))]);
        expect(Array.from(b.readSync(p2.dataId))).toEqual(Array.from(b.readSync(p1.dataId)));
        for (const t of [p1, p2, w, yy]) b.disposeData(t.dataId);
      };
      cycle();
      const live = b.store.rt.textures.live;
      cycle();
      expect(b.store.rt.textures.live).toBe(live);
    });
  });

  it('uploads a large tensor written from the host when a kernel first reads it, then drops the host copy', () => {
    withBackend((b) => {
      const n = 3000;
      const values = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 100);
      const src = values.slice();
      const created = b.store.rt.textures.created;
      const downloads = b.store.rt.downloads;
      const x = put(b, src, [30, 100]);
      // write copied the values: the caller may reuse its array
      src.fill(7);
      expect(b.store.rt.textures.created).toBe(created);
      expect(b.memory().numBytes).toBe(4 * n);
      // a read before any kernel returns the host copy (no download), as a copy
      const early = b.readSync(x.dataId);
      expect(Array.from(early)).toEqual(Array.from(values));
      early.fill(0);
      expect(b.store.rt.downloads).toBe(downloads);
      // the first kernel uploads it; a second kernel reads the same texture
      const y = b.kernels.unary('neg', x);
      const afterFirst = b.store.rt.textures.created;
      expect(afterFirst).toBeGreaterThan(created);
      const z = b.kernels.unary('abs', x);
      expect(b.store.rt.textures.created - afterFirst).toBeLessThanOrEqual(1);
      expect(Array.from(b.readSync(y.dataId))).toEqual(Array.from(values, (v) => -v));
      expect(Array.from(b.readSync(z.dataId))).toEqual(Array.from(values, (v) => Math.abs(v)));
      // the host copy is gone (x's bytes are its texture's now) and a read downloads
      const before = b.store.rt.downloads;
      expect(Array.from(b.readSync(x.dataId))).toEqual(Array.from(values));
      expect(b.store.rt.downloads).toBe(before + 1);
      for (const t of [x, y, z]) b.disposeData(t.dataId);
      expect(b.memory().numBytes).toBe(0);
    });
  });

  it('uploads host values of any count exactly: full texture, a partial last row, special values', () => {
    withBackend((b) => {
      // (the first upload runs one tiny kernel, once per backend, to learn gpu.js's texture class)
      const first = put(b, [1, 2, 3], [3]);
      b.store.tex(first);
      b.disposeData(first.dataId);
      // 3000 fills a 50×60 texture; primes leave a partial last row; 129 is just above HOST_MAX_ELEMENTS
      for (const n of [3000, 1009, 4099, HOST_MAX_ELEMENTS + 1]) {
        const values = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? -(i + 0.25) : Math.fround(1 / (i + 1))));
        values[n - 1] = Number.NaN;
        values[1] = Number.POSITIVE_INFINITY;
        values[2] = -0;
        const x = put(b, values, [n]);
        const before = b.store.rt.runs;
        b.store.tex(x);
        // written straight into a texture: no kernel ran (gpu.js's CPU mode aside)
        if (!b.store.rt.isCpu) expect(b.store.rt.runs).toBe(before);
        const y = b.kernels.unary('neg', x);
        expect(Array.from(b.readSync(x.dataId))).toEqual(Array.from(values));
        expect(Array.from(b.readSync(y.dataId))).toEqual(Array.from(values, (v) => -v));
        b.disposeData(x.dataId);
        b.disposeData(y.dataId);
      }
    });
  });

  it('joins many parts in a tree of passes of up to CONCAT_FAN_IN inputs, every value in place', () => {
    withBackend((b) => {
      // 50 parts along axis 1 of [3, w_j, 2], widths 1..4 (a stacked sequence, uneven parts), and along axis 0
      const widths = Array.from({ length: 50 }, (_, j) => 1 + (j % 4));
      const parts = widths.map((w, j) => {
        const values = Array.from({ length: 3 * w * 2 }, (_, i) => j * 1000 + i);
        return { t: put(b, values, [3, w, 2]), values, w };
      });
      for (const p of parts) b.store.tex(p.t); // (uploaded first: the runs counted are the join's)
      const runs = b.store.rt.runs;
      const out = b.kernels.concat(
        parts.map((p) => p.t),
        1,
      );
      // 7 passes of ≤ 8 parts, then one joining those 7 (pairwise joins took 49)
      expect(b.store.rt.runs - runs).toBe(Math.ceil(50 / CONCAT_FAN_IN) + 1);
      const total = widths.reduce((x, y) => x + y, 0);
      expect(out.shape).toEqual([3, total, 2]);
      const expected: number[] = [];
      for (let o = 0; o < 3; o++) for (const p of parts) expected.push(...p.values.slice(o * p.w * 2, (o + 1) * p.w * 2));
      expect(Array.from(b.readSync(out.dataId))).toEqual(expected);
      const rows = b.kernels.concat(
        parts.slice(0, 11).map((p) => ({ ...p.t, shape: [3 * p.w * 2] })),
        0,
      );
      expect(Array.from(b.readSync(rows.dataId))).toEqual(parts.slice(0, 11).flatMap((p) => p.values));
      const live = b.store.rt.textures.live;
      for (const t of [out, rows]) b.disposeData(t.dataId);
      for (const p of parts) b.disposeData(p.t.dataId);
      // the passes' intermediate textures were freed along the way: what is left went with the buffers
      expect(b.store.rt.textures.live).toBeLessThan(live);
      expect(b.memory().numBytes).toBe(0);
    });
  });

  it('reuses freed textures of the same size and format: a steady loop makes no new texture', () => {
    const b = createGpujsBackend();
    try {
      const n = 3000;
      const values = Float32Array.from({ length: n }, (_, i) => Math.cos(i) * 10);
      const rt = b.store.rt;
      const step = (k: number): void => {
        // different values each step, so a texture still holding an earlier step's values would show
        const f = Math.fround;
        const a = Float32Array.from(values, (v) => v * (k + 1));
        const x = put(b, a, [30, 100]);
        const y = b.kernels.unary('neg', x);
        const z = b.kernels.binary('mul', y, x, [30, 100]);
        const w = b.kernels.binary('add', z, y, [30, 100]);
        expect(Array.from(b.readSync(w.dataId))).toEqual(Array.from(a, (v) => f(f(-v * v) - v)));
        for (const t of [x, y, z, w]) b.disposeData(t.dataId);
      };
      step(0);
      step(1);
      const created = rt.textures.created;
      const reused = rt.pool!.reused;
      for (let k = 2; k < 6; k++) step(k);
      if (!rt.isCpu) {
        expect(rt.textures.created).toBe(created);
        // (a kernel whose last output was freed renders into that texture again; an upload takes a pooled one)
        expect(rt.pool!.reused).toBeGreaterThanOrEqual(reused + 4);
        // pooled textures are not counted as in use
        expect(rt.textures.pooled).toBeGreaterThan(0);
        expect(b.memory()['pooledTextures']).toBe(rt.textures.pooled);
      }
    } finally {
      b.dispose();
    }
    // dispose deletes the pooled textures too
    expect(b.store.rt.textures.pooled).toBe(0);
  });

  it('compiles each kernel once per shape signature; sizes are uniforms', () => {
    withBackend((b) => {
      const run = (rows: number, cols: number): void => {
        const a = put(b, new Float32Array(rows * cols).fill(1), [rows, cols]);
        const c = put(b, new Float32Array(cols).fill(2), [cols]);
        const out = b.kernels.binary('mul', a, c, [rows, cols]);
        expect(Array.from(b.readSync(out.dataId))).toEqual(new Array(rows * cols).fill(2));
      };
      // Sizes above HOST_MAX_ELEMENTS (which run on the GPU), none with as many columns as the closest-square
      // texture gpu.js gives a of its elements has texels per row: the same program variant (`a` read by index,
      // not at the fragment's own texel) for every size.
      run(10, 40);
      const after = b.store.rt.compiles;
      run(7, 50);
      run(9, 33);
      expect(b.store.rt.compiles).toBe(after);
      const m = b.memory();
      expect(m['kernels']).toBe(after);
    });
  });

  it('multiplies in 2×2 blocks at every edge: odd M and N, K not a multiple of 8, batch broadcasting, transposes', () => {
    withBackend((b) => {
      // small integers: every product and partial sum is exact in float32, so the float64 reference is the answer
      const ints = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => ((i * 7 + seed * 13) % 9) - 4);
      const cases: Array<{ a: number[]; b: number[]; ta: boolean; tb: boolean }> = [
        { a: [3, 5, 7], b: [1, 7, 3], ta: false, tb: false },
        { a: [1, 5, 9], b: [2, 9, 1], ta: false, tb: false },
        { a: [2, 11, 3], b: [2, 5, 11], ta: true, tb: true },
        { a: [1, 1, 13], b: [1, 13, 1], ta: false, tb: false },
      ];
      for (const c of cases) {
        const av = ints(
          c.a.reduce((x, y) => x * y),
          1,
        );
        const bv = ints(
          c.b.reduce((x, y) => x * y),
          2,
        );
        const [ba, a1, a2] = c.a as [number, number, number];
        const [bb, b1, b2] = c.b as [number, number, number];
        const [m, k] = c.ta ? [a2, a1] : [a1, a2];
        const n = c.tb ? b1 : b2;
        const batch = Math.max(ba, bb);
        const want: number[] = [];
        for (let t = 0; t < batch; t++)
          for (let i = 0; i < m; i++)
            for (let j = 0; j < n; j++) {
              let sum = 0;
              for (let q = 0; q < k; q++) {
                const x = av[(ba === 1 ? 0 : t) * a1 * a2 + (c.ta ? q * a2 + i : i * a2 + q)]!;
                const y = bv[(bb === 1 ? 0 : t) * b1 * b2 + (c.tb ? j * b2 + q : q * b2 + j)]!;
                sum += x * y;
              }
              want.push(sum);
            }
        const out = b.kernels.matMul(put(b, av, c.a), put(b, bv, c.b), c.ta, c.tb);
        expect(out.shape, JSON.stringify(c)).toEqual([batch, m, n]);
        expect(Array.from(b.readSync(out.dataId)), JSON.stringify(c)).toEqual(want);
      }
    });
  });

  it('stores int32 on the host with exact wrap-around, and reads indices from a float texture', () => {
    withBackend((b) => {
      const a = put(b, [2147483647, -2147483648, 46341], [3], 'int32');
      const one = put(b, [1, -1, 46341], [3], 'int32');
      expect(Array.from(b.readSync(b.kernels.binary('add', a, one, [3]).dataId))).toEqual([-2147483648, 2147483647, 92682]);
      expect(Array.from(b.readSync(b.kernels.binary('mul', a, one, [3]).dataId))).toEqual([2147483647, -2147483648, -2147479015]);
      const x = put(b, [10, 20, 30, 40], [4]);
      const idx = put(b, [3, 0, 3], [3], 'int32');
      expect(Array.from(b.readSync(b.kernels.gather(x, idx, 0).dataId))).toEqual([40, 10, 40]);
    });
  });

  it('shares the texture on bool → float32 casts (no copy)', () => {
    withBackend((b) => {
      // (a GPU-resident tensor: above HOST_MAX_ELEMENTS, uploaded as a kernel would)
      const mask = Array.from({ length: HOST_MAX_ELEMENTS + 3 }, (_, i) => (i % 3 === 1 ? 0 : 1));
      const m = put(b, mask, [mask.length], 'bool');
      b.store.tex(m);
      const created = b.store.rt.textures.created;
      const f = b.kernels.cast(m, 'float32');
      expect(b.store.rt.textures.created).toBe(created);
      b.disposeData(m.dataId);
      expect(Array.from(b.readSync(f.dataId))).toEqual(mask);
    });
  });

  it('runs outputs and packed operands beyond the texture size limit', () => {
    withBackend((b) => {
      const rows = b.store.rt.maxTextureSize + 3;
      const av = Float32Array.from({ length: rows * 3 }, (_, i) => (i % 7) - 3);
      const a = put(b, av, [rows, 3]);
      const w = put(b, [1, 2, 3, 4, 5, 6], [3, 2]);
      const out = b.readSync(b.kernels.matMul({ ...a, shape: [1, rows, 3] }, { ...w, shape: [1, 3, 2] }, false, false).dataId);
      for (const r of [0, 1, rows - 1]) {
        const x = [av[r * 3]!, av[r * 3 + 1]!, av[r * 3 + 2]!];
        expect(out[r * 2]).toBe(x[0]! * 1 + x[1]! * 3 + x[2]! * 5);
        expect(out[r * 2 + 1]).toBe(x[0]! * 2 + x[1]! * 4 + x[2]! * 6);
      }
      const bias = put(b, [10, 20, 30], [3]);
      const sum = b.readSync(b.kernels.binary('add', a, bias, [rows, 3]).dataId);
      expect(sum[rows * 3 - 1]).toBe(av[rows * 3 - 1]! + 30);
    });
  });

  it('reduces long rows in chunks', () => {
    withBackend((b) => {
      const n = 100_003;
      const v = Float32Array.from({ length: n }, (_, i) => ((i * 37) % 101) - 50);
      let exact = 0;
      for (const e of v) exact += e;
      const x = put(b, v, [n]);
      expect(b.readSync(b.kernels.reduce('sum', x, [0]).dataId)[0]).toBe(exact);
      expect(b.readSync(b.kernels.reduce('max', x, [0]).dataId)[0]).toBe(50);
      expect(Array.from(b.readSync(b.kernels.argReduce('argMin', x, 0).dataId))).toEqual([v.indexOf(-50)]);
    });
  });

  it('multiplies long rows with a wide exponent across chunks (partials far outside float32)', () => {
    withBackend((b) => {
      // 2500 terms of 2^10 then 2500 of 2^-10: each 1024-term chunk's partial is 2^±10240, the product exactly 1;
      // a second row mixes signs and ordinary values, checked against the float64 product
      const n = 5000;
      const pow = Float32Array.from({ length: n }, (_, i) => (i < n / 2 ? 1024 : 1 / 1024));
      const mixed = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1) * (i < n / 2 ? 3e3 : 1 / 3e3) * (1 + ((i * 7) % 13) / 1e3));
      let exact = 1;
      for (let i = 0; i < n / 2; i++) exact *= mixed[i]! * mixed[i + n / 2]!; // pairs near ±1: no overflow in double
      const x = put(b, [...pow, ...mixed], [2, n]);
      const got = b.readSync(b.kernels.reduce('prod', x, [1]).dataId);
      expect(got[0]).toBe(1);
      expect(Math.abs(got[1]! - exact) / Math.abs(exact)).toBeLessThan(n * 2 ** -24);
    });
  });

  it('feeds a kernel its own last output safely, also after its output size changed', () => {
    withBackend((b) => {
      const x = put(b, [1, 2, 3, 4, 5, 6], [6]);
      const a = b.kernels.unary('neg', x);
      const bb = b.kernels.unary('neg', a); // the neg kernel reads its own last output
      b.disposeData(a.dataId);
      const y = put(b, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [10]);
      const c = b.kernels.unary('neg', y); // a new output size
      const d = b.kernels.unary('neg', c); // its own last output again
      expect(Array.from(b.readSync(d.dataId))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(Array.from(b.readSync(bb.dataId))).toEqual([1, 2, 3, 4, 5, 6]);
    });
  });

  it('reports what it runs on', () => {
    withBackend((b) => {
      expect(b.info.precision).toBe('single');
      expect(['headlessgl', 'webgl2']).toContain(b.info.mode);
      expect(b.numerics).toEqual({ flushesSubnormals: true, arithmeticUlp: 1 });
    });
  });

  it('is defined from GPUJS_KERNELS: those kernels its own, core composites for the rest', () => {
    const names = Object.keys(GPUJS_KERNELS);
    expect(names.filter((n) => !(KERNEL_NAMES as string[]).includes(n))).toEqual([]);
    expect(PRIMITIVE_KERNELS.filter((k) => !names.includes(k))).toEqual([]);
    withBackend((b) => {
      expect(b.name).toBe('gpujs');
      expect([...b.implemented].sort()).toEqual([...names].sort());
      // what gpu.js has no kernel for is core's composite, run on these kernels
      expect(b.implemented.has('softmaxCrossEntropy')).toBe(false);
      const logits = put(b, [1, 2, 3, 1, 1, 1], [2, 3]);
      const labels = put(b, [0, 0, 1, 1, 0, 0], [2, 3]);
      const loss = b.readSync(b.kernels.softmaxCrossEntropy(logits, labels).dataId);
      expect(loss[0]).toBeCloseTo(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3, 6);
      expect(loss[1]).toBeCloseTo(Math.log(3), 6);
    });
  });

  it('refuses kernels and writes after dispose, saying so', () => {
    const b = createGpujsBackend();
    const x = put(b, [1, 2], [2]);
    b.dispose();
    expect(b.memory().numDataIds).toBe(0);
    expect(() => b.write(new Float32Array(1), [1], 'float32')).toThrow(/gpujs backend: used after dispose\(\)/);
    expect(() => b.kernels.unary('neg', x)).toThrow(/gpujs backend: kernel input: used after dispose\(\)/);
  });
});
