// The per-tensor limit suite (issue 15), shared by the GPU backends: the
// backend declares the most elements one tensor may hold, core reports it
// and refuses a larger creation or kernel output before anything reaches the
// backend, and the backend keeps computing exactly.
import { describe, expect, it } from 'vitest';
import { type Backend, matMul, memory, memoryLimits, MemoryLimitError, ones, zeros } from '@polytensor/core';
import { onPrivateBackend } from './private_backend.js';
import { expectExactSmoke } from './smoke.js';

export interface TensorLimitCase<B extends Backend> {
  /** A fresh instance; the suite registers it with core and disposes it afterwards. */
  create(): B | Promise<B>;
  /** The limit this instance must declare (checked against its limits() and core's memoryLimits()). */
  expectedElements(backend: B): number;
  /** What the message must say about where the limit comes from (after "in one tensor ("). */
  source(limit: number): RegExp;
  /** Counters of backend.memory() beyond its buffers that a refusal must leave as they were. */
  readonly counters: readonly string[];
}

function refusal(fn: () => unknown): MemoryLimitError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MemoryLimitError);
    return e as MemoryLimitError;
  }
  throw new Error('expected a MemoryLimitError, none was thrown');
}

/** [rows, cols] with rows · cols just above `limit`: rows = ⌈√limit⌉. */
function justOver(limit: number): [number, number] {
  const rows = Math.ceil(Math.sqrt(limit));
  return [rows, Math.floor(limit / rows) + 1];
}

export function tensorLimitSuite<B extends Backend>(what: string, c: TensorLimitCase<B>): void {
  describe(`memory limits: one tensor`, () => {
    it(what, async () => {
      const backend = await c.create();
      await onPrivateBackend(backend, async () => {
        const limit = c.expectedElements(backend);
        expect(backend.limits?.().maxTensorElements).toBe(limit);
        expect(memoryLimits().maxTensorElements).toBe(limit);

        const held = (): Record<string, number | undefined> => {
          const m = backend.memory();
          return { tensors: memory().numTensors, dataIds: m.numDataIds, bytes: m.numBytes, ...Object.fromEntries(c.counters.map((k) => [k, m[k]])) };
        };
        const before = held();
        const [rows, cols] = justOver(limit);
        const e = refusal(() => zeros([rows, cols]));
        expect(e).toMatchObject({ kind: 'tensorSize', op: 'zeros', backend: backend.name, limit });
        expect(e.message).toMatch(
          new RegExp(`^zeros: the tensor \\[${rows},${cols}\\] float32 .*backend '${backend.name}' holds at most .* in one tensor \\(`),
        );
        expect(e.message).toMatch(c.source(limit));
        // a kernel whose output would not fit: refused before the backend runs it
        const a = ones([rows, 1]);
        const b = ones([1, cols]);
        expect(refusal(() => matMul(a, b))).toMatchObject({ kind: 'tensorSize', op: 'matMul' });
        a.dispose();
        b.dispose();
        expect(held()).toEqual(before);

        await expectExactSmoke();
      });
    });
  });
}
