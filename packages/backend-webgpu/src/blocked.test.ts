// The fast paths (register-blocked matMul and convolutions, packed
// elementwise programs) against the conformance suite's float64 reference
// backend, on shapes chosen to reach each branch: sizes that are and are not
// multiples of the 4×4 block, transposes, a broadcast batch, vec4 and scalar
// filter reads, strides, dilation, padding taps, bias rows and scalars.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  abs,
  add,
  conv2d,
  conv2dTranspose,
  fusedMatMul,
  greater,
  matMul,
  maximum,
  mul,
  registerBackend,
  removeBackend,
  setBackend,
  tensor,
  type Tensor,
} from '@polytensor/core';
import { referenceBackendFactory } from '@polytensor/conformance';
import { newBackend } from './test_util.js';

const GPU = 'webgpu-blocked';
const REF = 'reference-blocked';

/** Seeded values in [-1, 1) (a fixed LCG: the same inputs on both backends and every run). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** `op` of tensors made from `inputs` (shape, seed) on `backend`, read back; with `absolute`, of their absolute values. */
async function run(backend: string, inputs: readonly (readonly [number[], number])[], op: (...t: Tensor[]) => Tensor, absolute = false): Promise<Float32Array> {
  await setBackend(backend);
  const ts = inputs.map(([shape, seed]) => tensor(values(sizeOf(shape), seed), shape));
  const xs = absolute ? ts.map((t) => abs(t)) : ts;
  const y = op(...xs);
  try {
    return (await y.data()) as Float32Array;
  } finally {
    y.dispose();
    for (const t of new Set([...ts, ...xs])) t.dispose();
  }
}

/**
 * Each output within the accumulation bound of a sum of `terms` products:
 * |got − exact| ≤ (terms + 2)·2⁻²³·Σ|products| (Σ|products| is the same op of
 * the absolute values on the reference), plus 4 ULP of the result for an
 * activation applied after the sum (Lipschitz ≤ 1).
 */
async function expectAccumulation(
  inputs: readonly (readonly [number[], number])[],
  op: (...t: Tensor[]) => Tensor,
  terms: number,
  activated = false,
): Promise<void> {
  const got = await run(GPU, inputs, op);
  const want = await run(REF, inputs, op);
  const scale = await run(REF, inputs, op, true);
  expect(got.length).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < got.length; i++) {
    const bound = (terms + 2) * 2 ** -23 * scale[i]! + (activated ? 4 * 2 ** -23 * Math.abs(want[i]!) : 0) + 1e-30;
    const r = Math.abs(got[i]! - want[i]!) / bound;
    if (!(r <= worst)) {
      worst = r;
      at = i;
    }
  }
  expect(worst, `worst at flat ${at}: got ${got[at]}, reference ${want[at]}`).toBeLessThanOrEqual(1);
}

/** Exactly the reference's float32 result (+ − × max and comparisons are correctly rounded or exact). */
async function expectExact(inputs: readonly (readonly [number[], number])[], op: (...t: Tensor[]) => Tensor): Promise<void> {
  const got = await run(GPU, inputs, op);
  const want = await run(REF, inputs, op);
  expect(Array.from(got)).toEqual(Array.from(want));
}

describe('webgpu fast paths against the float64 reference', () => {
  beforeAll(() => {
    registerBackend(GPU, newBackend, -1);
    registerBackend(REF, referenceBackendFactory, -2);
  });
  afterAll(() => {
    removeBackend(GPU);
    removeBackend(REF);
  });

  it('matMul: block edges, transposes, a broadcast batch', async () => {
    for (const [m, k, n] of [
      [1, 1, 1],
      [5, 7, 3],
      [8, 16, 12],
      [9, 33, 17],
    ] as const) {
      await expectAccumulation(
        [
          [[m, k], 1],
          [[k, n], 2],
        ],
        (a, b) => matMul(a!, b!),
        k,
      );
      await expectAccumulation(
        [
          [[k, m], 3],
          [[n, k], 4],
        ],
        (a, b) => matMul(a!, b!, true, true),
        k,
      );
    }
    await expectAccumulation(
      [
        [[1, 6, 5], 5],
        [[3, 5, 8], 6],
      ],
      (a, b) => matMul(a!, b!),
      5,
    );
  });

  it('fusedMatMul: bias and each activation applied at the write', async () => {
    for (const activation of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
      await expectAccumulation(
        [
          [[7, 10], 7],
          [[10, 6], 8],
          [[6], 9],
        ],
        (a, b, bias) => fusedMatMul({ a: a!, b: b!, bias: bias!, activation }),
        11, // the bias is one more term
        activation !== 'linear',
      );
    }
  });

  it('conv2d: vec4 and scalar filter reads, strides, dilation, padding taps', async () => {
    const cases: [number[], number[], number, 'same' | 'valid', number][] = [
      [[2, 6, 7, 4], [3, 3, 4, 8], 1, 'same', 1],
      [[1, 7, 6, 3], [3, 2, 3, 5], 2, 'same', 1],
      [[2, 9, 9, 2], [3, 3, 2, 4], 1, 'valid', 2],
    ];
    for (const [xs, fs, stride, pad, dil] of cases) {
      await expectAccumulation(
        [
          [xs, 11],
          [fs, 12],
        ],
        (x, f) => conv2d(x!, f!, stride, pad, 'NHWC', dil),
        fs[0]! * fs[1]! * fs[2]!,
      );
    }
  });

  it('conv2dTranspose (the conv2dBackpropInput kernel): vec4 and scalar input channels, strides', async () => {
    // x [b, h, w, c] with filter [fh, fw, outC, c] → [b, H, W, outC]; each output sums fh·fw·c terms at most
    const cases: [number[], number[], number[], number, 'same' | 'valid'][] = [
      [[2, 5, 5, 8], [3, 3, 4, 8], [2, 5, 5, 4], 1, 'same'],
      [[1, 4, 3, 5], [3, 3, 3, 5], [1, 8, 6, 3], 2, 'same'],
      [[1, 3, 4, 4], [2, 3, 6, 4], [1, 4, 6, 6], 1, 'valid'],
    ];
    for (const [xs, fs, out, stride, pad] of cases) {
      await expectAccumulation(
        [
          [xs, 13],
          [fs, 14],
        ],
        (x, f) => conv2dTranspose(x!, f!, out as [number, number, number, number], stride, pad),
        fs[0]! * fs[1]! * fs[3]!,
      );
    }
  });

  it('packed elementwise on large outputs (two vec4s per thread): same shapes, a bias row, a scalar, an odd vec4 count', async () => {
    // 257·256 values: 8,224 threads, not a whole number of 64-thread workgroups, so the extra threads must stop
    const pairs: [number[], number[]][] = [
      [
        [257, 256],
        [257, 256],
      ],
      [[257, 256], [256]],
      [[257, 256], []],
      [[65540], [65540]],
    ];
    for (const [as, bs] of pairs) {
      const inputs: [number[], number][] = [
        [as, 31],
        [bs, 32],
      ];
      await expectExact(inputs, (a, b) => add(a!, b!));
      await expectExact(inputs, (a, b) => mul(a!, b!));
      await expectExact(inputs, (a, b) => greater(a!, b!));
    }
  });

  it('packed elementwise: same shapes, a bias row, a trailing block, a scalar, and the unpacked fallback', async () => {
    const pairs: [number[], number[]][] = [
      [
        [6, 8],
        [6, 8],
      ],
      [[5, 8], [8]],
      [
        [2, 3, 4],
        [3, 4],
      ],
      [[16], []],
      [
        [4, 8],
        [4, 1],
      ],
      [
        [3, 5],
        [3, 5],
      ],
    ];
    for (const [as, bs] of pairs) {
      const inputs: [number[], number][] = [
        [as, 21],
        [bs, 22],
      ];
      await expectExact(inputs, (a, b) => add(a!, b!));
      await expectExact(inputs, (a, b) => mul(a!, b!));
      await expectExact(inputs, (a, b) => maximum(a!, b!));
      await expectExact(inputs, (a, b) => greater(a!, b!));
    }
  });
});
