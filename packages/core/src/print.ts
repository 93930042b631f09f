import type { Tensor } from './tensor.js';

/**
 * Log a tensor's values (tfjs's `print`); `verbose` adds its dtype, rank,
 * shape and backend first.
 * @example print(x, true);
 */
export function print(x: Tensor, verbose = false, log: (line: string) => void = console.log): void {
  x.assertAlive('print');
  if (verbose) log(`Tensor\n  dtype: ${x.dtype}\n  rank: ${x.rank}\n  shape: [${x.shape.join(',')}]\n  backend: ${x.backend.name}`);
  x.print(log);
}
