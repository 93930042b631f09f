import { broadcastStrides, sizeOfShape, binaryOutputDType, type BinaryOp, type TensorInfo } from '@polytensor/core';
import { binaryInt } from '../host/int32.js';
import type { NativeSpec } from '../runtime.js';
import { defineNative, indicator } from '../native.js';
import type { GpuTexture } from '../gpujs.js';
import type { GpujsStore } from '../store.js';
import { sharedRowsDims } from '../util/layout.js';
import { collapse, indexSpace, offsetExpr } from '../util/shape.js';

/** GLSL body of f(a, b, K) per op. maximum/minimum propagate NaN; comparisons and logical ops give 0/1. */
export const BINARY_GLSL: Readonly<Record<BinaryOp, string>> = {
  add: 'return a + b;',
  sub: 'return a - b;',
  mul: 'return a * b;',
  div: 'return a / b;',
  pow: 'return ptPow(a, b);',
  // · K.x (an opaque 1) flushes a subnormal the comparison saw as 0, as the arithmetic ops do
  maximum: 'if (a != a || b != b) return a + b; return (a > b ? a : b) * K.x;',
  minimum: 'if (a != a || b != b) return a + b; return (a < b ? a : b) * K.x;',
  squaredDifference: 'float d = a - b; return d * d;',
  equal: indicator.glsl('a == b'),
  notEqual: indicator.glsl('a != b'),
  less: indicator.glsl('a < b'),
  lessEqual: indicator.glsl('a <= b'),
  greater: indicator.glsl('a > b'),
  greaterEqual: indicator.glsl('a >= b'),
  logicalAnd: 'return a * b;',
  logicalOr: 'return max(a, b);',
};

/** The same per op in JavaScript (gpu.js CPU mode). */
export const BINARY_JS: Readonly<Record<BinaryOp, string>> = {
  add: 'return a + b;',
  sub: 'return a - b;',
  mul: 'return a * b;',
  div: 'return a / b;',
  pow: 'return Math.pow(a, b);',
  maximum: 'if (a !== a || b !== b) { return a + b; } if (a > b) { return a; } return b;',
  minimum: 'if (a !== a || b !== b) { return a + b; } if (a < b) { return a; } return b;',
  squaredDifference: 'const d = Math.fround(a - b); return d * d;',
  equal: indicator.js('a === b'),
  notEqual: indicator.js('a !== b'),
  less: indicator.js('a < b'),
  lessEqual: indicator.js('a <= b'),
  greater: indicator.js('a > b'),
  greaterEqual: indicator.js('a >= b'),
  logicalAnd: 'return a * b;',
  logicalOr: 'return Math.max(a, b);',
};

export function binaryNative(op: BinaryOp, name = 'f'): NativeSpec {
  return defineNative(name, 'a b K:vec4', 'float', `  ${BINARY_GLSL[op]}`, `  ${BINARY_JS[op]}`);
}

/**
 * op(a, b) with NumPy broadcasting. The output shape is collapsed (size-1 dims
 * dropped, neighbours that both operands walk contiguously merged) and run as a
 * 1-D/2-D/3-D gpu.js output; each operand is read at Σ i_d·stride_d (stride 0 on
 * broadcast dims), or at the fragment's own texel when it is laid out like the
 * output. int32 runs on the host.
 */
export function binary(s: GpujsStore, op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
  const dtype = binaryOutputDType(op, a.dtype);
  if (a.dtype === 'int32') {
    return s.outHost(binaryInt(op, s.ints(a), a.shape, s.ints(b), b.shape, outShape, dtype === 'bool'), outShape);
  }
  if (sizeOfShape(outShape) === 0) return s.outEmpty(outShape, dtype);
  const at = s.tex(a);
  const bt = s.tex(b);
  const n = sizeOfShape(outShape);
  // An operand with every output element, in a texture of the output's width, is read at the fragment's own
  // texel (no index arithmetic). Both so for a flat output: run flat.
  const full = (x: TensorInfo, t: GpuTexture, width: number | null): boolean => sizeOfShape(x.shape) === n && t.size[0] === width;
  const flatWidth = s.rt.texWidth([n]);
  // both in rows of one width (2-D kernel outputs): run over those rows, both read at their own texel
  const rows = sizeOfShape(a.shape) === n && sizeOfShape(b.shape) === n ? sharedRowsDims(s.rt, n, [at, bt]) : null;
  if (rows || (full(a, at, flatWidth) && full(b, bt, flatWidth))) {
    const tex = s.rt.run(
      {
        key: `binary:${op}:flat:hh`,
        params: [
          ['a', 'tex'],
          ['b', 'tex'],
        ],
        body: 'return f(rdh(a), rdh(b), kc);',
        natives: [binaryNative(op)],
      },
      rows ?? [n],
      [at, bt],
    );
    return s.outTex(tex, outShape, dtype);
  }
  const { dims, strides } = collapse(outShape, [broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape)]);
  const k = dims.length;
  const space = indexSpace(
    dims,
    dims.map((_, j) => `i${j}`).map((n) => `o${n}`),
    s.rt.maxTextureSize,
  );
  const idx = (pre: string): string => offsetExpr(pre, k).replace(/\bi(\d)/g, 'oi$1');
  const outWidth = s.rt.texWidth(space.dims);
  const aHere = full(a, at, outWidth);
  const bHere = full(b, bt, outWidth);
  const fetch = (name: string, here: boolean, pre: string): string => (here ? `rdh(${name})` : `rd(${name}, ${idx(pre)})`);
  const body = `${space.prologue}\nreturn f(${fetch('a', aHere, 'as')}, ${fetch('b', bHere, 'bs')}, kc);`;
  const strideParams = (pre: string, st: readonly number[]): Array<readonly [string, number]> => st.map((v, j) => [`${pre}${j}`, v] as const);
  const uniforms = [...space.params, ...(aHere ? [] : strideParams('as', strides[0]!)), ...(bHere ? [] : strideParams('bs', strides[1]!))];
  const tex = s.rt.run(
    {
      key: `binary:${op}:${space.key}:${aHere ? 'h' : 'i'}${bHere ? 'h' : 'i'}`,
      params: [['a', 'tex'], ['b', 'tex'], ...uniforms.map(([n]) => [n, 'float'] as const)],
      body,
      natives: [binaryNative(op)],
    },
    space.dims,
    [at, bt, ...uniforms.map(([, v]) => v)],
  );
  return s.outTex(tex, outShape, dtype);
}
