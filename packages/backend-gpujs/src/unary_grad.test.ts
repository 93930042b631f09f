// unaryGrad's input layouts (the conformance suite covers its numerics on
// freshly uploaded inputs, which the kernel reads at the fragment's own
// texel): an input that a 2-D kernel wrote has its rows' width, not the flat
// output's, and is read by flat index instead. Node (headless-gl) and Chromium.
import { describe, expect, it } from 'vitest';
import { UNARY_GRAD_OPS } from '@polytensor/core';
import { createGpujsBackend } from './backend.js';
import { putFlat } from './test_util.js';

const ROWS = 10;
const COLS = 40;
const N = ROWS * COLS;

/** Host values uploaded flat (test_util.ts). */
const put = putFlat;

/** σ(v) in float64 without overflow. */
const sigma = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

describe('backend-gpujs unaryGrad', () => {
  for (const op of UNARY_GRAD_OPS) {
    it(`${op}: reads an input laid out in rows (by index) as it reads a flat one (at its own texel)`, () => {
      const b = createGpujsBackend();
      try {
        const xs = Array.from({ length: N }, (_, i) => Math.fround(((i * 37) % 201) / 10 - 10));
        const ys = xs.map((v) => Math.fround(op === 'sigmoid' ? sigma(v) : Math.tanh(v)));
        const dys = xs.map((_, i) => Math.fround(((i * 13) % 7) - 3.25));
        const flat = put(b, xs, [ROWS, COLS]);
        // x · 1 by a [ROWS, COLS] kernel: the same values in a texture COLS texels wide
        const rows = b.kernels.binary('mul', put(b, xs, [ROWS, COLS]), put(b, new Array(COLS).fill(1), [COLS]), [ROWS, COLS]);
        expect(b.store.tex(rows).size[0]).toBe(COLS);
        expect(b.store.tex(flat).size[0]).not.toBe(COLS);
        const y = put(b, ys, [ROWS, COLS]);
        const dy = put(b, dys, [ROWS, COLS]);
        const viaRows = Array.from(b.readSync(b.kernels.unaryGrad(op, rows, y, dy).dataId));
        const viaFlat = Array.from(b.readSync(b.kernels.unaryGrad(op, flat, y, dy).dataId));
        expect(viaRows).toEqual(viaFlat);
        // and both are the float64 gradient within the conformance bound (8 ULP; these are normal, far from FLT_MIN)
        for (let i = 0; i < N; i++) {
          const x = xs[i]!;
          const want = dys[i]! * (op === 'sigmoid' ? ys[i]! * sigma(-x) : 4 * sigma(2 * x) * sigma(-2 * x));
          const ulp = 2 ** (Math.floor(Math.log2(Math.abs(want))) - 23);
          expect(Math.abs(viaRows[i]! - want), `x=${x} dy=${dys[i]}`).toBeLessThanOrEqual(8 * ulp);
        }
      } finally {
        b.dispose();
      }
    });
  }
});
