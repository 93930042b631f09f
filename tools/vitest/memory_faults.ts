// The memory fault suite (issue 15), shared by the backends that run it:
// property-based (fast-check) oversized shapes for every op family and for
// layer weights, each refused before anything is allocated with an error
// naming the op; and outputs pushing a backend over its total (a cap set with
// setMemoryLimits), refused the same way and computed once the cap is gone.
// After every case nothing leaked, nothing stored changed, and the backend
// still computes exactly.
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  add,
  avgPool,
  BatchNormalization,
  cast,
  concat,
  Conv2D,
  conv2d,
  Dense,
  div,
  equal,
  exp,
  eye,
  fill,
  fusedMatMul,
  gather,
  getBackend,
  greaterEqual,
  less,
  logicalAnd,
  logSoftmax,
  matMul,
  max,
  maximum,
  maxPool,
  memory,
  memoryLimits,
  MemoryLimitError,
  min,
  minimum,
  mul,
  ones,
  oneHot,
  pad,
  pow,
  prod,
  randomNormal,
  randomUniform,
  range,
  relu,
  setMemoryLimits,
  slice,
  softmax,
  squaredDifference,
  sub,
  sum,
  tensor,
  transpose,
  truncatedNormal,
  where,
  zeros,
  argMax,
  type Tensor,
} from '@polytensor/core';
import { expectExactSmoke } from './smoke.js';

const fmt = (shape: readonly number[]): string => `[${shape.join(',')}]`;

/** A case: inputs made before the check, the call, and what the error must name. */
interface FaultCase {
  readonly label: string;
  readonly op: string;
  /** The shape the message must show (the output, or the weight). */
  readonly shape: readonly number[];
  make(): { inputs: Tensor[]; run: () => unknown };
}

const big = fc.integer({ min: 2 ** 16, max: 2 ** 18 });
const small = fc.integer({ min: 1, max: 4 });

const BINARY = { add, sub, mul, div, pow, maximum, minimum, squaredDifference, equal, less, greaterEqual } as const;
const CREATION = ['zeros', 'ones', 'fill', 'randomUniform', 'randomNormal', 'truncatedNormal'] as const;

function creationOp(name: (typeof CREATION)[number], shape: number[]): () => Tensor {
  switch (name) {
    case 'zeros':
      return () => zeros(shape);
    case 'ones':
      return () => ones(shape, 'int32');
    case 'fill':
      return () => fill(shape, 3, 'bool');
    case 'randomUniform':
      return () => randomUniform(shape);
    case 'randomNormal':
      return () => randomNormal(shape);
    case 'truncatedNormal':
      return () => truncatedNormal(shape);
  }
}

/** Oversized outputs (each ≥ 2^31 elements, ≥ 2 GiB) from small inputs, one arbitrary per op family. */
const oversized: fc.Arbitrary<FaultCase> = fc.oneof(
  // creation, any rank: two big dimensions and up to two small ones
  fc.tuple(fc.constantFrom(...CREATION), big, big, fc.array(small, { maxLength: 2 })).map(([name, n, m, extra]): FaultCase => {
    const shape = [...extra, n, m];
    return { label: `${name}${fmt(shape)}`, op: name, shape, make: () => ({ inputs: [], run: creationOp(name, shape) }) };
  }),
  big.map((n): FaultCase => ({ label: `eye(${n})`, op: 'eye', shape: [n, n], make: () => ({ inputs: [], run: () => eye(n) }) })),
  fc
    .integer({ min: 0, max: 2 ** 20 })
    .map((x) => 2 ** 32 + x * 2 ** 20)
    .map((n): FaultCase => ({ label: `range(0, ${n})`, op: 'range', shape: [n], make: () => ({ inputs: [], run: () => range(0, n) }) })),
  // elementwise with broadcasting: [n,1] op [1,m]
  fc.tuple(fc.constantFrom(...(Object.keys(BINARY) as (keyof typeof BINARY)[])), big, big).map(
    ([name, n, m]): FaultCase => ({
      label: `${name}([${n},1], [1,${m}])`,
      op: name,
      shape: [n, m],
      make: () => {
        const a = ones([n, 1]);
        const b = ones([1, m]);
        return { inputs: [a, b], run: () => BINARY[name](a, b) };
      },
    }),
  ),
  fc.tuple(big, big).map(
    ([n, m]): FaultCase => ({
      label: `logicalAnd([${n},1], [1,${m}])`,
      op: 'logicalAnd',
      shape: [n, m],
      make: () => {
        const a = ones([n, 1], 'bool');
        const b = ones([1, m], 'bool');
        return { inputs: [a, b], run: () => logicalAnd(a, b) };
      },
    }),
  ),
  fc.tuple(big, big).map(
    ([n, m]): FaultCase => ({
      label: `where([${n},1], [1,${m}], [1,1])`,
      op: 'where',
      shape: [n, m],
      make: () => {
        const c = ones([n, 1], 'bool');
        const a = zeros([1, m]);
        const b = ones([1, 1]);
        return { inputs: [c, a, b], run: () => where(c, a, b) };
      },
    }),
  ),
  // matrix products, plain, batched and fused
  fc.tuple(big, big, small).map(
    ([n, m, k]): FaultCase => ({
      label: `matMul([${n},${k}], [${k},${m}])`,
      op: 'matMul',
      shape: [n, m],
      make: () => {
        const a = ones([n, k]);
        const b = ones([k, m]);
        return { inputs: [a, b], run: () => matMul(a, b) };
      },
    }),
  ),
  fc.tuple(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 2 ** 15, max: 2 ** 16 }), fc.integer({ min: 2 ** 15, max: 2 ** 16 })).map(
    ([bt, n, m]): FaultCase => ({
      label: `matMul([${bt},${n},2], [2,${m}])`,
      op: 'matMul',
      shape: [bt, n, m],
      make: () => {
        const a = ones([bt, n, 2]);
        const b = ones([2, m]);
        return { inputs: [a, b], run: () => matMul(a, b) };
      },
    }),
  ),
  fc.tuple(big, big).map(
    ([n, m]): FaultCase => ({
      label: `fusedMatMul([${n},3], [3,${m}])`,
      op: 'fusedMatMul',
      shape: [n, m],
      make: () => {
        const a = ones([n, 3]);
        const b = ones([3, m]);
        const bias = zeros([m]);
        return { inputs: [a, b, bias], run: () => fusedMatMul({ a, b, bias, activation: 'relu' }) };
      },
    }),
  ),
  // convolution: a 1x1 filter with a million output channels
  fc.tuple(fc.integer({ min: 32, max: 64 }), fc.integer({ min: 32, max: 64 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 2 ** 20, max: 2 ** 21 })).map(
    ([h, w, c, f]): FaultCase => ({
      label: `conv2d([1,${h},${w},${c}], [1,1,${c},${f}])`,
      op: 'conv2d',
      shape: [1, h, w, f],
      make: () => {
        const x = ones([1, h, w, c]);
        const filter = ones([1, 1, c, f]);
        return { inputs: [x, filter], run: () => conv2d(x, filter, 1, 'same') };
      },
    }),
  ),
  // movement: pad, gather, oneHot
  fc.tuple(big, big).map(
    ([n, m]): FaultCase => ({
      label: `pad([2,2], [[0,${n}],[0,${m}]])`,
      op: 'pad',
      shape: [n + 2, m + 2],
      make: () => {
        const x = ones([2, 2]);
        return {
          inputs: [x],
          run: () =>
            pad(x, [
              [0, n],
              [0, m],
            ]),
        };
      },
    }),
  ),
  fc.tuple(big, fc.integer({ min: 2 ** 16, max: 2 ** 17 })).map(
    ([k, d]): FaultCase => ({
      label: `gather([4,${d}], [${k}])`,
      op: 'gather',
      shape: [k, d],
      make: () => {
        const x = ones([4, d]);
        const idx = tensor(
          new Int32Array(k).map((_, i) => i % 4),
          [k],
          'int32',
        );
        return { inputs: [x, idx], run: () => gather(x, idx) };
      },
    }),
  ),
  fc.tuple(big, big).map(
    ([k, depth]): FaultCase => ({
      label: `oneHot([${k}], ${depth})`,
      op: 'oneHot',
      shape: [k, depth],
      make: () => {
        const idx = tensor(new Int32Array(k), [k], 'int32');
        return { inputs: [idx], run: () => oneHot(idx, depth) };
      },
    }),
  ),
  // layers: the weight that does not fit is named with its layer
  fc.tuple(big, big).map(([units, inDim]): FaultCase => {
    const layer = new Dense({ units });
    return {
      label: `Dense(${units}) on ${inDim}`,
      op: `${layer.name} (Dense)`,
      shape: [inDim, units],
      make: () => ({ inputs: [], run: () => layer.build([null, inDim]) }),
    };
  }),
  fc.tuple(fc.integer({ min: 2 ** 13, max: 2 ** 15 }), fc.integer({ min: 2 ** 13, max: 2 ** 15 })).map(([c, filters]): FaultCase => {
    const layer = new Conv2D({ filters, kernelSize: 3 });
    return {
      label: `Conv2D(${filters}) on ${c} channels`,
      op: `${layer.name} (Conv2D)`,
      shape: [3, 3, c, filters],
      make: () => ({ inputs: [], run: () => layer.build([null, 8, 8, c]) }),
    };
  }),
  fc
    .integer({ min: 2 ** 10, max: 2 ** 13 })
    .map((x) => x * 2 ** 20)
    .map((c): FaultCase => {
      const layer = new BatchNormalization();
      return {
        label: `BatchNormalization on ${c} channels`,
        op: `${layer.name} (BatchNormalization)`,
        shape: [c],
        make: () => ({ inputs: [], run: () => layer.build([null, c]) }),
      };
    }),
);

/** Small cases whose output is refused only because of the total: every family, pools and reductions included. */
interface TotalCase {
  readonly label: string;
  readonly op: string;
  readonly outShape: readonly number[];
  readonly bytesPerElement: number;
  make(): { inputs: Tensor[]; run: () => Tensor };
}

const dim = fc.integer({ min: 2, max: 12 });
const within: fc.Arbitrary<TotalCase> = fc.oneof(
  fc.tuple(dim, dim, dim, dim).map(
    ([b, h, w, c]): TotalCase => ({
      label: `maxPool([${b},${h},${w},${c}], 2, same)`,
      op: 'maxPool',
      outShape: [b, Math.ceil(h / 2), Math.ceil(w / 2), c],
      bytesPerElement: 4,
      make: () => {
        const x = ones([b, h, w, c]);
        return { inputs: [x], run: () => maxPool(x, 2, 2, 'same') };
      },
    }),
  ),
  fc.tuple(dim, dim, dim, dim).map(
    ([b, h, w, c]): TotalCase => ({
      label: `avgPool([${b},${h},${w},${c}], 2, same)`,
      op: 'avgPool',
      outShape: [b, Math.ceil(h / 2), Math.ceil(w / 2), c],
      bytesPerElement: 4,
      make: () => {
        const x = ones([b, h, w, c]);
        return { inputs: [x], run: () => avgPool(x, 2, 2, 'same') };
      },
    }),
  ),
  fc.tuple(fc.constantFrom('sum', 'max', 'min', 'prod'), dim, dim).map(
    ([name, n, m]): TotalCase => ({
      label: `${name}([${n},${m}], 1)`,
      op: name,
      outShape: [n],
      bytesPerElement: 4,
      make: () => {
        const x = ones([n, m]);
        const f = { sum, max, min, prod }[name];
        return { inputs: [x], run: () => f(x, 1) };
      },
    }),
  ),
  fc.tuple(dim, dim).map(
    ([n, m]): TotalCase => ({
      label: `argMax([${n},${m}])`,
      op: 'argMax',
      outShape: [n],
      bytesPerElement: 4,
      make: () => {
        const x = ones([n, m]);
        return { inputs: [x], run: () => argMax(x) };
      },
    }),
  ),
  fc.tuple(dim, dim, dim).map(
    ([n, m, k]): TotalCase => ({
      label: `concat([${n},${m}], [${n},${k}], 1)`,
      op: 'concat',
      outShape: [n, m + k],
      bytesPerElement: 4,
      make: () => {
        const a = ones([n, m]);
        const b = zeros([n, k]);
        return { inputs: [a, b], run: () => concat([a, b], 1) };
      },
    }),
  ),
  fc.tuple(dim, dim).map(
    ([n, m]): TotalCase => ({
      label: `pad([${n},${m}])`,
      op: 'pad',
      outShape: [n + 2, m + 1],
      bytesPerElement: 4,
      make: () => {
        const x = ones([n, m]);
        return {
          inputs: [x],
          run: () =>
            pad(x, [
              [1, 1],
              [0, 1],
            ]),
        };
      },
    }),
  ),
  fc.tuple(dim, dim).map(
    ([n, m]): TotalCase => ({
      label: `transpose([${n},${m}])`,
      op: 'transpose',
      outShape: [m, n],
      bytesPerElement: 4,
      make: () => {
        const x = ones([n, m]);
        return { inputs: [x], run: () => transpose(x) };
      },
    }),
  ),
  fc.tuple(dim, dim).map(
    ([n, m]): TotalCase => ({
      label: `slice([${n},${m}])`,
      op: 'slice',
      outShape: [n - 1, m],
      bytesPerElement: 4,
      make: () => {
        const x = ones([n, m]);
        return { inputs: [x], run: () => slice(x, [1, 0], [n - 1, m]) };
      },
    }),
  ),
  fc.tuple(dim, dim).map(
    ([n, m]): TotalCase => ({
      label: `cast([${n},${m}], int32)`,
      op: 'cast',
      outShape: [n, m],
      bytesPerElement: 4,
      make: () => {
        const x = ones([n, m]);
        return { inputs: [x], run: () => cast(x, 'int32') };
      },
    }),
  ),
  fc.tuple(fc.constantFrom('softmax', 'logSoftmax', 'relu', 'exp'), dim, dim).map(
    ([name, n, m]): TotalCase => ({
      label: `${name}([${n},${m}])`,
      op: name,
      outShape: [n, m],
      bytesPerElement: 4,
      make: () => {
        const x = ones([n, m]);
        const f = { softmax, logSoftmax, relu, exp }[name];
        return { inputs: [x], run: () => f(x) };
      },
    }),
  ),
  fc.tuple(dim, dim).map(
    ([n, m]): TotalCase => ({
      label: `add([${n},1], [1,${m}])`,
      op: 'add',
      outShape: [n, m],
      bytesPerElement: 4,
      make: () => {
        const a = ones([n, 1]);
        const b = ones([1, m]);
        return { inputs: [a, b], run: () => add(a, b) };
      },
    }),
  ),
  fc.tuple(dim, dim).map(
    ([n, m]): TotalCase => ({
      label: `less([${n},1], [1,${m}])`,
      op: 'less',
      outShape: [n, m],
      bytesPerElement: 1,
      make: () => {
        const a = ones([n, 1]);
        const b = ones([1, m]);
        return { inputs: [a, b], run: () => less(a, b) };
      },
    }),
  ),
  fc.tuple(dim, dim, dim).map(
    ([n, k, m]): TotalCase => ({
      label: `matMul([${n},${k}], [${k},${m}])`,
      op: 'matMul',
      outShape: [n, m],
      bytesPerElement: 4,
      make: () => {
        const a = ones([n, k]);
        const b = ones([k, m]);
        return { inputs: [a, b], run: () => matMul(a, b) };
      },
    }),
  ),
  fc.tuple(dim, dim, dim).map(
    ([h, w, f]): TotalCase => ({
      label: `conv2d([1,${h},${w},2], [3,3,2,${f}])`,
      op: 'conv2d',
      outShape: [1, h, w, f],
      bytesPerElement: 4,
      make: () => {
        const x = ones([1, h, w, 2]);
        const w3 = ones([3, 3, 2, f]);
        return { inputs: [x, w3], run: () => conv2d(x, w3, 1, 'same') };
      },
    }),
  ),
  fc.tuple(dim, dim).map(
    ([k, d]): TotalCase => ({
      label: `gather([3,${d}], [${k}])`,
      op: 'gather',
      outShape: [k, d],
      bytesPerElement: 4,
      make: () => {
        const x = ones([3, d]);
        const idx = tensor(
          new Int32Array(k).map((_, i) => i % 3),
          [k],
          'int32',
        );
        return { inputs: [x, idx], run: () => gather(x, idx) };
      },
    }),
  ),
  fc.tuple(dim, dim).map(
    ([k, depth]): TotalCase => ({
      label: `oneHot([${k}], ${depth})`,
      op: 'oneHot',
      outShape: [k, depth],
      bytesPerElement: 4,
      make: () => {
        const idx = tensor(new Int32Array(k), [k], 'int32');
        return { inputs: [idx], run: () => oneHot(idx, depth) };
      },
    }),
  ),
);

function thrown(fn: () => unknown): unknown {
  try {
    const r = fn();
    if (r && typeof (r as Tensor).dispose === 'function') (r as Tensor).dispose();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error, none was thrown');
}

/** What must not change when an allocation is refused. */
function snapshot(): Record<string, number> {
  const m = memory();
  const own = getBackend().memory();
  return {
    tensors: m.numTensors,
    buffers: m.numDataIds,
    bytes: m.numBytes,
    backendBytes: own.numBytes,
    ...(own['wasmHeapBytes'] !== undefined ? { heap: own['wasmHeapBytes'] } : {}),
  };
}

/** Host memory in typed arrays (Node), to see that no oversized host array was made; null elsewhere. */
function hostArrayBytes(): number | null {
  return (globalThis as { process?: { memoryUsage?: () => { arrayBuffers: number } } }).process?.memoryUsage?.().arrayBuffers ?? null;
}

/**
 * Register the fault suite for the active backend. `select` makes the
 * backend under test core's active one (called before the tests).
 */
export function memoryFaultSuite(name: string, select: () => void | Promise<void>, numRuns = 100): void {
  describe(`memory faults: ${name}`, () => {
    beforeAll(async () => {
      await select();
      expect(getBackend().name).toBe(name);
    });
    afterEach(() => setMemoryLimits(null));

    it('oversized shapes on every op family and layer are refused up front, naming the op', async () => {
      const lim = memoryLimits();
      fc.assert(
        fc.property(oversized, (c) => {
          const { inputs, run } = c.make();
          try {
            const before = snapshot();
            const host = hostArrayBytes();
            const t0 = performance.now();
            const e = thrown(run);
            expect(performance.now() - t0, c.label).toBeLessThan(2000);
            // every case asks for 2 GiB or more: a host array of it would show (GC noise is far smaller)
            if (host !== null) expect(hostArrayBytes()! - host, c.label).toBeLessThan(256 * 2 ** 20);
            expect(e, c.label).toBeInstanceOf(MemoryLimitError);
            const err = e as MemoryLimitError;
            expect(err.kind, c.label).toBe('tensorSize');
            expect(err.op, c.label).toBe(c.op);
            expect(err.backend).toBe(name);
            expect(err.shape, c.label).toEqual(c.shape);
            expect(err.limit === lim.maxTensorBytes || err.limit === lim.maxTensorElements, c.label).toBe(true);
            expect(err.message.startsWith(`${c.op}: `), err.message).toBe(true);
            expect(err.message, c.label).toContain(fmt(c.shape));
            expect(err.message, c.label).toMatch(
              new RegExp(`backend '${name}' holds at most .* in one tensor \\(.+\\)\\. Nothing was allocated and the backend is still usable\\.`),
            );
            expect(snapshot(), c.label).toEqual(before);
          } finally {
            inputs.forEach((t) => t.dispose());
          }
        }),
        { numRuns, seed: 15 },
      );
      await expectExactSmoke();
    });

    it('outputs that would exceed the total are refused, then computed once there is room', async () => {
      fc.assert(
        fc.property(within, (c) => {
          const { inputs, run } = c.make();
          try {
            const held = memory().backends[getBackend().name]!.numBytes;
            const outBytes = c.outShape.reduce((p, d) => p * d, 1) * c.bytesPerElement;
            setMemoryLimits({ maxTotalBytes: held + outBytes - 1 });
            const before = snapshot();
            const e = thrown(run) as MemoryLimitError;
            expect(e, c.label).toBeInstanceOf(MemoryLimitError);
            expect(e.kind, c.label).toBe('totalSize');
            expect(e.op, c.label).toBe(c.op);
            expect(e.message, c.label).toMatch(
              new RegExp(`^${c.op}: the output ${fmt(c.outShape).replace(/[[\]]/g, '\\$&')} \\w+ would take .*, but backend '${name}' already holds`),
            );
            expect(snapshot(), c.label).toEqual(before);
            setMemoryLimits({ maxTotalBytes: held + outBytes });
            const out = run();
            expect(out.shape, c.label).toEqual(c.outShape);
            out.dispose();
          } finally {
            setMemoryLimits(null);
            inputs.forEach((t) => t.dispose());
          }
        }),
        { numRuns, seed: 15 },
      );
      await expectExactSmoke();
    });
  });
}
