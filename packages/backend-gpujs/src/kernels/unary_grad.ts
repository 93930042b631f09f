import { sizeOfShape, type KernelImpl, type TensorInfo, type UnaryGradOp } from '@polytensor/core';
import type { NativeSpec } from '../runtime.js';
import { defineNative } from '../native.js';
import type { GpujsStore } from '../store.js';
import { sharedRowsDims } from '../util/layout.js';

/**
 * GLSL body of g(x, y, d, K) per op, with gpu-common's float32 math (see
 * glsl.ts). sigmoid: d·(y·σ(−x)). tanh: σ(2x)·σ(−2x)·4 = 4e/(1+e)² with
 * e = exp(−|2x|), as backend-webgl's program: the 4 rides in a quotient's
 * numerator and d multiplies last, by a factor ≤ 1 (no overflow for |d| near
 * FLT_MAX), because Mesa's optimizer moves a constant factor to the outside
 * of a product: d·(s·4) ran as (d·s)·4, whose d·s underflowed to a flushed 0
 * at x ≈ −41 on headless-gl where the gradient is normal.
 */
const GLSL: Readonly<Record<UnaryGradOp, string>> = {
  sigmoid: 'return d * (y * ptSigmoid(-x));',
  tanh: 'if (ptIsNaN(x)) { return x; } float e = ptExp(-abs(2.0 * x)); float p = 1.0 + e; return d * (ptDiv(4.0 * e, p) * ptDiv(1.0, p));',
};

/**
 * The same in JavaScript (gpu.js CPU mode): double precision, rounded once
 * when stored. With e = exp(−|v|): σ(−x) is e/(1+e) for x ≥ 0, 1/(1+e)
 * below, and σ(v)·σ(−v) = e/(1+e)² (no exp overflows for either sign).
 */
const JS: Readonly<Record<UnaryGradOp, string>> = {
  sigmoid: 'const e = Math.exp(-Math.abs(x)); if (x >= 0) { return d * (y * (e / (1 + e))); } return d * (y * (1 / (1 + e)));',
  tanh: 'const e = Math.exp(-2 * Math.abs(x)); const p = 1 + e; return d * (4 * (e / (p * p)));',
};

function gradNative(op: UnaryGradOp): NativeSpec {
  return defineNative('g', 'x y d K:vec4', 'float', `  ${GLSL[op]}`, `  ${JS[op]}`);
}

/**
 * dy·op′(x) in one flat pass (core's composite runs 4 kernels for sigmoid, 7
 * for tanh). Each input is read at the fragment's own texel when laid out
 * like the output, else by flat index.
 */
export function unaryGrad(s: GpujsStore, op: UnaryGradOp, x: TensorInfo, y: TensorInfo, dy: TensorInfo): TensorInfo {
  const n = sizeOfShape(x.shape);
  if (n === 0) return s.outEmpty(x.shape, 'float32');
  const width = s.rt.texWidth([n]);
  const texs = [s.tex(x), s.tex(y), s.tex(dy)];
  // all three in rows of one width (2-D kernel outputs): run over those rows, each read at its own texel
  const rows = sharedRowsDims(s.rt, n, texs);
  const here = texs.map((t) => rows !== null || t.size[0] === width);
  const read = (name: string, h: boolean): string => (h ? `rdh(${name})` : `rd(${name}, this.thread.x * 1.0)`);
  const tex = s.rt.run(
    {
      key: `unaryGrad:${op}:${here.map((h) => (h ? 'h' : 'i')).join('')}`,
      params: [
        ['x', 'tex'],
        ['y', 'tex'],
        ['dy', 'tex'],
      ],
      body: `return g(${read('x', here[0]!)}, ${read('y', here[1]!)}, ${read('dy', here[2]!)}, kc);`,
      natives: [gradNative(op)],
    },
    rows ?? [n],
    texs,
  );
  return s.outTex(tex, x.shape, 'float32');
}

/** The contract-level kernel. */
export const unaryGradKernel: KernelImpl<'unaryGrad', GpujsStore> = unaryGrad;
