import { sizeOfShape, type KernelImpl, type TensorInfo } from '@polytensor/core';
import { f32Literal, offsets, stridesOf } from '../program.js';
import type { WebGPUStore } from '../store.js';

/** Output dim i is input dim perm[i]: each output reads x at its own strides permuted. */
export const transposeKernel: KernelImpl<'transpose', WebGPUStore> = (s, x, perm) => {
  const xs = stridesOf(x.shape);
  const outShape = perm.map((p) => x.shape[p]!);
  return s.run('transpose', ['A'], [x], outShape, x.dtype, `${offsets(outShape, { ia: perm.map((p) => xs[p]!) })}\n  result[index] = A[ia];`);
};

export const sliceKernel: KernelImpl<'slice', WebGPUStore> = (s, x, begin, size) => {
  const xs = stridesOf(x.shape);
  const start = begin.reduce((acc, b, i) => acc + b * xs[i]!, 0);
  return s.run('slice', ['A'], [x], size, x.dtype, `${offsets(size, { ia: xs })}\n  result[index] = A[ia + ${start}];`);
};

/**
 * Each non-empty input is copied into its block of one output buffer (a
 * program per input, writing through tfjs's `output` argument): no limit on
 * the number of inputs from the device's storage-buffer bindings.
 */
export const concatKernel: KernelImpl<'concat', WebGPUStore> = (s, xs, axis) => {
  const outShape = xs[0]!.shape.map((d, i) => (i === axis ? xs.reduce((acc, x) => acc + x.shape[axis]!, 0) : d));
  const dtype = xs[0]!.dtype;
  const parts = xs.filter((x) => sizeOfShape(x.shape) > 0);
  if (sizeOfShape(outShape) === 0 || parts.length === 0) return s.empty(outShape, dtype);
  const outStrides = stridesOf(outShape);
  let out: TensorInfo | undefined;
  let at = 0;
  for (const x of xs) {
    const n = sizeOfShape(x.shape);
    if (n > 0) {
      // the input's element at coords c goes to the output at c + (at along axis)
      const body = `${offsets(x.shape, { io: outStrides })}\n  result[io + ${at * outStrides[axis]!}] = A[index];`;
      if (out === undefined) {
        out = s.run('concat', ['A'], [x], x.shape, dtype, body, '', s.fill(outShape, dtype, 0));
      } else {
        s.run('concat', ['A'], [x], x.shape, dtype, body, '', out);
      }
    }
    at += x.shape[axis]!;
  }
  return out!;
};

/** Constant padding: each output reads x where it falls inside, `value` elsewhere. */
export const padKernel: KernelImpl<'pad', WebGPUStore> = (s, x, paddings, value) => {
  const outShape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  if (sizeOfShape(x.shape) === 0) return s.fill(outShape, x.dtype, value);
  const xs = stridesOf(x.shape);
  const outStrides = stridesOf(outShape);
  const lines = ['  var ia = 0;', '  var inside = true;', '  var rem = index;'];
  outShape.forEach((_, d) => {
    const [before] = paddings[d]!;
    lines.push(
      `  { let c = rem / ${outStrides[d]} - ${before}; rem = rem - (c + ${before}) * ${outStrides[d]}; ` +
        `inside = inside && c >= 0 && c < ${x.shape[d]}; ia = ia + c * ${xs[d]}; }`,
    );
  });
  const fill = x.dtype === 'float32' ? f32Literal(value) : `${value | 0}`;
  lines.push(`  if (inside) { result[index] = A[ia]; } else { result[index] = ${fill}; }`);
  return s.run('pad', ['A'], [x], outShape, x.dtype, lines.join('\n'));
};
