// A real allocation failure on the ts backend (issue 15): alloc_failure.child.mjs
// caps its own address space (Linux prlimit) so that typed arrays cannot be
// allocated, with the backend's limits raised out of the way; the failures
// must come back as MemoryLimitErrors naming the op, with every tensor intact
// and the backend working on. About 5 s.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ReportedError, runChildReport } from '../../../tools/vitest/child_report.js';

const child = fileURLToPath(new URL('./alloc_failure.child.mjs', import.meta.url));

type Err = ReportedError;

describe('ts backend: the host out of memory', () => {
  it('a failed typed-array allocation is a MemoryLimitError naming the op; nothing is lost', () => {
    expect(spawnSync('prlimit', ['--version']).status, 'this test needs prlimit (util-linux) to cap its child process').toBe(0);
    const s = runChildReport<{
      kernel: Err;
      creation: Err;
      before: object;
      kernelAfter: object;
      intact: boolean;
      small: number[];
      afterFree: number;
      end: { numTensors: number };
    }>(child, { packages: ['core', 'backend-ts'], nodeArgs: ['--expose-gc'], timeoutMs: 120_000 });
    // a kernel's output: the backend's RangeError, reported with the op, the shape and what it holds
    expect(s.kernel).toMatchObject({ name: 'MemoryLimitError', kind: 'allocationFailed', op: 'concat', cause: 'RangeError: Array buffer allocation failed' });
    expect(s.kernel.message).toMatch(
      /^concat: backend 'ts' could not allocate memory for the output \[201326592\] float32 \(768 MiB; it holds 256 MiB in 1 buffer\): RangeError: Array buffer allocation failed\. Nothing was stored, every existing tensor is intact and the backend is still usable\./,
    );
    expect(s.kernelAfter).toEqual(s.before);
    // a creation op's host array
    expect(s.creation).toMatchObject({ name: 'MemoryLimitError', kind: 'allocationFailed', op: 'zeros' });
    expect(s.creation.message).toMatch(/^zeros: backend 'ts' could not allocate memory for the host values of \[268435456\] float32 \(1 GiB/);
    expect(s.intact).toBe(true);
    expect(s.small).toEqual([2, 3, 4]);
    expect(s.afterFree).toBe(2);
    expect(s.end.numTensors).toBe(0);
  }, 180_000);
});
