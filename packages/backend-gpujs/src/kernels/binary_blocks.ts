// Elementwise binary ops on operands still in a product's 2×2 blocks
// (util/gemm.ts, `deferredBlocks`). An LSTM step adds each product to
// something: z = xW_t + h·U, dh = dz·Uᵀ + (the output's gradient), and dU
// sums 50 products hᵀ·dz. Unpacking a product first is a kernel of its own;
// here the op reads the blocks where it needs them instead:
// - both operands in blocks of the same geometry: one vec4 pass over the
//   blocks (a quarter of the fragments), and the result stays in blocks;
// - one in blocks, the other plain: one pass over [N, rows] that fetches the
//   blocks operand's lane, as the unpacking pass would, and applies the op.
// The values the op sees are the same floats either way, so the bits are too.
import { sizeOfShape, type BinaryOp, type KernelImpl, type TensorInfo } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { blocksOf, deferredBlocks, evenRows, type Blocks22 } from '../util/gemm.js';
import { binary, binaryNative } from './binary.js';

/** Ops whose result is float32 (comparisons give bool, which blocks never hold). */
const ARITHMETIC: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'squaredDifference', 'pow']);

/**
 * op(a, b) when either operand is a product kept in its blocks and both hold
 * every output element (no broadcasting); null when this does not apply (the
 * caller then runs the ordinary kernel, which unpacks).
 */
export function binaryOnBlocks(s: GpujsStore, op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo | null {
  if (s.rt.isCpu || !ARITHMETIC.has(op) || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const n = sizeOfShape(outShape);
  if (n === 0 || sizeOfShape(a.shape) !== n || sizeOfShape(b.shape) !== n) return null;
  const ab = blocksOf(s, a);
  const bb = blocksOf(s, b);
  if (!ab && !bb) return null;
  if (ab && bb) return sameBlocks(ab, bb) ? bothBlocks(s, op, ab, bb, outShape) : null;
  return ab ? oneBlocks(s, op, ab, b, true, outShape) : oneBlocks(s, op, bb!, a, false, outShape);
}

function sameBlocks(x: Blocks22, y: Blocks22): boolean {
  const p = x.blocks;
  const q = y.blocks;
  return p.batch === q.batch && p.m === q.m && p.n === q.n && !p.c.flat && !q.c.flat && p.c.width === q.c.width && p.c.rows === q.c.rows;
}

/** Lane by lane over two block textures of one geometry: the output is blocks of that geometry (padding lanes: op of zeros, never read). */
function bothBlocks(s: GpujsStore, op: BinaryOp, x: Blocks22, y: Blocks22, outShape: readonly number[]): TensorInfo {
  const { c, batch, m, n } = x.blocks;
  const body = `const u = rd4xy(a, this.thread.x * 1.0, this.thread.y * 1.0);
const v = rd4xy(b, this.thread.x * 1.0, this.thread.y * 1.0);
return [f(u[0], v[0], kc), f(u[1], v[1], kc), f(u[2], v[2], kc), f(u[3], v[3], kc)];`;
  const tex = s.rt.run(
    {
      key: `binary:${op}:blocks22`,
      params: [
        ['a', 'tex4'],
        ['b', 'tex4'],
      ],
      body,
      returns: 'vec4',
      natives: [binaryNative(op)],
    },
    [c.width, c.rows],
    [c.tex, y.blocks.c.tex],
  );
  return s.outDeferred(deferredBlocks(s, { tex, width: c.width, rows: c.rows, flat: false }, batch, m, n), outShape);
}

/**
 * Over [N, batch·M] (the unpacking pass's layout), the blocks operand read at
 * its lane and the plain one at its own texel when its texture is N wide, else
 * by flat index; `blocksFirst` says which argument of op the blocks are.
 */
function oneBlocks(s: GpujsStore, op: BinaryOp, x: Blocks22, plain: TensorInfo, blocksFirst: boolean, outShape: readonly number[]): TensorInfo | null {
  const { c, batch, m, n } = x.blocks;
  const rows = batch * m;
  if (c.flat || rows === 1 || rows > s.rt.maxTextureSize || n > s.rt.maxTextureSize) return null;
  const pt = s.tex(plain);
  const here = pt.size[0] === n;
  // element (r, col) of batch bt is lane (pr mod 2)·2 + (col mod 2) of texel (col / 2, pr / 2), pr = r padded per batch to M2
  const body = `const col = this.thread.x * 1.0;
const r = this.thread.y * 1.0;
const bt = qdiv(r, M);
const pr = r + bt * (M2 - M);
const ty = qdiv(pr, 2.0);
const tx = qdiv(col, 2.0);
const lane = (pr - ty * 2.0) * 2.0 + (col - tx * 2.0);
const cv = rd4xy(c, tx, ty);
let g = cv[3];
if (lane == 0.0) { g = cv[0]; }
if (lane == 1.0) { g = cv[1]; }
if (lane == 2.0) { g = cv[2]; }
const pv = ${here ? 'rdh(p)' : 'rd(p, r * N + col)'};
return ${blocksFirst ? 'f(g, pv, kc)' : 'f(pv, g, kc)'};`;
  const tex = s.rt.run(
    {
      key: `binary:${op}:blocks22:${blocksFirst ? 'bp' : 'pb'}:${here ? 'h' : 'i'}`,
      params: [
        ['c', 'tex4'],
        ['p', 'tex'],
        ['M', 'float'],
        ['M2', 'float'],
        ['N', 'float'],
      ],
      body,
      natives: [binaryNative(op)],
    },
    [n, rows],
    [c.tex, pt, m, evenRows(m), n],
  );
  return s.outTex(tex, outShape, 'float32');
}

/** The contract-level kernel: a product still in its blocks is read there, anything else goes to `binary`. */
export const binaryKernel: KernelImpl<'binary', GpujsStore> = (s, op, a, b, outShape) => binaryOnBlocks(s, op, a, b, outShape) ?? binary(s, op, a, b, outShape);
