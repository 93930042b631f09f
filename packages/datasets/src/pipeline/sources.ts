// Where a Dataset's elements come from: arrays, generators, async iterables,
// and other datasets zipped together.
import { DatasetError } from '../errors.js';
import { disposeElement } from './batch.js';
import { Dataset } from './dataset.js';

/** The elements of an array, in order (the array is not copied: do not change it while iterating). */
export function fromArray<T>(items: readonly T[]): Dataset<T> {
  if (!Array.isArray(items)) throw new DatasetError(`fromArray: pass an array, got ${items === null ? 'null' : typeof items}`);
  return new Dataset<T>(() => {
    let i = 0;
    return {
      next: async () => (i < items.length ? { done: false, value: items[i++]! } : { done: true, value: undefined }),
      return: async () => {
        i = items.length;
        return { done: true, value: undefined };
      },
    };
  });
}

/**
 * The elements a generator function yields; it is called once per pass, so
 * the dataset is re-iterable.
 * @example fromGenerator(function* () { for (let i = 0; i < 10; i++) yield { xs: [i], ys: [2 * i] }; })
 */
export function fromGenerator<T>(make: () => Iterator<T> | AsyncIterator<T>): Dataset<T> {
  if (typeof make !== 'function') throw new DatasetError('fromGenerator: pass a generator function (called once per pass), not a generator object');
  return new Dataset<T>(() => {
    const it = make() as Iterator<T> & AsyncIterator<T>;
    if (!it || typeof it.next !== 'function') throw new DatasetError('fromGenerator: the function must return an iterator (a generator function does)');
    return {
      next: async () => it.next(),
      return: async () => {
        await it.return?.();
        return { done: true, value: undefined };
      },
    };
  });
}

/**
 * The elements of an async iterable. Pass a function returning one (called
 * once per pass) for a re-iterable dataset; a plain iterable object can be
 * read once, and a second pass is an error.
 */
export function fromAsyncIterable<T>(source: AsyncIterable<T> | (() => AsyncIterable<T>)): Dataset<T> {
  let used = false;
  return new Dataset<T>(() => {
    if (typeof source !== 'function') {
      if (used) throw new DatasetError('fromAsyncIterable: this iterable was already read; pass a function that returns a fresh one to iterate again');
      used = true;
    }
    const iterable = typeof source === 'function' ? source() : source;
    if (!iterable || typeof iterable[Symbol.asyncIterator] !== 'function') throw new DatasetError('fromAsyncIterable: expected an async iterable');
    const it = iterable[Symbol.asyncIterator]();
    return {
      next: () => it.next(),
      return: async () => {
        await it.return?.();
        return { done: true, value: undefined };
      },
    };
  });
}

type Zipped<D> = { [K in keyof D]: D[K] extends Dataset<infer E> ? E : never };

/**
 * Elements of several datasets side by side: an array of datasets gives
 * arrays, a record gives records (`zip({ xs, ys })`); stops at the shortest.
 */
export function zip<D extends readonly Dataset<unknown>[] | Record<string, Dataset<unknown>>>(datasets: D): Dataset<Zipped<D>> {
  const entries = Object.entries(datasets as Record<string, Dataset<unknown>>);
  if (entries.length === 0 || !entries.every(([, d]) => d instanceof Dataset)) throw new DatasetError('zip: pass a non-empty array or record of Datasets');
  const isArray = Array.isArray(datasets);
  return new Dataset<Zipped<D>>(() => {
    const its = entries.map(([, d]) => d[Symbol.asyncIterator]());
    const closeAll = async (): Promise<void> => {
      await Promise.all(its.map((it) => it.return?.()));
    };
    return {
      async next() {
        const rs = await Promise.all(its.map((it) => it.next()));
        if (rs.some((r) => r.done)) {
          // the longer datasets' elements read for this step are dropped: free their tensors
          for (const r of rs) if (!r.done) disposeElement(r.value);
          await closeAll();
          return { done: true, value: undefined };
        }
        const values = rs.map((r) => r.value);
        const value = isArray ? values : Object.fromEntries(entries.map(([k], i) => [k, values[i]]));
        return { done: false, value: value as Zipped<D> };
      },
      return: async () => {
        await closeAll();
        return { done: true, value: undefined };
      },
    };
  });
}
