// The optimizer capability (kernels/optimizer_update.ts) on the layouts a
// training step gives it: the gradient in rows (a product's output, a texture
// as wide as its rows) with the value and slots in flat uploads, and all flat.
// Each output is checked against the rule evaluated on the host op by op in
// float64 rounded to float32 (Math.fround), special values included (the
// conformance suite checks bit-identity with core's composite on flat inputs).
// Node (headless-gl) and Chromium.
import { describe, expect, it } from 'vitest';
import type { OptimizerUpdate, TensorInfo } from '@polytensor/core';
import { createGpujsBackend } from './backend.js';
import { putFlat } from './test_util.js';

const R = 7;
const C = 41; // a flat texture of 287 values is 17 wide: rows of 41 are a layout of their own

/** Host values uploaded flat (test_util.ts). */
const put = putFlat;

const fr = Math.fround;
const SPECIALS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1e30, -1e-30];
const data = (seed: number, specials: boolean): number[] =>
  Array.from({ length: R * C }, (_, i) =>
    specials && i < SPECIALS.length * 3 && i % 3 === seed % 3 ? SPECIALS[(i / 3) | 0]! : fr(Math.sin(i * 0.37 + seed) * 2),
  );

/** The rule on the host, op by op, each result rounded to float32: [value', ...slots']. */
function reference(u: OptimizerUpdate, v: number, g: number, s: number[]): number[] {
  switch (u.kind) {
    case 'sgd':
      return [fr(v - fr(g * u.lr))];
    case 'momentum': {
      const a = fr(fr(s[0]! * u.momentum) + g);
      const step = u.nesterov ? fr(g + fr(a * u.momentum)) : a;
      return [fr(v - fr(step * u.lr)), a];
    }
    case 'adam': {
      const m = fr(fr(s[0]! * u.beta1) + fr(g * u.oneMinusBeta1));
      const w = fr(fr(s[1]! * u.beta2) + fr(fr(g * g) * u.oneMinusBeta2));
      return [fr(v - fr(fr(m / fr(fr(Math.sqrt(w)) + u.epsilon)) * u.alpha)), m, w];
    }
    default:
      throw new Error(`no reference for ${u.kind}`);
  }
}

/** Distance in float32 steps (0 for equal values, NaN with NaN, and ±0 with each other). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const bits = (x: number): number => {
    const i = new Int32Array(new Float32Array([x]).buffer)[0]!;
    return i < 0 ? -(i & 0x7fffffff) : i;
  };
  return Math.abs(bits(a) - bits(b));
}

const RULES: Array<[OptimizerUpdate, number]> = [
  [{ kind: 'sgd', lr: fr(0.1) }, 1],
  [{ kind: 'momentum', lr: fr(0.05), momentum: fr(0.9), nesterov: true }, 2],
  [{ kind: 'adam', alpha: fr(0.01), beta1: fr(0.9), oneMinusBeta1: fr(1 - 0.9), beta2: fr(0.999), oneMinusBeta2: fr(1 - 0.999), epsilon: fr(1e-7) }, 4],
];

describe('backend-gpujs optimizer update', () => {
  for (const layout of ['rows', 'flat', 'blocks'] as const) {
    it(`matches the float32 rule op by op, gradient ${layout === 'rows' ? 'in rows (an unpacked output)' : layout === 'blocks' ? 'in a product’s 2×2 blocks' : 'flat'}`, () => {
      const b = createGpujsBackend();
      try {
        let gv = data(1, true);
        let grad: TensorInfo;
        if (layout === 'blocks') {
          // a weight's gradient as a product leaves it: [R, 3]·[3, C] in 2×2 blocks (read back without unpacking)
          const p = Array.from({ length: R * 3 }, (_, i) => fr(Math.sin(i * 0.53 + 4)));
          p[4] = Number.NaN;
          p[10] = Number.POSITIVE_INFINITY;
          grad = b.kernels.matMul(
            put(b, p, [1, R, 3]),
            put(
              b,
              Array.from({ length: 3 * C }, (_, i) => fr(Math.cos(i * 0.41))),
              [1, 3, C],
            ),
            false,
            false,
          );
          grad = { ...grad, shape: [R, C] };
          gv = Array.from(b.readSync(grad.dataId) as Float32Array);
          expect(b.store.deferredOf(grad)).not.toBeNull();
        } else {
          // x · 1 by a [R, C] kernel: a texture exactly C wide, as an unpacked product
          grad = layout === 'rows' ? b.kernels.binary('mul', put(b, gv, [R, C]), put(b, new Array(C).fill(1), [C]), [R, C]) : put(b, gv, [R, C]);
          expect(b.store.tex(grad).size[0]).toBe(layout === 'rows' ? C : b.store.rt.texWidth([R * C]));
        }
        for (const [u, tol] of RULES) {
          const vv = data(0, true);
          const slotValues = u.kind === 'sgd' ? [] : u.kind === 'momentum' ? [data(2, false)] : [data(2, false), data(3, false).map(Math.abs)];
          const outs = b.optimizer!.optimizerUpdate(
            u,
            put(b, vv, [R, C]),
            grad,
            slotValues.map((s) => put(b, s, [R, C])),
          );
          expect(outs.length).toBe(1 + slotValues.length);
          // the blocks were read as they are, not unpacked
          if (layout === 'blocks') expect(b.store.deferredOf(grad)).not.toBeNull();
          const got = outs.map((o) => Array.from(b.readSync(o.dataId) as Float32Array));
          let worst = 0;
          for (let i = 0; i < R * C; i++) {
            const want = reference(
              u,
              vv[i]!,
              gv[i]!,
              slotValues.map((s) => s[i]!),
            );
            for (let o = 0; o < outs.length; o++) {
              const d = ulps(got[o]![i]!, want[o]!);
              if (d > tol) throw new Error(`${u.kind} output ${o} at ${i}: got ${got[o]![i]}, want ${want[o]} (${d} ULP > ${tol})`);
              worst = Math.max(worst, d);
            }
          }
          expect(worst).toBeLessThanOrEqual(tol);
          // the outputs keep the gradient's rows, so the next step reads every input at its own texel
          if (layout !== 'flat') for (const o of outs) expect(b.store.tex(o).size[0]).toBe(C);
        }
      } finally {
        b.dispose();
      }
    });
  }
});
