import type { UnaryGradOp } from '@polytensor/core';
import { host, type HostTensor } from '../host.js';

/** σ(v) in float64, without overflow for either sign. */
const sigma = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/**
 * dy·op′(x) in float64: sigmoid dy·y·σ(−x), with y the forward's float32
 * output as the kernel receives it; tanh dy·4·σ(2x)·σ(−2x) = dy·(1 − tanh²x)
 * without its cancellation.
 */
export function unaryGrad(op: UnaryGradOp, x: HostTensor, y: HostTensor, dy: HostTensor): HostTensor {
  const out = new Float64Array(x.values.length);
  for (let i = 0; i < out.length; i++) {
    const v = x.values[i]!;
    const d = dy.values[i]!;
    out[i] = op === 'sigmoid' ? d * (y.values[i]! * sigma(-v)) : d * (4 * sigma(2 * v) * sigma(-2 * v));
  }
  return host(x.shape, out, 'float32');
}
