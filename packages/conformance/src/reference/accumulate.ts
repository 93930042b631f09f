import type { HostTensor } from '../host.js';

/**
 * The result of an accumulating kernel with what its error bound needs: for
 * every output element, the number of terms n and Σ|term| (so the allowed error
 * is γ_n · Σ|term|). `values` in `out` are the float64 result.
 */
export interface Accumulated {
  readonly out: HostTensor;
  readonly terms: Float64Array;
  readonly absSum: Float64Array;
}
