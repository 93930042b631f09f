import type { DType, KernelImpl, ReduceOp } from '@polytensor/core';
import { stridesOf } from '../program.js';
import type { WebGPUStore } from '../store.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** What an empty reduction gives (int32 cannot hold ±Infinity: its extremes instead, as backend-ts). */
function identity(op: ReduceOp, dtype: DType): number {
  const int = dtype === 'int32';
  return op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? (int ? INT32_MIN : -Infinity) : int ? INT32_MAX : Infinity;
}

/**
 * float32 product of mantissas with the exponent kept apart in an i32, so a
 * running product never over- or underflows when the result does not
 * (3e38 · 10 · 1e-30); zeros, infinities and NaN multiply in as themselves.
 */
const PROD_F32 = `fn ptProdStep(acc: vec2<f32>, v: f32) -> vec2<f32> {
  if (v == 0.0 || ptIsNaN(v) || ptIsInf(v) || acc.x == 0.0 || ptIsNaN(acc.x) || ptIsInf(acc.x)) { return vec2<f32>(acc.x * v, acc.y); }
  let fr = ptFrexp(abs(v));
  var m = acc.x * select(fr.x, -fr.x, v < 0.0);
  var e = acc.y + fr.y;
  let fm = ptFrexp(abs(m));
  m = select(fm.x, -fm.x, m < 0.0);
  e = e + fm.y;
  return vec2<f32>(m, e);
}
fn ptProdEnd(acc: vec2<f32>) -> f32 {
  if (acc.x == 0.0 || ptIsNaN(acc.x) || ptIsInf(acc.x)) { return acc.x; }
  let e = i32(acc.y);
  if (e > 129) { return select(ptInf(), -ptInf(), acc.x < 0.0); }
  if (e < -151) { return select(0.0, ptNegZero(), acc.x < 0.0); }
  return ptScale2(acc.x, e);
}`;

/**
 * One thread per output value loops over its reduced elements in order.
 * Kept axes index the output; the reduced axes' offsets are unrolled per
 * element from their (baked) strides. float32 sums accumulate in order, within
 * the suite's accumulation bound ((n−1)·u·Σ|x|); max/min propagate NaN.
 */
export const reduceKernel: KernelImpl<'reduce', WebGPUStore> = (s, op, x, axes) => {
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  const dtype = x.dtype;
  const red = axes.map((a) => x.shape[a]!);
  const R = red.reduce((p, d) => p * d, 1);
  if (R === 0) return s.fill(outShape, dtype, identity(op, dtype));
  const xs = stridesOf(x.shape);
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outStrides = stridesOf(outShape);
  const base: string[] = ['  var base = 0;', '  var rem = index;'];
  kept.forEach((axis, d) => {
    base.push(`  { let c = rem / ${outStrides[d]}; rem = rem - c * ${outStrides[d]}; base = base + c * ${xs[axis]}; }`);
  });
  const redStrides = stridesOf(red);
  // a contiguous trailing block of reduced axes reads consecutive elements
  const contiguous = axes.every((a, i) => a === x.shape.length - axes.length + i);
  const inner = contiguous
    ? '    let off = base + r;'
    : [
        '    var off = base;',
        '    var rr = r;',
        ...axes.map((axis, d) => `    { let c = rr / ${redStrides[d]}; rr = rr - c * ${redStrides[d]}; off = off + c * ${xs[axis]}; }`),
      ].join('\n');
  const f = dtype === 'float32';
  let init: string;
  let step: string;
  let end = 'acc';
  let helpers = '';
  switch (op) {
    case 'sum':
      init = f ? 'var acc = 0.0;' : 'var acc = 0;';
      step = 'acc = acc + v;';
      break;
    case 'prod':
      if (f) {
        init = 'var acc = vec2<f32>(1.0, 0.0);';
        step = 'acc = ptProdStep(acc, v);';
        end = 'ptProdEnd(acc)';
        helpers = PROD_F32;
      } else {
        init = 'var acc = 1;';
        step = 'acc = acc * v;';
      }
      break;
    case 'max':
    case 'min': {
      const cmp = op === 'max' ? '>' : '<';
      init = f ? `var acc = ${op === 'max' ? '-ptInf()' : 'ptInf()'};` : `var acc = ${op === 'max' ? `i32(${INT32_MIN})` : INT32_MAX};`;
      step = f ? `if (ptIsNaN(v)) { acc = v; break; } if (v ${cmp} acc) { acc = v; }` : `if (v ${cmp} acc) { acc = v; }`;
      break;
    }
  }
  const body = [
    ...base,
    `  ${init}`,
    `  for (var r = 0; r < ${R}; r = r + 1) {`,
    inner,
    '    let v = A[off];',
    `    ${step}`,
    '  }',
    `  result[index] = ${end};`,
  ].join('\n');
  return s.run(op, ['A'], [x], outShape, dtype, body, helpers);
};
