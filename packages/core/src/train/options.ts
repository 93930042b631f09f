import { PolytensorError } from '../errors.js';
import { closestName } from '../engine/registry.js';

/** Options tfjs or Keras users pass that polytensor does not (yet) support, with what to do instead. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  classWeight: 'weight the loss yourself, or resample the data',
  sampleWeight: 'weight the loss yourself',
  stepsPerEpoch: 'slice the data instead',
  validationSteps: 'pass a smaller validationData',
  validationBatchSize: 'validation runs in batches of batchSize',
  validationFreq: 'validation runs after every epoch',
  yieldEvery: 'fit yields to the event loop after every epoch',
  workers: 'not applicable in JavaScript',
  useMultiprocessing: 'not applicable in JavaScript',
  onYield: 'use onBatchEnd (fit yields to the event loop after every epoch)',
};

/** Keras' snake_case spelling → polytensor's camelCase. */
const camel = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Throw a clear error for any key of `args` that `fn` does not take: a
 * snake_case spelling gets its camelCase name, a typo the closest valid name,
 * and tfjs/Keras options polytensor lacks say so and what to do instead.
 */
export function checkOptions(fn: string, args: object, allowed: readonly string[]): void {
  for (const key of Object.keys(args)) {
    if (allowed.includes(key)) continue;
    const asCamel = camel(key);
    let hint: string;
    if (asCamel !== key && allowed.includes(asCamel)) hint = `did you mean '${asCamel}'? (polytensor spells options in camelCase, as tfjs does)`;
    else if (UNSUPPORTED[asCamel] !== undefined) hint = `'${asCamel}' is not supported by polytensor: ${UNSUPPORTED[asCamel]}`;
    else {
      const guess = closestName(asCamel, allowed);
      hint = guess ? `did you mean '${guess}'?` : `valid options are ${allowed.map((k) => `'${k}'`).join(', ')}`;
    }
    throw new PolytensorError(`${fn}: unknown option '${key}'; ${hint}`);
  }
}
