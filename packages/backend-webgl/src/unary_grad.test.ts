// Kernel unaryGrad: one program whatever layout its inputs arrive in (packed
// from a packed program or the host, unpacked from a flat one; a mixed set
// unpacks its packed inputs once, in place, as every elementwise kernel does),
// within the conformance bound of a float64 reference computed here; and the
// input near x = 39 where Mesa's reassociation once flushed tanh's gradient.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KERNELS, type KernelContext, type TensorInfo, type UnaryGradOp } from '@polytensor/core';
import type { WebGLBackend } from './index.js';
import { newBackend, watchPrograms } from './test_util.js';

const SHAPE = [33, 65]; // odd sides: the packed texture has padding texels; 2145 values ≥ PACKED_MIN_SIZE
const N = SHAPE[0]! * SHAPE[1]!;
const FLT_MIN = 2 ** -126;
const ULPS = 8; // the conformance bound (packages/conformance, kernel unaryGrad)

/** σ(v) in float64 without overflow. */
const sigma = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/** One float32 ULP at |v| (normal range; FLT_MIN's below it). */
function ulp32(v: number): number {
  const a = Math.abs(v);
  return a < FLT_MIN ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** Deterministic values in [lo, hi), plus fixed entries at the front. */
function values(seed: number, lo: number, hi: number, front: readonly number[] = []): Float32Array {
  const out = new Float32Array(N);
  let s = seed;
  for (let i = 0; i < N; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = i < front.length ? front[i]! : lo + (hi - lo) * (s / 2147483648);
  }
  return out;
}

describe('unaryGrad', () => {
  let gl: WebGLBackend;
  let programs = 0;
  let restore: () => void;
  beforeAll(async () => {
    gl = await newBackend();
    restore = watchPrograms(gl, () => {
      programs++;
    });
  });
  afterAll(() => {
    restore();
    gl.dispose();
  });

  const isPacked = (t: TensorInfo): boolean => gl.store.tf.texData.get(gl.store.data(t.dataId, 'test').tf!).isPacked === true;
  const dispose = (...ts: TensorInfo[]): void => {
    for (const t of ts) gl.disposeData(t.dataId);
  };

  /** `v` as a GPU texture in the layout asked for: the output of two negations, run packed or flat. */
  function onGpu(v: Float32Array, packed: boolean): TensorInfo {
    const host: TensorInfo = { dataId: gl.write(v, SHAPE, 'float32'), shape: SHAPE, dtype: 'float32' };
    gl.store.packedMinSize = packed ? 1024 : Number.POSITIVE_INFINITY;
    try {
      const n1 = gl.kernels.unary('neg', host);
      const n2 = gl.kernels.unary('neg', n1);
      dispose(host, n1);
      expect(isPacked(n2)).toBe(packed);
      return n2;
    } finally {
      gl.store.packedMinSize = 1024;
    }
  }

  const inputs: Record<UnaryGradOp, () => { x: Float32Array; y: Float32Array; dy: Float32Array }> = {
    sigmoid: () => {
      const x = values(3, -87, 87, [0, -0, 1e-40, 17.3, -17.3]);
      return { x, y: Float32Array.from(x, sigma), dy: values(5, -3, 3) };
    },
    tanh: () => {
      // front: x ≈ 39.18 with a small dy (gradient ≈ 1.7e-38, normal), where (dy·s)·4 underflows
      const x = values(7, -43, 43, [39.1815453, 0, -0, 1e-40, 10.5, -10.5]);
      return { x, y: Float32Array.from(x, Math.tanh), dy: values(11, -3, 3, [0.0000464953555]) };
    },
  };

  /** Every element within ULPS of the float64 value, or within FLT_MIN (a flushed subnormal). */
  function expectNearReference(op: UnaryGradOp, got: ArrayLike<number>, x: Float32Array, y: Float32Array, dy: Float32Array, what: string): void {
    for (let i = 0; i < N; i++) {
      const ref = op === 'sigmoid' ? dy[i]! * (y[i]! * sigma(-x[i]!)) : dy[i]! * (4 * sigma(2 * x[i]!) * sigma(-2 * x[i]!));
      const err = Math.abs(got[i]! - ref);
      if (!(err <= ULPS * ulp32(ref) || err <= FLT_MIN)) {
        expect.fail(`${what}: element ${i}: x=${x[i]}, dy=${dy[i]}: got ${got[i]}, float64 ${ref} (${(err / ulp32(ref)).toFixed(1)} ULP)`);
      }
    }
  }

  // layouts of x, y, dy: all packed (the packed program), all unpacked and mixed (the flat one)
  const LAYOUTS: ReadonlyArray<readonly [boolean, boolean, boolean]> = [
    [true, true, true],
    [false, false, false],
    [true, false, true],
    [false, true, false],
  ];

  for (const op of ['sigmoid', 'tanh'] as const) {
    it(`${op}: one program in every input layout, within ${ULPS} ULP of float64`, () => {
      const { x, y, dy } = inputs[op]();
      for (const layout of LAYOUTS) {
        const [tx, ty, td] = [onGpu(x, layout[0]), onGpu(y, layout[1]), onGpu(dy, layout[2])];
        const what = `${op}, packed x/y/dy = ${layout.join('/')}`;
        const allPacked = layout.every(Boolean);
        const uniform = allPacked || layout.every((p) => !p);
        let before = programs;
        const out = gl.kernels.unaryGrad(op, tx, ty, td);
        // one program; a mixed set runs flat after unpacking its packed inputs once, in place (the store's rule)
        const unpacks = uniform ? 0 : layout.filter(Boolean).length;
        expect(programs - before, what).toBe(1 + unpacks);
        expect(isPacked(out), what).toBe(allPacked);
        expect([tx, ty, td].map(isPacked), what).toEqual(uniform ? layout : [false, false, false]);
        expectNearReference(op, gl.readSync(out.dataId), x, y, dy, what);
        // the conversion is not per call: the same inputs again take one program
        before = programs;
        const again = gl.kernels.unaryGrad(op, tx, ty, td);
        expect(programs - before, `${what}, second call`).toBe(1);
        dispose(tx, ty, td, out, again);
      }
    });
  }

  it("runs one program where core's composite runs four (sigmoid) or seven (tanh)", () => {
    const context = { ...gl.kernels, write: gl.write, adopt: gl.write, disposeData: gl.disposeData } as KernelContext;
    for (const op of ['sigmoid', 'tanh'] as const) {
      const { x, y, dy } = inputs[op]();
      const [tx, ty, td] = [onGpu(x, true), onGpu(y, true), onGpu(dy, true)];
      const before = programs;
      const out = KERNELS.unaryGrad.composite(context, op, tx, ty, td);
      expect(programs - before, op).toBe(op === 'sigmoid' ? 4 : 7);
      // same definition: the composite meets the same bound on these inputs
      expectNearReference(op, gl.readSync(out.dataId), x, y, dy, `${op} composite`);
      dispose(tx, ty, td, out);
    }
  });
});
