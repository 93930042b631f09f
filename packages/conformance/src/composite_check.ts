/**
 * Every optional kernel a backend implements itself is checked twice: its own
 * kernel (the case's row), and core's composite of that kernel bound to the
 * backend's kernels (the 'x (composite)' row), against the same bound. So a
 * fast path and the composite that stands in for it on other backends are
 * both held to the table's tolerance, on every backend.
 */
import type { Backend, KernelArgs, KernelContext, KernelName, OptionalKernel, TensorInfo } from '@polytensor/core';
import { isPrimitive, KERNELS } from '@polytensor/core';
import type { CaseSubject, ConformanceCase } from './cases/types.js';
import { skipResult } from './cases/types.js';
import { derivedBackend } from './engine_bridge.js';
import { wrapBackend } from './wrap.js';

/** The storage calls and kernels a composite runs on: the backend's own (each accelerated or itself a composite). */
export function compositeContext(backend: Backend): KernelContext {
  const write: KernelContext['write'] = (values, shape, dtype) => backend.write(values, shape, dtype);
  const adopt: KernelContext['adopt'] = backend.adopt ? (values, shape, dtype) => backend.adopt!(values, shape, dtype) : write;
  return { ...backend.kernels, write, adopt, disposeData: (id) => backend.disposeData(id) };
}

/** Core's composite of optional kernel `kernel`, bound to `backend`'s kernels. */
export function compositeKernel<K extends OptionalKernel>(backend: Backend, kernel: K): (...args: KernelArgs<K>) => TensorInfo {
  const ctx = compositeContext(backend);
  const composite = KERNELS[kernel].composite as (k: KernelContext, ...args: KernelArgs<K>) => TensorInfo;
  return (...args) => composite(ctx, ...args);
}

/** `backend` with `kernel` replaced by core's composite of it (made once per backend and kernel). */
export function compositeView(backend: Backend, kernel: OptionalKernel): Backend {
  return derivedBackend(backend, `composite:${kernel}`, () =>
    wrapBackend(backend, { name: `${backend.name} (composite ${kernel})`, kernels: { [kernel]: compositeKernel(backend, kernel) } }),
  );
}

/** Whether a case checks an optional kernel of core's table (one with a composite). */
export function isOptionalKernelCase(c: ConformanceCase): c is ConformanceCase<OptionalKernel> {
  return c.kind === 'kernel' && c.kernel in KERNELS && !isPrimitive(c.kernel as KernelName);
}

/**
 * The composite check of one case of an optional kernel: the same inputs,
 * expectation and bound, with core's composite in place of the backend's
 * kernel. Skipped where the backend has no kernel of its own (its main row
 * already runs the composite).
 */
export function compositeTwin<K extends OptionalKernel>(c: ConformanceCase<K>): ConformanceCase<K> {
  return {
    kernel: c.kernel,
    op: c.op,
    name: c.name,
    kind: c.kind,
    composite: true,
    run(backend: Backend) {
      if (!backend.implemented.has(c.kernel)) return skipResult(`${backend.name} has no ${c.kernel} of its own: its ${c.op} row runs core's composite`);
      return c.run(compositeView(backend, c.kernel));
    },
  };
}

/** Whether a composite check applies to this backend (the suite drops the rest from its report). */
export function compositeApplies(c: ConformanceCase<CaseSubject>, backend: Backend): boolean {
  if (!c.composite) return true;
  if (c.kernel === 'optimizerUpdate') return backend.optimizer !== undefined;
  return backend.implemented.has(c.kernel as KernelName);
}
