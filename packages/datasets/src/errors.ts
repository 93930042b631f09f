import { PolytensorError } from '@polytensor/core';

/**
 * Every error @polytensor/datasets throws: a missing, truncated or corrupt data
 * file, or bad input to a data utility. Messages name the file or argument,
 * what was expected and what was found, and what to do about it.
 * Subclass of PolytensorError, so `catch (e) { if (e instanceof PolytensorError) … }` sees it.
 */
export class DatasetError extends PolytensorError {
  override name = 'DatasetError';
}
