/**
 * --profile: where a polytensor backend spends one run of a workload, kernel
 * by kernel. The backend under test is wrapped (core's public Backend
 * interface: same storage, every kernel timed on its way through) and
 * registered beside it for the profiled runs only. Node backends only: a GPU
 * backend's kernels return before the GPU finishes, so their times would be
 * dispatch times.
 */
import * as pt from '@polytensor/core';
import type { Backend, KernelName, Kernels, OptimizerCapability, TensorInfo } from '@polytensor/core';
import { numericsFor } from './gate.js';
import type { ImplSpec } from './runner.js';
import type { KernelProfile } from './types.js';
import type { Handle, Workload } from './workloads.js';

type Recorder = (kernel: string, op: string, args: readonly unknown[], ms: number) => void;

const isInfo = (a: unknown): a is TensorInfo => typeof a === 'object' && a !== null && 'dataId' in a && 'shape' in a;

/** The input shapes of a kernel call, e.g. "[64,784] [784,64]". */
function shapesOf(args: readonly unknown[]): string {
  const infos = args.flatMap((a) => (Array.isArray(a) ? a.filter(isInfo) : isInfo(a) ? [a] : []));
  return infos.map((t) => `[${t.shape.join(',')}]`).join(' ');
}

/** `base` with every kernel (and the fused optimizer update) timed; buffers stay `base`'s. */
function timedBackend(base: Backend, name: string, record: Recorder): Backend {
  const kernels = {} as Record<KernelName, (...args: unknown[]) => TensorInfo>;
  for (const k of pt.KERNEL_NAMES) {
    const f = base.kernels[k] as (...args: unknown[]) => TensorInfo;
    kernels[k] = (...args) => {
      const t0 = performance.now();
      const out = f(...args);
      record(k, pt.kernelLabel(k, args as never), args, performance.now() - t0);
      return out;
    };
  }
  const update = base.optimizer;
  const optimizer: OptimizerCapability | undefined = update && {
    optimizerUpdate(u, value, grad, slots) {
      const t0 = performance.now();
      const out = update.optimizerUpdate(u, value, grad, slots);
      record('optimizerUpdate', u.kind, [value], performance.now() - t0);
      return out;
    },
  };
  return {
    name,
    ...(base.numerics ? { numerics: base.numerics } : {}),
    ...(optimizer ? { optimizer } : {}),
    ...(base.limits ? { limits: () => base.limits!() } : {}),
    kernels: kernels as unknown as Kernels,
    implemented: base.implemented,
    write: (values, shape, dtype) => base.write(values, shape, dtype),
    read: (id) => base.read(id),
    readSync: (id) => base.readSync(id),
    disposeData: (id) => base.disposeData(id),
    numDataIds: () => base.numDataIds(),
    memory: () => base.memory(),
    // the wrapped backend owns the buffers and stays registered
    dispose: () => {},
  };
}

/**
 * Profile `runs` runs of `w` on the polytensor implementation `spec`, after
 * one untimed run (compilation, JIT, lazily built models). Restores `spec`'s
 * backend as the active one.
 */
export async function profileWorkload(w: Workload, spec: ImplSpec, quick: boolean, runs: number): Promise<KernelProfile> {
  await spec.activate();
  const base = pt.getBackend();
  const name = `${base.name}+profile`;
  const sites = new Map<string, { kernel: string; op: string; shapes: string; calls: number; ms: number }>();
  const record: Recorder = (kernel, op, args, ms) => {
    const shapes = shapesOf(args);
    const key = `${kernel}|${op}|${shapes}`;
    const s = sites.get(key) ?? { kernel, op: op === kernel ? '' : op, shapes, calls: 0, ms: 0 };
    s.calls++;
    s.ms += ms;
    sites.set(key, s);
  };
  pt.registerBackend(name, () => timedBackend(base, name, record), -100);
  let handle: Handle | null = null;
  try {
    await pt.setBackend(name);
    handle = await w.polytensor({ quick, numerics: numericsFor(spec.backend) });
    await handle.run();
    sites.clear();
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await handle.run();
    const runMs = (performance.now() - t0) / runs;
    const kernels = [...sites.values()].map((s) => ({ ...s, calls: s.calls / runs, ms: s.ms / runs })).sort((a, b) => b.ms - a.ms);
    return { workload: w.id, backend: spec.backend, runs, runMs, kernels };
  } finally {
    handle?.dispose();
    await spec.activate();
    pt.removeBackend(name);
  }
}
