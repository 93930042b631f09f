// relu's gradient mask by this package's SIMD module (src/kernels/elementwise_simd.ts):
// float32 comparisons with a scalar on either side and the bool → float32 cast,
// through core's ops on 1 and 2 threads, against a JavaScript reference: NaN
// (compares false), −0, values equal to the scalar, and the last n mod 16
// elements the module leaves to JavaScript.
import {
  cast,
  greater,
  greaterEqual,
  less,
  lessEqual,
  registerBackend,
  removeBackend,
  scalar,
  setBackendSync,
  sum,
  type Tensor,
  tensor,
  tidy,
} from '@polytensor/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from './index.js';

const OPS = { greater, greaterEqual, less, lessEqual } as const;
const REF: Record<keyof typeof OPS, (a: number, b: number) => boolean> = {
  greater: (a, b) => a > b,
  greaterEqual: (a, b) => a >= b,
  less: (a, b) => a < b,
  lessEqual: (a, b) => a <= b,
};

describe('relu gradient mask by SIMD', () => {
  beforeAll(async () => {
    for (const t of [1, 2]) {
      const b = await createWasmBackend({ threads: t });
      registerBackend(`wasm-ew-${t}`, () => b, -1);
    }
  });
  afterAll(() => {
    for (const t of [1, 2]) removeBackend(`wasm-ew-${t}`);
  });

  // 70,000 + 7 elements: whole 16-element blocks over two parts, and a remainder.
  const n = 70_007;
  const v = Float32Array.from({ length: n }, (_, i) => (i % 13 === 0 ? 0.5 : Math.sin(i * 0.37)));
  v[5] = Number.NaN;
  v[17] = -0;
  v[40] = 0;
  v[n - 2] = Number.NaN;
  v[n - 1] = 0.5;

  for (const t of [1, 2]) {
    for (const op of Object.keys(OPS) as (keyof typeof OPS)[]) {
      it(`${t} thread(s): ${op} with a scalar on either side, and its cast to float32`, () => {
        setBackendSync(`wasm-ew-${t}`);
        for (const sv of [0, 0.5, -0.25]) {
          for (const flip of [false, true]) {
            const [m, f] = tidy(() => {
              const x = tensor(v, [7, n / 7]);
              const s = scalar(sv);
              const c: Tensor = flip ? OPS[op](s, x) : OPS[op](x, s);
              return [c, cast(c, 'float32')];
            });
            const mask = m!.dataSync();
            const floats = f!.dataSync();
            m!.dispose();
            f!.dispose();
            let bad = -1;
            for (let i = 0; i < n && bad < 0; i++) {
              const want = (flip ? REF[op](sv, v[i]!) : REF[op](v[i]!, sv)) ? 1 : 0;
              if (mask[i] !== want || floats[i] !== want) bad = i;
            }
            expect(bad, `${flip ? `${sv} ${op} x` : `x ${op} ${sv}`}: first wrong element`).toBe(-1);
          }
        }
      });
    }
  }
});

describe('bias gradient (sum over the leading axes) by SIMD column sums', () => {
  beforeAll(async () => {
    for (const t of [1, 2]) {
      const b = await createWasmBackend({ threads: t });
      registerBackend(`wasm-cs-${t}`, () => b, -1);
    }
  });
  afterAll(() => {
    for (const t of [1, 2]) removeBackend(`wasm-cs-${t}`);
  });

  // [rows..., cols]: 16-column groups, a 4-column remainder, a single group, two rows.
  const shapes: number[][] = [
    [9, 31, 7, 64],
    [3, 50, 36],
    [2, 5, 4],
    [2, 20],
    [600, 52],
  ];
  for (const t of [1, 2]) {
    for (const shape of shapes) {
      it(`${t} thread(s): sum of [${shape}] over its leading axes: row by row in float32, bit for bit (NaN, ∞ and −0 too)`, () => {
        setBackendSync(`wasm-cs-${t}`);
        const cols = shape[shape.length - 1]!;
        const n = shape.reduce((a, b) => a * b, 1);
        const v = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.61) * 10 ** ((i % 7) - 3));
        if (cols > 3) {
          v[1] = Number.NaN;
          v[cols + 2] = Number.POSITIVE_INFINITY;
        }
        if (n === 2 * cols) {
          v[3] = -0; // a column of −0: the sum from 0 is +0
          v[cols + 3] = -0;
        }
        const axes = shape.slice(0, -1).map((_, i) => i);
        const s = tidy(() => sum(tensor(v, shape), axes));
        const got = s.dataSync() as Float32Array;
        s.dispose();
        const want = new Float32Array(cols);
        for (let c = 0; c < cols; c++) {
          let acc = 0;
          for (let r = 0; r < n / cols; r++) acc = Math.fround(acc + v[r * cols + c]!);
          want[c] = acc;
        }
        expect(Array.from(got, (g, c) => Object.is(g, want[c]!) || (Number.isNaN(g) && Number.isNaN(want[c]!))).indexOf(false)).toBe(-1);
      });
    }
  }
});
