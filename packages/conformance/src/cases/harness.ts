import type { Backend, DataId, DType, KernelName, TensorInfo, TypedArray } from '@polytensor/core';
import { isPrimitive } from '@polytensor/core';
import { compare, type CheckResult, type Expectation, type Judgement } from '../compare.js';
import { flush32, fmtNum, isSubnormal32 } from '../float.js';
import { shapeStr, toTyped, type HostTensor } from '../host.js';
import { Rng } from '../rng.js';
import { effectiveNumerics, type EffectiveNumerics } from '../tolerances.js';
import { caseFrom, failResult, skipResult, type ConformanceCase } from './types.js';

/** What a kernel case expects: the output's shape, dtype, float64 reference and how to judge it. */
export interface Expected {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly ref: Float64Array;
  readonly judge: Judgement;
}

/** A kernel case as data: seeded inputs, the call, the expectation. */
export interface KernelSpec<K extends KernelName = KernelName> {
  /** The kernel of core's table the case calls. */
  readonly kernel: K;
  /** The report row (default: the kernel's name): the sub-op for unary, binary, reduce and argReduce ('exp'). */
  readonly op?: string;
  readonly name: string;
  /** Inputs, drawn from a generator seeded by `op/name`. */
  readonly inputs: (rng: Rng) => HostTensor[];
  /** Run the kernel on already-written inputs: `backend.kernels.<kernel>(…)`. */
  readonly call: (backend: Backend, xs: readonly TensorInfo[]) => TensorInfo;
  /** The expectation computed from the inputs by the reference. */
  readonly expect: (xs: readonly HostTensor[], numerics: EffectiveNumerics) => Expected;
  /** The inputs relevant to output element i (failure messages). */
  readonly describe?: (xs: readonly HostTensor[], i: number) => string;
  /** A reason to skip on this backend, or null. */
  readonly skip?: (backend: Backend) => string | null;
}

const ARRAY_OF: Record<DType, string> = { float32: 'Float32Array', int32: 'Int32Array', bool: 'Uint8Array' };

function arrayMatches(a: TypedArray, dtype: DType): boolean {
  switch (dtype) {
    case 'float32':
      return a instanceof Float32Array;
    case 'int32':
      return a instanceof Int32Array;
    case 'bool':
      return a instanceof Uint8Array;
  }
}

function hasSubnormal(x: HostTensor): boolean {
  if (x.dtype !== 'float32') return false;
  for (const v of x.values) if (isSubnormal32(v)) return true;
  return false;
}

export function flushHost(x: HostTensor): HostTensor {
  if (x.dtype !== 'float32') return x;
  return { ...x, values: x.values.map(flush32) };
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Outcome of running a kernel under the storage checks. */
type Execution = { readonly ok: true; readonly outputs: TypedArray[] } | { readonly ok: false; readonly message: string };
/** Outcome of running a kernel with several outputs: each call's outputs, in order. */
type MultiExecution = { readonly ok: true; readonly outputs: TypedArray[][] } | { readonly ok: false; readonly message: string };

/** The shape and dtype of one output. */
export interface OutputSpec {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/**
 * Write the inputs, call the kernel twice, read both outputs, dispose all, and
 * check the storage discipline on the way:
 * - each call leaves exactly one new buffer alive (its output: no leaked temporaries);
 * - the output is a fresh dataId (not an input's, not the previous call's);
 * - the output has the expected shape, dtype and typed-array class;
 * - the second output still reads correctly after the first is disposed;
 * - after disposing inputs and outputs, numDataIds() is back where it started.
 */
export function execute(
  backend: Backend,
  inputs: readonly HostTensor[],
  call: (backend: Backend, xs: readonly TensorInfo[]) => TensorInfo,
  shape: readonly number[],
  dtype: DType,
): Execution {
  const ex = executeMany(backend, inputs, (b, xs) => [call(b, xs)], [{ shape, dtype }]);
  return ex.ok ? { ok: true, outputs: ex.outputs.map((o) => o[0]!) } : ex;
}

/** `execute` for a kernel with several outputs (the optimizer update): every output is checked the same way. */
export function executeMany(
  backend: Backend,
  inputs: readonly HostTensor[],
  call: (backend: Backend, xs: readonly TensorInfo[]) => readonly TensorInfo[],
  specs: readonly OutputSpec[],
): MultiExecution {
  const before = backend.numDataIds();
  const owned = new Set<DataId>();
  const fail = (message: string): MultiExecution => ({ ok: false, message });
  const k = specs.length;
  const what = k === 1 ? 'its output' : 'its outputs';
  let result: MultiExecution;
  try {
    result = (() => {
      const infos: TensorInfo[] = [];
      for (const x of inputs) {
        const dataId = backend.write(toTyped(x), x.shape, x.dtype);
        owned.add(dataId);
        infos.push({ dataId, shape: x.shape, dtype: x.dtype });
      }
      const written = backend.numDataIds() - before;
      if (written !== inputs.length) return fail(`storage: ${inputs.length} write() calls changed numDataIds() by ${written}`);
      const calls: TensorInfo[][] = [];
      const seen = new Set<DataId>();
      for (let rep = 0; rep < 2; rep++) {
        const mid = backend.numDataIds();
        let outs: readonly TensorInfo[];
        try {
          outs = call(backend, infos);
        } catch (e) {
          return fail(`the kernel threw ${errorText(e)}`);
        }
        if (outs.length !== k) return fail(`returned ${outs.length} outputs, expected ${k}`);
        for (const out of outs) {
          if (owned.has(out.dataId)) {
            return fail(
              !seen.has(out.dataId)
                ? k === 1
                  ? 'returned the dataId of an input; outputs must be freshly allocated buffers the caller owns'
                  : 'returned the dataId of an input (or one dataId twice); outputs must be freshly allocated buffers the caller owns'
                : 'returned the same dataId on two calls: it keeps its output elsewhere (a cache?), so the caller does not own it',
            );
          }
          owned.add(out.dataId);
          seen.add(out.dataId);
        }
        const created = backend.numDataIds() - mid;
        if (created !== k) {
          return fail(
            created > k
              ? `left ${created} new buffers alive, expected exactly ${k} (${what}): it leaks a temporary`
              : `left ${created} new buffers alive, expected exactly ${k} (${what}): the output is not a buffer it counts`,
          );
        }
        for (let j = 0; j < k; j++) {
          const out = outs[j]!;
          const { shape, dtype } = specs[j]!;
          if (shapeStr(out.shape) !== shapeStr(shape) || out.dtype !== dtype) {
            return fail(`returned ${k > 1 ? `output ${j} ` : ''}${shapeStr(out.shape)} ${out.dtype}, expected ${shapeStr(shape)} ${dtype}`);
          }
        }
        calls.push([...outs]);
      }
      const values: TypedArray[][] = [];
      for (const outs of calls) {
        const read: TypedArray[] = [];
        for (let j = 0; j < k; j++) {
          const out = outs[j]!;
          const dtype = specs[j]!.dtype;
          let v: TypedArray;
          try {
            v = backend.readSync(out.dataId);
          } catch (e) {
            return fail(`readSync of the output threw ${errorText(e)}`);
          }
          if (!arrayMatches(v, dtype)) return fail(`readSync returned ${v.constructor.name}, expected ${ARRAY_OF[dtype]} for ${dtype}`);
          if (v.length !== out.shape.reduce((a, b) => a * b, 1)) {
            return fail(`readSync returned ${v.length} values for shape ${shapeStr(out.shape)}`);
          }
          read.push(v);
        }
        for (const out of outs) {
          backend.disposeData(out.dataId);
          owned.delete(out.dataId);
        }
        values.push(read);
      }
      return { ok: true, outputs: values };
    })();
  } catch (e) {
    result = fail(`storage call threw ${errorText(e)}`);
  } finally {
    for (const id of owned) {
      try {
        backend.disposeData(id);
      } catch {
        // best effort after a failure
      }
    }
  }
  if (result.ok) {
    const after = backend.numDataIds();
    if (after !== before) {
      return fail(`numDataIds() went from ${before} to ${after} after disposing every input and output: a buffer leaked`);
    }
  }
  return result;
}

export function worse(a: CheckResult, b: CheckResult): CheckResult {
  if (!a.pass && b.pass) return a;
  if (!b.pass && a.pass) return b;
  return b.worst > a.worst ? b : a;
}

/** A note for the report when an optional kernel runs as core's composite on this backend. */
export function compositeNote(backend: Backend, kernel: KernelName): string[] {
  return isPrimitive(kernel) || backend.implemented.has(kernel) ? [] : ["core's composite (the backend has no own kernel)"];
}

/** Turn a kernel spec into a case. */
export function kernelCase<K extends KernelName>(spec: KernelSpec<K>): ConformanceCase<K> {
  return caseFrom(spec, 'kernel', (backend, op) => {
    const skip = spec.skip?.(backend);
    if (skip) return skipResult(skip);
    const num = effectiveNumerics(backend.numerics);
    const notes = [...num.notesFor(op), ...compositeNote(backend, spec.kernel)];
    const rng = new Rng(`${op}/${spec.name}`);
    const inputs = spec.inputs(rng);
    const primary = spec.expect(inputs, num);
    const expectations: Expectation[] = [{ ref: primary.ref, judge: primary.judge }];
    if (num.flushesSubnormals && inputs.some(hasSubnormal)) {
      const alt = spec.expect(inputs.map(flushHost), num);
      expectations.push({ ref: alt.ref, judge: alt.judge });
    }
    const unit = primary.judge.kind === 'bound' ? 'bound' : 'ulp';
    const ex = execute(backend, inputs, spec.call, primary.shape, primary.dtype);
    if (!ex.ok) return failResult(ex.message, unit, notes);
    const describe = spec.describe ? (i: number) => spec.describe!(inputs, i) : undefined;
    const checks = ex.outputs.map((out) =>
      compare(out, expectations, { dtype: primary.dtype, shape: primary.shape, flush: num.flushesSubnormals, ...(describe ? { describe } : {}) }),
    );
    const c = checks.reduce(worse);
    return { pass: c.pass, worst: c.worst, bound: c.bound, unit: c.unit, message: c.message, notes };
  });
}

/** Describe elementwise inputs: each input's value at the broadcast position of output element i. */
export function describeValues(names: readonly string[], maps: (xs: readonly HostTensor[]) => Int32Array[]) {
  return (xs: readonly HostTensor[], i: number): string => {
    const m = maps(xs);
    return names.map((n, k) => `${n}=${fmtNum(xs[k]!.values[m[k]![i]!]!)}`).join(', ');
  };
}
