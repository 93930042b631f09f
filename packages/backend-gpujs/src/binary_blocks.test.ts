// Binary ops on products still in their 2×2 blocks (kernels/binary_blocks.ts):
// both operands in blocks (the result stays in blocks), one in blocks and the
// other plain in rows or flat, in both argument orders; batched and odd
// shapes, NaN and ±∞. Each result is checked against the op in float64 on the
// products' values, a sum of products against the float64 products, and
// every result bit for bit against the same op after the products were
// unpacked (the ordinary path). Node (headless-gl) and Chromium.
import { describe, expect, it } from 'vitest';
import type { BinaryOp, TensorInfo } from '@polytensor/core';
import { createGpujsBackend, type GpujsBackend } from './backend.js';
import { putFlat } from './test_util.js';

/** Host values uploaded flat (test_util.ts). */
const put = putFlat;

const data = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 0.37 + seed) * 3));

const read = (b: GpujsBackend, x: TensorInfo): number[] => Array.from(b.readSync(x.dataId) as Float32Array);

const OPS: Record<string, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
};

/** Within 1 ulp of float32 of the float64 value (this backend's arithmeticUlp), NaN for NaN, ∞ exactly. */
function close(got: number, want: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(want), 2 ** -126))) - 23);
  return Math.abs(got - want) <= ulp;
}

/** Whether any kernel compiled so far has a key starting with `prefix`. */
const compiled = (b: GpujsBackend, prefix: string): boolean =>
  [...(b.store.rt as unknown as { kernels: Map<string, unknown> }).kernels.keys()].some((k) => k.startsWith(prefix));

describe('backend-gpujs binary ops on products in their blocks', () => {
  for (const [batch, m, k, n] of [
    [1, 37, 11, 29],
    [3, 7, 13, 9],
  ] as const) {
    const outShape = [batch, m, n];
    const size = batch * m * n;
    it(`[${outShape}]: both operands in blocks, and one in blocks beside one plain (rows and flat, either order)`, () => {
      const b = createGpujsBackend();
      try {
        const cycle = (): void => {
          const av = data(batch * m * k, 1);
          const wv = data(k * n, 2);
          const vv = data(k * n, 3);
          av[4] = Number.NaN; // row 0 of batch 0 turns NaN
          wv[3] = Number.POSITIVE_INFINITY; // a column turns ±∞ (or NaN)
          const a = put(b, av, [batch, m, k]);
          const w = put(b, wv, [1, k, n]);
          const v = put(b, vv, [1, k, n]);
          const ones = put(b, [1], [1]);
          const pv = data(size, 4);
          pv[7] = Number.NEGATIVE_INFINITY;
          const flat = put(b, pv, outShape);
          // the same values in a texture n wide, as a 2-D kernel writes them
          const upload = put(b, pv, [batch * m, n]);
          const onesN = put(b, new Array(n).fill(1), [n]);
          const rows = b.kernels.binary('mul', upload, onesN, [batch * m, n]);
          const made: TensorInfo[] = [a, w, v, ones, onesN, flat, upload, rows];
          const product = (x: TensorInfo): TensorInfo => {
            const c = b.kernels.matMul(a, x, false, false);
            made.push(c);
            return c;
          };
          const cases: Array<{ name: string; x: () => TensorInfo; y: () => TensorInfo; key: string }> = [
            { name: 'blocks, blocks', x: () => product(w), y: () => product(v), key: 'blocks22|' },
            { name: 'blocks, rows', x: () => product(w), y: () => rows, key: 'blocks22:bp:h|' },
            { name: 'rows, blocks', x: () => rows, y: () => product(v), key: 'blocks22:pb:h|' },
            { name: 'blocks, flat', x: () => product(w), y: () => flat, key: 'blocks22:bp:i|' },
            { name: 'flat, blocks', x: () => flat, y: () => product(v), key: 'blocks22:pb:i|' },
          ];
          for (const op of Object.keys(OPS) as BinaryOp[]) {
            for (const c of cases) {
              const x = c.x();
              const y = c.y();
              // operand values as the ordinary path would see them (reading blocks does not unpack)
              const xs = read(b, x);
              const ys = read(b, y);
              const got = b.kernels.binary(op, x, y, outShape);
              made.push(got);
              expect(compiled(b, `binary:${op}:${c.key}`), `${op} ${c.name}: kernel ${c.key}`).toBe(true);
              const g = read(b, got);
              for (let i = 0; i < size; i++) {
                if (!close(g[i]!, OPS[op]!(xs[i]!, ys[i]!))) throw new Error(`${op} ${c.name}: [${i}] = ${g[i]}, float64 ${OPS[op]!(xs[i]!, ys[i]!)}`);
              }
              // the same op once both operands are unpacked (x·1 broadcast reads them, which unpacks them)
              for (const t of [x, y]) made.push(b.kernels.binary('mul', t, ones, outShape));
              const plain = b.kernels.binary(op, x, y, outShape);
              made.push(plain);
              expect(g).toEqual(read(b, plain));
            }
          }
          // a sum of products kept in blocks all along (as an LSTM's dU over its steps) against the float64 products
          let sum = product(w);
          for (let t = 0; t < 4; t++) {
            sum = b.kernels.binary('add', sum, product(t % 2 === 0 ? v : w), outShape);
            made.push(sum);
          }
          const g = read(b, sum);
          for (let bt = 0; bt < batch; bt++) {
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let want = 0;
                let abs = 0;
                for (let q = 0; q < k; q++) {
                  const x = av[(bt * m + i) * k + q]!;
                  const term = 3 * x * wv[q * n + j]! + 2 * x * vv[q * n + j]!;
                  want += term;
                  abs += Math.abs(3 * x * wv[q * n + j]!) + Math.abs(2 * x * vv[q * n + j]!);
                }
                const got = g[(bt * m + i) * n + j]!;
                const ok = Number.isNaN(want)
                  ? Number.isNaN(got)
                  : !Number.isFinite(want)
                    ? got === want
                    : Math.abs(got - want) <= 4 * (k + 5) * 2 ** -24 * abs;
                if (!ok) throw new Error(`sum of 5 products: [${bt}, ${i}, ${j}] = ${got}, float64 ${want}`);
              }
            }
          }
          for (const t of made) b.disposeData(t.dataId);
        };
        // twice: the second run allocates nothing the first did not, and frees it all
        cycle();
        const live = b.store.rt.textures.live;
        cycle();
        expect(b.store.rt.textures.live).toBe(live);
      } finally {
        b.dispose();
      }
    });
  }
});
