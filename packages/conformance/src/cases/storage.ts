import type { Backend, DType, TypedArray } from '@polytensor/core';
import { typedArrayFor } from '@polytensor/core';
import { FLT_MIN, fmtNum, isNegZero } from '../float.js';
import { effectiveNumerics } from '../tolerances.js';
import type { CaseResult, ConformanceCase } from './types.js';
import { SPECIALS } from './values.js';

type Check = (backend: Backend) => string | null | Promise<string | null>;

function storageCase(name: string, check: Check): ConformanceCase<'storage'> {
  return {
    kernel: 'storage',
    op: 'storage',
    name,
    kind: 'kernel',
    async run(backend: Backend): Promise<CaseResult> {
      const notes = effectiveNumerics(backend.numerics).notesFor('storage');
      let message: string | null;
      try {
        message = await check(backend);
      } catch (e) {
        message = `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      }
      return message === null
        ? { pass: true, worst: 0, bound: 0, unit: 'ulp', message: '', notes }
        : { pass: false, worst: Infinity, bound: 0, unit: 'ulp', message, notes };
    },
  };
}

function filled(dtype: DType, values: readonly number[]): TypedArray {
  const a = typedArrayFor(dtype, values.length);
  values.forEach((v, i) => (a[i] = v));
  return a;
}

/** First index where two arrays differ bit-for-bit (NaN = NaN, −0 ≠ +0), or a length message. */
function firstDifference(got: TypedArray, want: TypedArray, flush: boolean): string | null {
  if (got.constructor !== want.constructor) return `read returned ${got.constructor.name}, expected ${want.constructor.name}`;
  if (got.length !== want.length) return `read returned ${got.length} values, expected ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const same = Number.isNaN(w) ? Number.isNaN(g) : g === w && isNegZero(g) === isNegZero(w);
    const flushed = flush && w !== 0 && Math.abs(w) < FLT_MIN && g === 0;
    if (!same && !flushed) return `element ${i}: wrote ${fmtNum(w)}, read back ${fmtNum(g)}`;
  }
  return null;
}

function roundTrip(dtype: DType, shape: readonly number[], values: readonly number[], async: boolean): Check {
  return async (backend) => {
    const flush = effectiveNumerics(backend.numerics).flushesSubnormals;
    const before = backend.numDataIds();
    const src = filled(dtype, values);
    const id = backend.write(src, shape, dtype);
    let message: string | null;
    try {
      if (backend.numDataIds() !== before + 1) {
        message = `write() changed numDataIds() by ${backend.numDataIds() - before}, expected 1`;
      } else {
        const got = async ? await backend.read(id) : backend.readSync(id);
        message = firstDifference(got, filled(dtype, values), flush);
      }
    } finally {
      backend.disposeData(id);
    }
    if (message === null && backend.numDataIds() !== before) {
      message = `disposeData() left numDataIds() at ${backend.numDataIds()}, started at ${before}`;
    }
    return message;
  };
}

const FLOATS = [...SPECIALS, Math.PI, -2.7182817, 1e-30, -1e30];
const INTS = [-(2 ** 31), 2 ** 31 - 1, 0, -1, 1, 123456789, -987654321];

export const storageCases: readonly ConformanceCase<'storage'>[] = [
  storageCase('float32 readSync round trip (NaN, ±Inf, ±0, subnormals)', roundTrip('float32', [FLOATS.length], FLOATS, false)),
  storageCase('float32 async read round trip', roundTrip('float32', [FLOATS.length], FLOATS, true)),
  storageCase('int32 round trip (extremes)', roundTrip('int32', [INTS.length], INTS, false)),
  storageCase('bool round trip', roundTrip('bool', [2, 3], [1, 0, 0, 1, 1, 0], true)),
  storageCase('scalar', roundTrip('float32', [], [-0], false)),
  storageCase('rank 6', roundTrip('float32', [1, 2, 1, 2, 1, 2], [1, 2, 3, 4, 5, 6, 7, 8], false)),
  storageCase('empty tensor [0,3]', roundTrip('float32', [0, 3], [], true)),
  storageCase('write copies its input', (backend) => {
    const src = new Float32Array([1, 2, 3]);
    const id = backend.write(src, [3], 'float32');
    try {
      src[0] = 99;
      const got = backend.readSync(id);
      return got[0] === 1 ? null : `mutating the array passed to write() changed the buffer (read ${got[0]})`;
    } finally {
      backend.disposeData(id);
    }
  }),
  storageCase('adopt (where the storage has it) keeps the values, one buffer each, and readSync still copies', (backend) => {
    if (!backend.adopt) return null;
    const before = backend.numDataIds();
    const ids = [
      backend.adopt(filled('float32', FLOATS), [FLOATS.length], 'float32'),
      backend.adopt(filled('int32', INTS), [INTS.length], 'int32'),
      backend.adopt(new Float32Array(0), [0, 2], 'float32'),
    ];
    try {
      if (backend.numDataIds() !== before + 3) return `3 adopts changed numDataIds() by ${backend.numDataIds() - before}`;
      const flush = effectiveNumerics(backend.numerics).flushesSubnormals;
      const f = backend.readSync(ids[0]!);
      const diff = firstDifference(f, filled('float32', FLOATS), flush) ?? firstDifference(backend.readSync(ids[1]!), filled('int32', INTS), false);
      if (diff !== null) return `adopt: ${diff}`;
      f[0] = 42;
      if (backend.readSync(ids[0]!)[0] === 42) return 'mutating the array readSync returned changed an adopted buffer';
      return backend.readSync(ids[2]!).length === 0 ? null : 'an adopted empty tensor read back values';
    } finally {
      for (const id of ids) backend.disposeData(id);
    }
  }),
  storageCase('readSync returns a copy', (backend) => {
    const id = backend.write(new Int32Array([5, 6]), [2], 'int32');
    try {
      const a = backend.readSync(id);
      a[0] = 42;
      const b = backend.readSync(id);
      return b[0] === 5 ? null : 'mutating the array readSync returned changed the buffer';
    } finally {
      backend.disposeData(id);
    }
  }),
  storageCase('numDataIds and memory() track live buffers', (backend) => {
    const before = backend.numDataIds();
    const ids = [
      backend.write(new Float32Array(10), [10], 'float32'),
      backend.write(new Int32Array(3), [3], 'int32'),
      backend.write(new Uint8Array(0), [0], 'bool'),
    ];
    const live = backend.numDataIds();
    const mem = backend.memory();
    for (const id of ids) backend.disposeData(id);
    const after = backend.numDataIds();
    if (live !== before + 3) return `3 writes changed numDataIds() by ${live - before}`;
    if (mem.numDataIds !== live) return `memory().numDataIds is ${mem.numDataIds} but numDataIds() is ${live}`;
    if (!(mem.numBytes >= 52)) return `memory().numBytes is ${mem.numBytes} with at least 52 bytes live`;
    if (after !== before) return `disposing every buffer left numDataIds() at ${after}, started at ${before}`;
    return null;
  }),
];
