// The wasm heap filled to its real limit (issue 15): heap_limit.child.mjs
// runs in a child process (so the 2 GiB it commits go back when it ends;
// about 10 s) on the built packages, and reports each step as JSON.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ReportedError, runChildReport } from '../../../tools/vitest/child_report.js';

const child = fileURLToPath(new URL('./heap_limit.child.mjs', import.meta.url));

type Err = ReportedError;

interface Report {
  coreTotal: { tensors: number; refused: Err; fillRefused: Err; heapBytes: number };
  heapFull: { tensors: number; error: Err; heapBytes: number; largestBlock: number; write: Err };
  intact: { more: boolean };
  rollback: { error: Err; outAllocated: boolean; outFreed: boolean; before: object; after: object };
  after: { bigIntact: boolean; bAgain: Err | null; afterFree: Err | null; last: number; conv: number[]; mm: number[]; convB: number };
  end: { numTensors: number; heapBytes: number };
}

const MiB = 2 ** 20;

describe('wasm heap at its real limit', () => {
  it('refuses clearly, keeps every tensor intact, never corrupts or aborts, and works again after freeing', () => {
    const r = runChildReport<Report>(child, { packages: ['core', 'backend-wasm'], timeoutMs: 240_000 });

    // Core stops one backend at its declared total before allocating.
    expect(r.coreTotal.tensors).toBe(6);
    expect(r.coreTotal.refused).toMatchObject({ name: 'MemoryLimitError', kind: 'totalSize', op: 'pad' });
    expect(r.coreTotal.refused.message).toMatch(
      /^pad: the output \[67108864\] float32 would take 256 MiB, but backend 'wasm' already holds 1\.5 GiB in \d+ buffers and can hold 1\.75 GiB in all/,
    );
    expect(r.coreTotal.fillRefused).toMatchObject({ kind: 'totalSize', op: 'fill' });

    // A second instance sharing the heap fills it for real: the runtime refuses with the op named.
    expect(r.heapFull.tensors).toBeGreaterThan(3);
    expect(r.heapFull.error).toMatchObject({ name: 'MemoryLimitError', kind: 'allocationFailed', op: 'pad' });
    expect(r.heapFull.error.message).toMatch(
      /^pad: backend 'wasm' could not allocate memory for the output \[\d+\] float32 .*: OutOfMemoryError: wasm backend: no room for a buffer of \d+ MiB while keeping a block of 16 MiB free .*\(the heap is [\d.]+ GiB of at most 2 GiB; \d+ buffers live\)\. Nothing was stored, every existing tensor is intact and the backend is still usable/,
    );
    // the heap really is full (within 128 MiB of its 2 GiB cap; never past it), the headroom kept
    expect(r.heapFull.heapBytes).toBeGreaterThan(2 ** 31 - 128 * MiB);
    expect(r.heapFull.heapBytes).toBeLessThanOrEqual(2 ** 31);
    expect(r.heapFull.largestBlock).toBeGreaterThanOrEqual(16 * MiB - 64 * 1024);
    expect(r.heapFull.largestBlock).toBeLessThan(64 * MiB);
    // the backend contract itself (no core) fails the same way
    expect(r.heapFull.write).toMatchObject({ name: 'OutOfMemoryError' });
    expect(r.heapFull.write.message).toMatch(/^wasm backend: no room for a buffer of 16 MiB/);

    // Nothing stored was touched.
    expect(r.intact.more).toBe(true);
    expect(r.after.bigIntact).toBe(true);

    // A kernel failing after allocating its output (XNNPACK's table does not fit) gives the output back.
    expect(r.rollback.error).toMatchObject({ kind: 'allocationFailed', op: 'conv2d' });
    expect(r.rollback.error.message).toMatch(/no room for XNNPACK convolution memory of [\d.]+ MiB/);
    expect(r.rollback.outAllocated).toBe(true);
    expect(r.rollback.outFreed).toBe(true);
    expect(r.rollback.after).toEqual(r.rollback.before);

    // After freeing, both instances work, XNNPACK kernels included (exact small integers).
    expect(r.after.bAgain).toBeNull();
    expect(r.after.afterFree).toBeNull();
    expect(r.after.last).toBe(77);
    const conv = [4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4].flatMap((v) => [v, v]); // 3x3 ones over 4x4 ones, 'same', 2 filters
    expect(r.after.conv).toEqual(conv);
    expect(r.after.mm).toEqual(new Array(12).fill(30));
    expect(r.after.convB).toBe(49);
    expect(r.end.numTensors).toBe(0);
  }, 300_000);
});
