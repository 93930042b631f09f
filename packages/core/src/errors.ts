/**
 * Every error polytensor throws on bad input. Messages name the op, the
 * offending shapes or values, and what to do about it.
 */
export class PolytensorError extends Error {
  override name = 'PolytensorError';
}
