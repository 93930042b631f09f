// A batch's losses and metrics as fit and evaluate compute them: scalar
// tensors left on the device and read in groups, so that a step is queued
// without waiting for the one before it to finish (GPU backends), and the
// numbers a callback never asks for are read once per group, not per batch.
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { Logs } from './callbacks.js';

/** Batches held unread at most: bounds what an epoch keeps on the device. */
export const PENDING_BATCHES = 64;

/** One batch's logs before they are read. */
export interface BatchResult {
  /** Float32 scalars the logs are computed from; the result owns them (freed once read). */
  readonly tensors: readonly Tensor[];
  /** The keys of the logs, in order (known before reading). */
  readonly keys: readonly string[];
  /** The logs, given each tensor's value. */
  finish(value: (t: Tensor) => number): Logs;
}

/** A result with nothing left on the device. */
export const hostResult = (logs: Logs): BatchResult => ({ tensors: [], keys: Object.keys(logs), finish: () => logs });

/** Read a result now and free its tensors. */
export function readResult(r: BatchResult): Logs {
  const values = new Map<Tensor, number>();
  try {
    for (const t of r.tensors) values.set(t, t.dataSync()[0]!);
  } finally {
    for (const t of r.tensors) t.dispose();
  }
  return r.finish((t) => values.get(t)!);
}

/**
 * Read a result without blocking and free its tensors: the values are awaited
 * (`data()`), so a GPU backend waits on a fence, not on a synchronous readback,
 * which in Chromium stalls the page and runs the queued GPU work several times
 * slower (measured on SwiftShader).
 */
export async function readResultAsync(r: BatchResult): Promise<Logs> {
  const values = new Map<Tensor, number>();
  try {
    const read = await Promise.all(r.tensors.map((t) => t.data()));
    r.tensors.forEach((t, i) => values.set(t, read[i]![0]!));
  } finally {
    for (const t of r.tensors) if (!t.isDisposed) t.dispose();
  }
  return r.finish((t) => values.get(t)!);
}

/** Free a result's tensors unread (a step that failed part-way, a fit that stopped). */
export function disposeResult(r: BatchResult): void {
  for (const t of r.tensors) if (!t.isDisposed) t.dispose();
}

/** A queued batch: its result until read, then its logs. */
class Entry {
  logs: Logs | null = null;
  constructor(
    readonly result: BatchResult,
    readonly size: number,
  ) {}
}

/**
 * Batch results queued in batch order; `flush` reads them all (oldest first)
 * and hands each batch's logs to `add`, exactly as reading each at once
 * would: the same numbers, summed on the host in the same order.
 */
export class PendingLogs {
  private queue: Entry[] = [];

  constructor(
    private readonly add: (logs: Logs, size: number) => void,
    private readonly limit = PENDING_BATCHES,
  ) {}

  /**
   * Queue a batch. Returns its logs as an object whose values are read only
   * when a callback looks at one (every queued batch is read then); `extra`
   * (batch index, size) are plain values.
   */
  push(result: BatchResult, size: number): Entry {
    const e = new Entry(result, size);
    this.queue.push(e);
    if (this.queue.length >= this.limit) this.flush();
    return e;
  }

  /** The logs of a queued (or read) batch, read lazily, plus `extra` values. */
  lazyLogs(e: Entry, extra: Logs): Logs {
    const out: Logs = {};
    const props: PropertyDescriptorMap = {};
    for (const k of e.result.keys) {
      props[k] = {
        enumerable: true,
        configurable: true,
        get: () => {
          if (!e.logs) this.flush();
          if (!e.logs) throw new PolytensorError(`batch logs: '${k}' was never read: training stopped with an error before this batch's values were read`);
          return e.logs[k];
        },
      };
    }
    Object.defineProperties(out, props);
    return Object.assign(out, extra);
  }

  /** Read every queued batch. */
  flush(): void {
    const q = this.queue;
    this.queue = [];
    for (let i = 0; i < q.length; i++) {
      const e = q[i]!;
      try {
        e.logs = readResult(e.result);
      } catch (err) {
        for (const rest of q.slice(i + 1)) disposeResult(rest.result);
        throw err;
      }
      this.add(e.logs, e.size);
    }
  }

  /** Free what is still queued, unread. */
  dispose(): void {
    for (const e of this.queue) disposeResult(e.result);
    this.queue = [];
  }
}
