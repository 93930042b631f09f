import { PolytensorError } from '../../errors.js';
import { checkOptions } from '../options.js';
import type { LoadLimits, LoadOptions } from './types.js';

/** Defaults: generous for models a TypeScript app trains, small enough that a hostile file cannot exhaust memory. */
export const DEFAULT_LOAD_LIMITS: Readonly<LoadLimits> = Object.freeze({ maxBytes: 2 ** 30, maxJsonBytes: 16 * 2 ** 20, maxParams: 2 ** 28 });

const KEYS = ['maxBytes', 'maxJsonBytes', 'maxParams'] as const;

const OPTION_KEYS: readonly string[] = [...KEYS, 'requestInit', 'fetch', 'compile'];

/** The caller's limits over the defaults, each a positive safe integer; unknown option names are errors (a misspelt limit must not be ignored). */
export function resolveLimits(options: LoadOptions): LoadLimits {
  checkOptions('loadModel', options, OPTION_KEYS);
  const limits = { ...DEFAULT_LOAD_LIMITS };
  for (const key of KEYS) {
    const v = options[key];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v <= 0) throw new PolytensorError(`loadModel: ${key} must be a positive integer, got ${String(v)}`);
    limits[key] = v;
  }
  return limits;
}

/** A count for messages: 1,073,741,824 (or 'more than 2^53' past exact integers). */
export const fmt = (n: number): string => (Number.isSafeInteger(n) ? n.toLocaleString('en-US') : 'more than 2^53');

/**
 * The error for a limit exceeded: `what` says what needed how much (e.g.
 * 'the weightSpecs declare 4,000 bytes of weights'); the message adds the
 * limit and how to raise it (to `needed`, when known).
 */
export function limitError(where: string, what: string, needed: number | null, key: keyof LoadLimits, limits: LoadLimits): PolytensorError {
  const raiseTo = needed !== null && Number.isSafeInteger(needed) ? String(needed) : 'a larger number';
  return new PolytensorError(
    `loadModel: ${where}: ${what}, over the ${key} limit of ${fmt(limits[key])}; ` +
      `if you trust this model, raise it: loadModel(source, { ${key}: ${raiseTo} })`,
  );
}
