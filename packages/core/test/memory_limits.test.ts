// Memory limits (issue 15): core refuses, before any kernel or allocation runs,
// tensors the active backend cannot hold, with an error naming the op, the
// shape, the bytes and the limit; the backend stays usable and nothing leaks.
import { afterEach, describe, expect, it } from 'vitest';
import {
  BatchNormalization,
  Conv2D,
  Dense,
  getBackend,
  matMul,
  memory,
  memoryLimits,
  MemoryLimitError,
  ones,
  PolytensorError,
  randomNormal,
  range,
  registeredVariables,
  Sequential,
  setMemoryLimits,
  tensor,
  tidy,
  createTsBackend,
  type TsBackend,
  zeros,
  eye,
  oneHot,
  concat,
} from './helpers.js';

const GiB = 2 ** 30;

/** The error `fn` throws (failing the test when it throws none). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}

/** Run `fn`, expecting a MemoryLimitError; check that nothing was allocated meanwhile. */
function refused(fn: () => unknown): MemoryLimitError {
  const before = memory();
  const hostBefore = process.memoryUsage().arrayBuffers;
  const t0 = performance.now();
  const e = thrown(fn);
  const ms = performance.now() - t0;
  expect(e, e.message).toBeInstanceOf(MemoryLimitError);
  expect(memory().numTensors).toBe(before.numTensors);
  expect(memory().numBytes).toBe(before.numBytes);
  expect(memory().backends['ts']!.numBytes).toBe(before.backends['ts']!.numBytes);
  // Refused up front: no host array was made either (that would take seconds and show here).
  expect(process.memoryUsage().arrayBuffers - hostBefore).toBeLessThan(64 * 2 ** 20);
  expect(ms).toBeLessThan(1000);
  return e as MemoryLimitError;
}

/** The backend still computes correctly (exact small integers). */
function stillWorks(): void {
  const b = tidy(() => tensor([1, 2, 3]).add(4).mul(2));
  expect(Array.from(b.dataSync())).toEqual([10, 12, 14]);
  b.dispose();
}

afterEach(() => setMemoryLimits(null));

describe('memory limits: one tensor too large', () => {
  it('zeros([1e5, 1e5]) names the op, the shape, the bytes and the limit', () => {
    const e = refused(() => zeros([1e5, 1e5]));
    expect(e.kind).toBe('tensorSize');
    expect(e.op).toBe('zeros');
    expect(e.shape).toEqual([1e5, 1e5]);
    expect(e.bytes).toBe(4e10);
    expect(e.limit).toBe(2 * GiB);
    expect(e.message).toMatch(
      /^zeros: the tensor \[100000,100000\] float32 would take 37\.3 GiB \(10,000,000,000 elements\); backend 'ts' holds at most 2 GiB in one tensor \(the ts backend's defaults.*\)\. Nothing was allocated and the backend is still usable\. Use smaller tensors/,
    );
    stillWorks();
  });

  it('zeros([2 ** 31]) on ts is refused at once instead of allocating 8 GiB', () => {
    const e = refused(() => zeros([2 ** 31]));
    expect(e.message).toMatch(/^zeros: the tensor \[2147483648\] float32 would take 8 GiB/);
    stillWorks();
  });

  it('range: infinite bounds are bad input, a huge finite range is too large', () => {
    expect(() => range(0, Infinity)).toThrow(PolytensorError);
    expect(() => range(0, Infinity)).toThrow(/^range: start, stop and step must be finite numbers, got range\(0, Infinity, 1\)$/);
    expect(() => range(NaN, 3)).toThrow(/finite/);
    const e = refused(() => range(0, 1e12));
    expect(e.op).toBe('range');
    expect(e.shape).toEqual([1e12]);
    stillWorks();
  });

  it("matMul with a 4.9e9-element output fails at once, with the caller's shape", () => {
    const a = ones([70000, 1]);
    const b = ones([1, 70000]);
    const e = refused(() => matMul(a, b));
    expect(e.op).toBe('matMul');
    expect(e.message).toMatch(/^matMul: the output \[70000,70000\] float32 would take 18\.3 GiB/);
    expect(a.isDisposed || b.isDisposed).toBe(false);
    const s = a.sum();
    expect(s.dataSync()[0]).toBe(70000);
    s.dispose();
    a.dispose();
    b.dispose();
    stillWorks();
  });

  it('other creation ops name themselves', () => {
    expect(refused(() => randomNormal([1e6, 1e6])).op).toBe('randomNormal');
    expect(refused(() => eye(1e6)).op).toBe('eye');
    expect(refused(() => ones([3e9], 'bool')).message).toMatch(/^ones: the tensor \[3000000000\] bool would take 2\.79 GiB/);
    const idx = tensor([1, 2], [2], 'int32');
    expect(refused(() => oneHot(idx, 2 ** 30)).op).toBe('oneHot');
    idx.dispose();
  });
});

describe('memory limits: layers', () => {
  it('a huge Dense layer fails with the layer and the weight named, creating no variable', () => {
    const vars = registeredVariables().size;
    const dense = new Dense({ units: 1e6, inputShape: [1e6] });
    const model = new Sequential({ layers: [dense] });
    const e = refused(() => model.build());
    expect(e.op).toBe(`${dense.name} (Dense)`);
    expect(e.message).toMatch(new RegExp(`^${dense.name} \\(Dense\\): weight 'kernel' \\[1000000,1000000\\] float32 would take 3\\.64 TiB`));
    expect(registeredVariables().size).toBe(vars);
    expect(dense.built).toBe(false);
    model.dispose();
  });

  it('Conv2D and BatchNormalization weights are checked the same way', () => {
    const conv = new Conv2D({ filters: 2 ** 20, kernelSize: 64 });
    expect(refused(() => conv.build([null, 64, 64, 64])).message).toMatch(/\(Conv2D\): weight 'kernel' \[64,64,64,1048576\] float32/);
    const bn = new BatchNormalization();
    expect(refused(() => bn.build([null, 2 ** 31])).message).toMatch(/\(BatchNormalization\): weight 'gamma' \[2147483648\] float32/);
  });

  it('a build that fails part-way leaves no weights behind', () => {
    const before = memory();
    const vars = registeredVariables().size;
    // Room for the kernel [256, 256] but not for the bias after it.
    setMemoryLimits({ maxTotalBytes: before.backends['ts']!.numBytes + 256 * 256 * 4 + 8 });
    const dense = new Dense({ units: 256 });
    const e = refused(() => dense.build([null, 256]));
    expect(e.kind).toBe('totalSize');
    expect(e.message).toMatch(/\(Dense\): weight 'bias' \[256\] float32 would take 1 KiB, but backend 'ts' already holds/);
    expect(registeredVariables().size).toBe(vars);
    setMemoryLimits(null);
    dense.build([null, 256]);
    expect(dense.weights.map((w) => w.name)).toEqual(['kernel', 'bias']);
    dense.dispose();
  });
});

describe('memory limits: totals and configuration', () => {
  it('setMemoryLimits caps what the backend holds; freeing makes room again', () => {
    const held = memory().backends['ts']!.numBytes;
    setMemoryLimits({ maxTotalBytes: held + 1000 });
    expect(memoryLimits().maxTotalBytes).toBe(held + 1000);
    expect(memoryLimits().source).toMatch(/lowered by setMemoryLimits/);
    const a = zeros([200]); // 800 bytes
    const e = refused(() => ones([200]));
    expect(e.kind).toBe('totalSize');
    expect(e.limit).toBe(held + 1000);
    expect(e.message).toMatch(
      /^ones: the tensor \[200\] float32 would take 800 B, but backend 'ts' already holds .* and can hold .* in all .*Dispose tensors you no longer need/,
    );
    // kernels are checked the same way, before they run
    expect(refused(() => a.add(1)).op).toBe('add');
    expect(Array.from(a.dataSync().slice(0, 3))).toEqual([0, 0, 0]);
    a.dispose();
    const b = ones([200]);
    const s = b.sum();
    expect(s.dataSync()[0]).toBe(200);
    s.dispose();
    b.dispose();
  });

  it("caps lower a backend's limits and never raise them; bad caps are refused", () => {
    setMemoryLimits({ maxTensorBytes: 2 ** 40, maxTensorElements: 1000 });
    expect(memoryLimits().maxTensorBytes).toBe(2 * GiB);
    expect(memoryLimits().maxTensorElements).toBe(1000);
    expect(refused(() => zeros([1001])).message).toMatch(
      /^zeros: the tensor \[1001\] float32 would have 1,001 elements; backend 'ts' holds at most 1,000 in one tensor/,
    );
    const parts = [zeros([600]), zeros([600])];
    expect(refused(() => concat(parts)).message).toMatch(/^concat: the output \[1200\] float32 would have 1,200 elements/);
    parts.forEach((t) => t.dispose());
    expect(() => setMemoryLimits({ maxTotalBytes: -1 })).toThrow(/^setMemoryLimits: maxTotalBytes must be a positive number \(or Infinity\), got -1$/);
    expect(() => setMemoryLimits({ maxBytes: 5 } as never)).toThrow(/unknown limit 'maxBytes'/);
    setMemoryLimits(null);
    expect(memoryLimits().maxTensorElements).toBe(2 ** 31 - 1);
  });

  it('TsBackend limits can be raised or lowered per instance, and are validated', () => {
    const be = getBackend() as TsBackend;
    const saved = be.limits();
    try {
      be.setLimits({ maxTensorBytes: 1024 });
      expect(refused(() => zeros([257])).message).toMatch(/holds at most 1 KiB in one tensor \(limits set on the ts backend/);
      be.setLimits({ maxTensorBytes: 16 * GiB });
      expect(memoryLimits().maxTensorBytes).toBe(16 * GiB);
      expect(() => be.setLimits({ maxTotalBytes: 0 })).toThrow(/maxTotalBytes must be a positive number of bytes/);
      expect(() => createTsBackend({ limits: { maxTensorBytes: NaN } })).toThrow(/maxTensorBytes must be a positive number/);
    } finally {
      be.setLimits(saved);
    }
    expect(createTsBackend().limits().maxTensorBytes).toBe(2 * GiB);
  });
});
