import { PolytensorError } from '../errors.js';
import { KERNEL_NAMES, KERNELS, PRIMITIVE_KERNELS, type OptionalKernel, type PrimitiveKernel } from '../kernels/table.js';
import type { KernelContext } from '../kernels/temps.js';
import type { Backend, BackendLimits, BackendNumerics, KernelImpl, Storage } from './backend.js';
import type { KernelArgs, KernelName, Kernels, OptimizerCapability } from './kernels.js';
import type { DType, TensorInfo, TypedArray } from './types.js';

/** A backend's kernels: every primitive, and any optional kernel it accelerates. */
export type KernelImpls<S> = { readonly [K in PrimitiveKernel]: KernelImpl<K, S> } & {
  readonly [K in OptionalKernel]?: KernelImpl<K, S>;
};

/** What a backend author writes; `defineBackend` turns it into a `Backend`. */
export interface BackendDefinition<S extends Storage> {
  /** The name it is registered under. */
  readonly name: string;
  /** Where buffers live; every kernel receives it first. */
  readonly storage: S;
  readonly kernels: KernelImpls<S>;
  readonly numerics?: BackendNumerics;
  /** Fused optimizer updates (optional). */
  readonly optimizer?: OptimizerCapability;
  /** What the backend can hold (see Backend.limits); called before each allocation, so return stored values. */
  readonly limits?: () => BackendLimits;
  /** Release what the storage does not own (contexts, workers); buffers are the storage's. */
  readonly dispose?: () => void;
}

/**
 * Make a backend from its storage and kernels. Kernels the definition lacks are
 * core's composites, run on this backend's own kernels; `implemented` lists the
 * rest. Unknown kernel names (a typo) and missing primitives are errors here,
 * not at the first call.
 * @example
 * const backend = defineBackend({ name: 'mine', storage, kernels: { unary, binary, where, cast, reduce, transpose, slice, concat, gather, scatterAdd, matMul } });
 */
export function defineBackend<S extends Storage>(def: BackendDefinition<S>): Backend;
/** With `extend`: the backend also carries the backend-specific API given (e.g. a `setLimits`). */
export function defineBackend<S extends Storage, X extends object>(def: BackendDefinition<S>, extend: X): Backend & X;
export function defineBackend<S extends Storage, X extends object>(def: BackendDefinition<S>, extend?: X): Backend & X {
  if (typeof def.name !== 'string' || def.name.length === 0) throw new PolytensorError('defineBackend: name must be a non-empty string');
  const given = def.kernels as Readonly<Record<string, unknown>>;
  const unknown = Object.keys(given).filter((k) => !(k in KERNELS));
  if (unknown.length) {
    throw new PolytensorError(`defineBackend('${def.name}'): unknown kernel(s) ${unknown.join(', ')}; the kernels are ${KERNEL_NAMES.join(', ')}`);
  }
  const missing = PRIMITIVE_KERNELS.filter((k) => typeof given[k] !== 'function');
  if (missing.length) {
    throw new PolytensorError(
      `defineBackend('${def.name}'): primitive kernel(s) ${missing.join(', ')} missing; every backend implements ${PRIMITIVE_KERNELS.join(', ')}`,
    );
  }
  const storage = def.storage;
  const kernels = {} as Record<KernelName, (...args: never[]) => TensorInfo>;
  const implemented = new Set<KernelName>();
  // Composites see the bound kernels (accelerated or composite) plus the storage calls they need.
  const write = storage.write.bind(storage);
  const context = { write, adopt: storage.adopt?.bind(storage) ?? write, disposeData: storage.disposeData.bind(storage) } as KernelContext;
  for (const name of KERNEL_NAMES) {
    const impl = given[name] as ((s: S, ...args: unknown[]) => TensorInfo) | undefined;
    if (impl !== undefined) {
      if (typeof impl !== 'function') throw new PolytensorError(`defineBackend('${def.name}'): kernel ${name} must be a function`);
      implemented.add(name);
      kernels[name] = (...args: unknown[]) => impl(storage, ...args);
    } else {
      const spec = KERNELS[name as OptionalKernel];
      const composite = spec.composite as (k: KernelContext, ...args: unknown[]) => TensorInfo;
      kernels[name] = (...args: unknown[]) => composite(context, ...args);
    }
    (context as unknown as Record<string, unknown>)[name] = kernels[name];
  }
  const reserved = [
    'name',
    'kernels',
    'implemented',
    'numerics',
    'optimizer',
    'limits',
    'write',
    'adopt',
    'read',
    'readSync',
    'disposeData',
    'numDataIds',
    'memory',
    'dispose',
  ];
  const clash = Object.keys(extend ?? {}).filter((k) => reserved.includes(k));
  if (clash.length) throw new PolytensorError(`defineBackend('${def.name}'): extend may not redefine ${clash.join(', ')}`);
  const backend: Backend = {
    name: def.name,
    ...(def.numerics ? { numerics: def.numerics } : {}),
    ...(def.optimizer ? { optimizer: def.optimizer } : {}),
    ...(def.limits ? { limits: def.limits } : {}),
    kernels: kernels as unknown as Kernels,
    implemented,
    write: (values, shape, dtype) => storage.write(values, shape, dtype),
    ...(storage.adopt ? { adopt: (values: TypedArray, shape: readonly number[], dtype: DType) => storage.adopt!(values, shape, dtype) } : {}),
    read: (id) => storage.read(id),
    readSync: (id) => storage.readSync(id),
    disposeData: (id) => storage.disposeData(id),
    numDataIds: () => storage.numDataIds(),
    memory: () => storage.memory(),
    dispose: () => def.dispose?.(),
  };
  return Object.assign(backend, extend ?? {}) as Backend & X;
}

/** Call one kernel of a backend by name (the engine's dispatch). */
export function callKernel<K extends KernelName>(backend: Backend, name: K, args: KernelArgs<K>): TensorInfo {
  return (backend.kernels[name] as (...a: KernelArgs<K>) => TensorInfo)(...args);
}
