import type { KernelImpl } from '@polytensor/core';
import type { TsStore } from '../store.js';
import { sigmoid } from '../util/math.js';

/**
 * dy·op′(x) in double, rounded once: sigmoid dy·y·σ(−x), tanh
 * dy·4·σ(2x)·σ(−2x). No float32 intermediates, so no σ goes subnormal where
 * the result is normal (core's composite loses digits there).
 */
export const unaryGradKernel: KernelImpl<'unaryGrad', TsStore> = (s, op, x, y, dy) => {
  const xv = s.f32(x, 'unaryGrad');
  const yv = s.f32(y, 'unaryGrad');
  const dv = s.f32(dy, 'unaryGrad');
  const out = new Float32Array(xv.length);
  if (op === 'sigmoid') {
    for (let i = 0; i < out.length; i++) out[i] = dv[i]! * (yv[i]! * sigmoid(-xv[i]!));
  } else {
    for (let i = 0; i < out.length; i++) {
      const v = 2 * xv[i]!;
      out[i] = dv[i]! * (4 * sigmoid(v) * sigmoid(-v));
    }
  }
  return s.output(out, x.shape);
};
