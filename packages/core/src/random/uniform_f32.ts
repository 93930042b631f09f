import type { DropoutMaskSpec, PhiloxKey } from '../backend/kernels.js';
import { philoxUnitRun } from './philox.js';

/** Values per run: the scratch doubles stay in cache. */
const RUN = 4096;
const scratch = new Float64Array(RUN);

/**
 * The host side of kernel philoxUniform: `out[j]` = element j of the stream
 * at `key` as the kernel defines it (float32 uniform in [0, 1), or dropout's
 * scaled mask). The reference every backend's own philoxUniform must match
 * bit for bit.
 * @internal
 */
export function fillPhiloxUniform(key: PhiloxKey, dropout: DropoutMaskSpec | null, out: Float32Array): void {
  const n = out.length;
  const threshold = dropout === null ? 0 : dropout.threshold;
  const scale = dropout === null ? 0 : dropout.scale;
  for (let start = 0; start < n; start += RUN) {
    const count = Math.min(RUN, n - start);
    philoxUnitRun(key.k0, key.k1, key.stream, 0, start, count, scratch);
    if (dropout === null) {
      for (let j = 0; j < count; j++) {
        const f = Math.fround(scratch[j]!);
        out[start + j] = f >= 1 ? 0 : f;
      }
    } else {
      for (let j = 0; j < count; j++) {
        const f = Math.fround(scratch[j]!);
        out[start + j] = (f >= 1 ? 0 : f) >= threshold ? scale : 0;
      }
    }
  }
}
