// A lazily evaluated, re-iterable pipeline of elements (tfjs' tf.data, Keras'
// tf.data.Dataset): sources, transforms, and batching into core tensors.
// Each pass (iterator()) runs the pipeline afresh from its source.
import { randomStream, tidy, type TensorContainer } from '@polytensor/core';
import { DatasetError } from '../errors.js';
import { disposeElement, stackElements } from './batch.js';

type MaybePromise<T> = T | Promise<T>;

function count(op: string, what: string, v: unknown, min: number): number {
  if (!Number.isSafeInteger(v) || (v as number) < min) throw new DatasetError(`${op}: ${what} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return v as number;
}

/** An async iterator with a return() that always exists. */
type Source<T> = () => AsyncIterator<T>;

async function close<T>(it: AsyncIterator<T>): Promise<void> {
  await it.return?.();
}

/**
 * A pipeline of elements. Transforms return new datasets; nothing runs until
 * a pass iterates it (`for await`, forEachAsync, toArray, or a model's
 * fitDataset), and every pass starts from the source again.
 *
 * Tensors: a transform disposes the tensors of elements it drops (filter,
 * skip, take's early stop, a shuffle buffer left behind) and those it
 * replaces (the per-element tensors batch() stacks); whoever takes an element
 * from the pipeline owns its tensors.
 * @example
 * const ds = fromArray(rows).map(({ x, label }) => ({ xs: x, ys: label })).shuffle(100, 7).batch(32);
 * await model.fitDataset(ds, { epochs: 5 });
 */
export class Dataset<T> implements AsyncIterable<T> {
  /** @internal */
  constructor(private readonly source: Source<T>) {}

  /** A fresh pass over the elements. */
  async iterator(): Promise<AsyncIterator<T>> {
    return this.source();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.source();
  }

  /** Each element through `fn` (sync or async). */
  map<U>(fn: (value: T) => MaybePromise<U>): Dataset<U> {
    if (typeof fn !== 'function') throw new DatasetError('map: pass a function of an element');
    const src = this.source;
    return new Dataset<U>(() => {
      const it = src();
      return {
        async next() {
          const r = await it.next();
          return r.done ? { done: true, value: undefined } : { done: false, value: await fn(r.value) };
        },
        return: async () => {
          await close(it);
          return { done: true, value: undefined };
        },
      };
    });
  }

  /** The elements for which `predicate` holds; the others' tensors are disposed. */
  filter(predicate: (value: T) => MaybePromise<boolean>): Dataset<T> {
    if (typeof predicate !== 'function') throw new DatasetError('filter: pass a predicate of an element');
    const src = this.source;
    return new Dataset<T>(() => {
      const it = src();
      return {
        async next() {
          for (;;) {
            const r = await it.next();
            if (r.done) return r;
            if (await predicate(r.value)) return r;
            disposeElement(r.value);
          }
        },
        return: async () => {
          await close(it);
          return { done: true, value: undefined };
        },
      };
    });
  }

  /**
   * Groups of `size` elements stacked into tensors with a batch axis first
   * (numbers → [size], numeric or typed arrays → [size, ...], tensors →
   * stacked; records and tuples field by field). The last, smaller batch is
   * kept unless `dropRemainder`.
   */
  batch(size: number, options: { dropRemainder?: boolean } = {}): Dataset<unknown> {
    count('batch', 'size', size, 1);
    const src = this.source;
    let index = 0;
    return new Dataset<unknown>(() => {
      const it = src();
      let done = false;
      return {
        async next() {
          if (done) return { done: true, value: undefined };
          const items: T[] = [];
          while (items.length < size) {
            const r = await it.next();
            if (r.done) {
              done = true;
              break;
            }
            items.push(r.value);
          }
          if (items.length === 0 || (options.dropRemainder && items.length < size)) {
            for (const v of items) disposeElement(v);
            return { done: true, value: undefined };
          }
          try {
            return { done: false, value: tidy(() => stackElements(items, `batch ${index++}: element`) as TensorContainer) };
          } finally {
            for (const v of items) disposeElement(v);
          }
        },
        return: async () => {
          await close(it);
          return { done: true, value: undefined };
        },
      };
    });
  }

  /**
   * Elements in a shuffled order: a buffer of `bufferSize` elements, each
   * output drawn at random from it (a buffer as large as the data shuffles
   * uniformly). With a seed the order is fixed; without, it comes from core's
   * seeded random state (setSeed fixes it). Each pass reshuffles unless
   * `reshuffleEachIteration` is false.
   */
  shuffle(bufferSize: number, seed?: number, options: { reshuffleEachIteration?: boolean } = {}): Dataset<T> {
    count('shuffle', 'bufferSize', bufferSize, 1);
    if (seed !== undefined) count('shuffle', 'seed', seed, 0);
    const reshuffle = options.reshuffleEachIteration ?? true;
    const src = this.source;
    let pass = 0;
    let fixed: number | undefined;
    return new Dataset<T>(() => {
      const p = pass++;
      // The stream for this pass: seeded (seed + pass, or seed each pass), or the next of core's global streams.
      let stream: ReturnType<typeof randomStream>;
      if (seed !== undefined) stream = randomStream(seed + (reshuffle ? p : 0));
      else if (!reshuffle) stream = randomStream((fixed ??= Math.floor(randomStream().uniform(0) * 2 ** 32)));
      else stream = randomStream();
      let draws = 0;
      const it = src();
      const buffer: T[] = [];
      let exhausted = false;
      const fill = async (): Promise<void> => {
        while (!exhausted && buffer.length < bufferSize) {
          const r = await it.next();
          if (r.done) exhausted = true;
          else buffer.push(r.value);
        }
      };
      return {
        async next() {
          await fill();
          if (buffer.length === 0) return { done: true, value: undefined };
          const j = Math.floor(stream.uniform(draws++) * buffer.length);
          const value = buffer[j]!;
          buffer[j] = buffer[buffer.length - 1]!;
          buffer.pop();
          return { done: false, value };
        },
        return: async () => {
          for (const v of buffer.splice(0)) disposeElement(v);
          await close(it);
          return { done: true, value: undefined };
        },
      };
    });
  }

  /** The elements `times` times over (each time a fresh pass of the source); forever without `times`. */
  repeat(times?: number): Dataset<T> {
    if (times !== undefined) count('repeat', 'times', times, 0);
    const src = this.source;
    return new Dataset<T>(() => {
      let round = 0;
      let inRound = 0;
      let it: AsyncIterator<T> | null = null;
      return {
        async next() {
          for (;;) {
            if (times !== undefined && round >= times) return { done: true, value: undefined };
            it ??= src();
            const r = await it.next();
            if (!r.done) {
              inRound++;
              return r;
            }
            it = null;
            round++;
            // An empty pass would make `repeat()` spin forever: an empty source repeats to nothing.
            if (inRound === 0) return { done: true, value: undefined };
            inRound = 0;
          }
        },
        return: async () => {
          if (it) await close(it);
          return { done: true, value: undefined };
        },
      };
    });
  }

  /** The first `n` elements. */
  take(n: number): Dataset<T> {
    count('take', 'n', n, 0);
    const src = this.source;
    return new Dataset<T>(() => {
      const it = src();
      let taken = 0;
      return {
        async next() {
          if (taken >= n) {
            await close(it);
            return { done: true, value: undefined };
          }
          const r = await it.next();
          if (!r.done) taken++;
          return r;
        },
        return: async () => {
          await close(it);
          return { done: true, value: undefined };
        },
      };
    });
  }

  /** All but the first `n` elements (their tensors are disposed). */
  skip(n: number): Dataset<T> {
    count('skip', 'n', n, 0);
    const src = this.source;
    return new Dataset<T>(() => {
      const it = src();
      let skipped = 0;
      return {
        async next() {
          while (skipped < n) {
            const r = await it.next();
            if (r.done) return r;
            disposeElement(r.value);
            skipped++;
          }
          return it.next();
        },
        return: async () => {
          await close(it);
          return { done: true, value: undefined };
        },
      };
    });
  }

  /**
   * Reads up to `n` elements ahead while the consumer works on the current
   * one, so a slow source (files, decoding) and a slow consumer (a training
   * step) overlap.
   */
  prefetch(n: number): Dataset<T> {
    count('prefetch', 'n', n, 1);
    const src = this.source;
    return new Dataset<T>(() => {
      const it = src();
      const ahead: Array<Promise<IteratorResult<T>>> = [];
      let ended = false;
      // Requests are chained so the source sees one next() at a time, in order.
      let chain: Promise<unknown> = Promise.resolve();
      const request = (): void => {
        const p = chain.then(() => it.next());
        chain = p.catch(() => undefined);
        ahead.push(p);
      };
      return {
        async next() {
          if (!ended) while (ahead.length < n) request();
          const p = ahead.shift();
          if (!p) return { done: true, value: undefined };
          const r = await p;
          if (r.done) {
            ended = true;
            ahead.length = 0;
          } else {
            // keep n reads in flight while the consumer works on this element
            while (ahead.length < n) request();
          }
          return r;
        },
        return: async () => {
          // Elements read ahead and never taken: dispose them.
          for (const p of ahead.splice(0)) {
            const r = await p.catch(() => null);
            if (r && !r.done) disposeElement(r.value);
          }
          await close(it);
          return { done: true, value: undefined };
        },
      };
    });
  }

  /** This dataset's elements, then `other`'s. */
  concatenate(other: Dataset<T>): Dataset<T> {
    if (!(other instanceof Dataset)) throw new DatasetError('concatenate: pass a Dataset');
    const a = this.source;
    const b = other.source;
    return new Dataset<T>(() => {
      let it = a();
      let second = false;
      return {
        async next() {
          const r = await it.next();
          if (!r.done || second) return r;
          second = true;
          it = b();
          return it.next();
        },
        return: async () => {
          await close(it);
          return { done: true, value: undefined };
        },
      };
    });
  }

  /** Call `fn` on each element of one pass. */
  async forEachAsync(fn: (value: T) => MaybePromise<void>): Promise<void> {
    for await (const v of this) await fn(v);
  }

  /** One pass's elements in an array (mind the memory of a large dataset). */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    try {
      for await (const v of this) out.push(v);
    } catch (e) {
      // a pass that fails part-way hands nothing out: free what it had gathered
      for (const v of out) disposeElement(v);
      throw e;
    }
    return out;
  }
}
