import type { Backend, BackendFactory } from '../backend/backend.js';
import type { BackendMemory, DataId, DType, TensorInfo, TypedArray } from '../backend/types.js';
import { bytesPerElement, sizeOf, typedArrayFor } from '../backend/types.js';
import { PolytensorError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { arraysEqual, assertValidShape, fmt } from '../util/shape.js';
import { MemoryGuard } from './memory_limits.js';
import { BackendRegistry, KNOWN_BACKEND_PACKAGES } from './registry.js';
import { Tape, type GradFn, type GradientRules, type KernelGradFn, type MultiGradFn, type TapeNode, type TensorArgs } from './tape.js';
import type { KernelArgs, KernelName } from '../backend/kernels.js';
import { callKernel } from '../backend/define.js';
import { KERNELS, kernelLabel } from '../kernels/table.js';

export interface MemoryInfo {
  /** Live tensors (including variables). */
  numTensors: number;
  /** Live buffers across every initialised backend. */
  numDataIds: number;
  /** Bytes of tensor data held through core. */
  numBytes: number;
  /** Each initialised backend's own report. */
  backends: Record<string, BackendMemory>;
}

/** Anything `tidy` can return: tensors anywhere inside arrays or plain objects are kept. */
// biome-ignore lint/suspicious/noConfusingVoidType: `void` lets tidy take functions that return nothing.
export type TensorContainer = void | Tensor | string | number | boolean | null | undefined | TensorContainer[] | { [key: string]: TensorContainer };

interface Scope {
  readonly tracked: Set<Tensor>;
  readonly name: string;
}

interface DataRecord {
  refs: number;
  backend: Backend;
  bytes: number;
}

/** One kernel call as `profile` and `time` see it. */
export interface KernelCall {
  /** The op name errors use ('exp', 'matMul'). */
  readonly op: string;
  readonly kernel: KernelName;
  readonly inputShapes: ReadonlyArray<readonly number[]>;
  readonly outputShape: readonly number[];
  /** Milliseconds the backend's kernel call took on the host (a GPU backend's enqueue time, not its execution). */
  readonly ms: number;
}

/**
 * The engine owns the backend registry, buffer reference counts, tidy scopes
 * and the gradient tape. One global instance; ops talk to it through runKernel.
 */
export class Engine {
  readonly registry = new BackendRegistry();
  private active: Backend | null = null;
  private activeName: string | null = null;
  /** How the active backend was chosen: by setBackend, or implicitly (first use, or ready()). */
  private choice: 'explicit' | 'implicit' | null = null;
  private discovery: Promise<void> | null = null;
  /** > 0 while installed backend packages are being imported: their registrations are 'discovered'. */
  private discovering = 0;
  private readonly data = new Map<DataId, DataRecord>();
  private numTensors = 0;
  private numBytes = 0;
  private readonly scopes: Scope[] = [];
  private readonly scopeOf = new WeakMap<Tensor, Scope>();
  private readonly tapes: Tape[] = [];
  /** Watchers of kernel calls (`profile`, `time`): each sees every kernel the engine runs while it is registered. */
  readonly kernelObservers = new Set<(call: KernelCall) => void>();
  private tapePaused = 0;
  /** Per-backend bytes held, declared limits and the up-front allocation check. */
  readonly memoryGuard = new MemoryGuard();
  /** When on, every kernel call must leave exactly one new buffer behind (its output). */
  kernelLeakChecks = false;

  /**
   * @param discover loads the installed backend packages (each registers itself);
   *   by default, a dynamic import of every known package. Tests pass their own.
   */
  constructor(private readonly discover: () => Promise<void> = importKnownPackages) {}

  // ---- backends -------------------------------------------------------------
  //
  // The rules (README "Choosing a backend"):
  // 1. setBackend(name) is an explicit choice; nothing else replaces it.
  // 2. Otherwise the backend packages the app imported are the candidates, best
  //    priority first; ready() (or the first tensor, for synchronous backends)
  //    picks one. Only when the app imported none does ready() import the
  //    installed packages and pick the best that initialises.
  // 3. Once a backend is active, ready() returns it: it never switches a
  //    backend that tensors may already live on.

  registerBackend(name: string, factory: BackendFactory, priority = 0): void {
    this.registry.register(name, factory, priority, this.discovering > 0 ? 'discovered' : 'imported');
  }

  removeBackend(name: string): void {
    if (this.activeName === name) {
      this.active = null;
      this.activeName = null;
      this.choice = null;
    }
    this.registry.remove(name);
  }

  async setBackend(name: string): Promise<void> {
    if (typeof name !== 'string') throw new PolytensorError(`setBackend: expected a backend name (a string), got ${typeof name}`);
    if (!this.registry.has(name)) {
      await this.discoverInstalled();
      if (!this.registry.has(name)) throw this.registry.unknown('setBackend', name);
    }
    const backend = await this.registry.initialize(name);
    this.activate(name, backend, 'explicit');
  }

  setBackendSync(name: string): void {
    if (typeof name !== 'string') throw new PolytensorError(`setBackendSync: expected a backend name (a string), got ${typeof name}`);
    const backend = this.registry.initializeSync(name);
    this.activate(name, backend, 'explicit');
  }

  private activate(name: string, backend: Backend, how: 'explicit' | 'implicit'): void {
    this.active = backend;
    this.activeName = name;
    this.choice = how;
  }

  /** Import every known backend package that is installed (each registers itself as 'discovered'). */
  private discoverInstalled(): Promise<void> {
    this.discovery ??= (async () => {
      this.discovering++;
      try {
        await this.discover();
      } finally {
        this.discovering--;
      }
    })();
    return this.discovery;
  }

  /**
   * Resolve the backend to use: the active one if any (chosen by setBackend or
   * already in use); else the best imported backend that initialises; else,
   * when the app imported none, the best installed one.
   */
  async ready(): Promise<Backend> {
    if (this.active) return this.active;
    let candidates = this.registry.byPriority('imported');
    const imported = candidates.length > 0;
    if (!imported) {
      await this.discoverInstalled();
      candidates = this.registry.byPriority();
    }
    const errors: string[] = [];
    for (const name of candidates) {
      try {
        const backend = await this.registry.initialize(name);
        // A setBackend or a synchronous first use may have chosen while we awaited.
        if (this.active) return this.active;
        this.activate(name, backend, 'implicit');
        return backend;
      } catch (e) {
        errors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (imported) {
      throw new PolytensorError(
        `ready: none of the imported backends could be initialised (${errors.join('; ')}); ` +
          `fix the cause above, or import another backend package (e.g. import '@polytensor/backend-ts')`,
      );
    }
    throw new PolytensorError(
      `ready: no backend could be initialised${errors.length ? ` (${errors.join('; ')})` : ' (no backend package is installed)'}; ` +
        `install one, e.g. npm install @polytensor/backend-ts, and import it`,
    );
  }

  /**
   * The active backend. With none active yet, the best imported backend is
   * chosen synchronously (and stays chosen); asynchronous ones need ready().
   */
  getBackend(): Backend {
    if (this.active) return this.active;
    const names = this.registry.byPriority('imported');
    const name = names[0] ?? this.registry.byPriority()[0];
    if (name === undefined) {
      throw new PolytensorError(
        "no backend is registered: import a backend package (e.g. import '@polytensor/backend-ts') or call `await ready()` to load the installed ones",
      );
    }
    this.activate(name, this.registry.initializeSync(name), 'implicit');
    return this.active!;
  }

  /** How the active backend was chosen: 'explicit' (setBackend), 'implicit' (first use or ready()), or null. */
  backendChoice(): 'explicit' | 'implicit' | null {
    return this.choice;
  }

  /** Name of the chosen backend, or null before any choice (no side effects). */
  activeBackendName(): string | null {
    return this.activeName;
  }

  backendName(): string {
    this.getBackend();
    return this.activeName!;
  }

  // ---- tensors and buffers -----------------------------------------------

  /** Write host values into a new tensor on the active backend (`op` names the caller in errors). */
  makeTensor(values: TypedArray, shape: readonly number[], dtype: DType, op = 'tensor'): Tensor {
    assertValidShape(op, shape);
    const backend = this.getBackend();
    this.memoryGuard.check(op, backend, [{ shape, dtype }], 'the tensor');
    let dataId: DataId;
    try {
      dataId = backend.write(values, shape, dtype);
    } catch (e) {
      throw this.memoryGuard.failure(op, backend, { shape, dtype }, 'the tensor', e);
    }
    return this.track(new Tensor(dataId, shape, dtype, backend), true);
  }

  /**
   * Refuse, before anything is allocated, a tensor the active backend cannot
   * hold (too large, or over its total with what it already holds). Ops that
   * build values on the host (fill, range, random…) call it before making
   * their arrays; runKernel and makeTensor call it themselves.
   */
  checkAllocation(op: string, shape: readonly number[], dtype: DType, noun = 'the tensor'): void {
    assertValidShape(op, shape);
    this.memoryGuard.check(op, this.getBackend(), [{ shape, dtype }], noun);
  }

  /**
   * A zeroed host array for a new tensor's values, after checkAllocation: a
   * failed allocation (the host out of memory) is reported as a
   * MemoryLimitError naming the op, like a backend's.
   */
  hostValues(op: string, shape: readonly number[], dtype: DType): TypedArray {
    this.checkAllocation(op, shape, dtype);
    try {
      return typedArrayFor(dtype, sizeOf(shape));
    } catch (e) {
      throw this.memoryGuard.failure(op, this.getBackend(), { shape, dtype }, 'the host values of', e);
    }
  }

  /** A new tensor viewing `x`'s buffer with another shape (reshape is metadata only). */
  makeView(x: Tensor, shape: readonly number[]): Tensor {
    return this.track(new Tensor(x.dataId, shape, x.dtype, x.backend), false);
  }

  private track(t: Tensor, fresh: boolean, inScope = true): Tensor {
    const rec = this.data.get(t.dataId);
    if (rec) {
      rec.refs++;
    } else {
      if (!fresh) throw new PolytensorError('internal: view of an unknown buffer');
      const bytes = t.size * bytesPerElement(t.dtype);
      this.data.set(t.dataId, { refs: 1, backend: t.backend, bytes });
      this.numBytes += bytes;
      this.memoryGuard.added(t.backend, bytes);
    }
    this.numTensors++;
    if (inScope) {
      const scope = this.scopes[this.scopes.length - 1];
      if (scope) {
        scope.tracked.add(t);
        this.scopeOf.set(t, scope);
      }
    }
    return t;
  }

  /** @internal count a tensor that shares an existing buffer but belongs to no scope (variables). */
  adopt(t: Tensor): void {
    this.track(t, false, false);
  }

  /** @internal point a Variable at a new buffer, releasing the old one. */
  swapData(t: Tensor, dataId: DataId): void {
    const rec = this.data.get(dataId);
    if (!rec) throw new PolytensorError('internal: assign from an unknown buffer');
    rec.refs++;
    this.releaseData(t.dataId);
    t.dataIdRef = dataId;
  }

  private releaseData(dataId: DataId): void {
    const rec = this.data.get(dataId);
    if (!rec) return;
    if (--rec.refs === 0) {
      this.data.delete(dataId);
      this.numBytes -= rec.bytes;
      this.memoryGuard.released(rec.backend, rec.bytes);
      rec.backend.disposeData(dataId);
    }
  }

  disposeTensor(t: Tensor): void {
    if (t.disposedFlag) return;
    t.disposedFlag = true;
    this.numTensors--;
    this.releaseData(t.dataId);
    const scope = this.scopeOf.get(t);
    if (scope) scope.tracked.delete(t);
    this.onDispose?.(t);
  }

  /** Hook for the variable registry. */
  onDispose: ((t: Tensor) => void) | undefined;

  readSync(t: Tensor): TypedArray {
    return t.backend.readSync(t.dataId);
  }

  read(t: Tensor): Promise<TypedArray> {
    return t.backend.read(t.dataId);
  }

  memory(): MemoryInfo {
    const backends: Record<string, BackendMemory> = {};
    let numDataIds = 0;
    for (const name of this.registry.names()) {
      const b = this.registry.instance(name);
      if (!b) continue;
      backends[name] = b.memory();
      numDataIds += b.numDataIds();
    }
    return { numTensors: this.numTensors, numDataIds, numBytes: this.numBytes, backends };
  }

  // ---- scopes ---------------------------------------------------------------

  /**
   * Run `fn`, then dispose every tensor it created except those it returns
   * (anywhere inside arrays/objects) and those passed to keep().
   */
  tidy<T extends TensorContainer>(fn: () => T, name = 'tidy'): T {
    if (typeof fn !== 'function') throw new PolytensorError('tidy: pass a function, e.g. tidy(() => a.add(b))');
    if (isAsyncFunction(fn)) {
      throw new PolytensorError(
        'tidy: got an async function; tidy tracks synchronous work only (tensors made after an await would escape it), so it was not run. ' +
          'Call tidy inside the async function around each synchronous step, e.g. const y = tidy(() => f(x)); await y.data()',
      );
    }
    const scope: Scope = { tracked: new Set(), name };
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.endScope(scope, new Set());
      throw e;
    }
    if (isThenable(result)) {
      // A function that returns a Promise without being a native async function (transpiled async, or a
      // plain function starting async work): it has already run up to its first await and goes on without
      // tidy. What it made so far is freed now; what it resolves to is freed when it settles, since the
      // caller gets this error instead; its rejection is absorbed, this error reports the misuse.
      this.endScope(scope, new Set());
      result.then(
        (v) => {
          for (const t of collectTensors(v)) this.disposeTensor(t);
        },
        () => undefined,
      );
      throw new PolytensorError(
        'tidy: the function returned a Promise; tidy tracks synchronous work only. The tensors it made before its first await were freed, ' +
          'and those it resolves to will be freed when it settles; tensors it makes after an await and does not return belong to no tidy scope ' +
          'and stay alive until disposed. Call tidy inside the async function around each synchronous step instead.',
      );
    }
    this.endScope(scope, collectTensors(result));
    return result;
  }

  private endScope(scope: Scope, keepers: Set<Tensor>): void {
    const popped = this.scopes.pop();
    if (popped !== scope) throw new PolytensorError('internal: tidy scopes were not nested');
    const parent = this.scopes[this.scopes.length - 1];
    for (const t of scope.tracked) {
      if (keepers.has(t)) {
        if (parent) {
          parent.tracked.add(t);
          this.scopeOf.set(t, parent);
        } else {
          this.scopeOf.delete(t);
        }
      } else {
        this.disposeTensor(t);
      }
    }
  }

  /** Exempt `t` from the enclosing tidy scopes. */
  keep<T extends Tensor>(t: T): T {
    const scope = this.scopeOf.get(t);
    if (scope) {
      scope.tracked.delete(t);
      this.scopeOf.delete(t);
    }
    return t;
  }

  // ---- kernels and the tape -----------------------------------------------

  /**
   * Run kernel `name` on the active backend with `args` (the kernel's
   * arguments, tensors where it takes TensorInfos). The output's shape and
   * dtype come from the kernel table and the backend's answer is checked
   * against them; with kernel leak checks on, the kernel must leave exactly one
   * new buffer (its output). While a gradient tape records, the call is saved
   * for its gradient rule (grad/rules.ts).
   */
  runKernel<K extends KernelName>(name: K, args: TensorArgs<KernelArgs<K>>, label?: string): Tensor {
    const kargs = args as unknown as KernelArgs<K>;
    const op = label ?? kernelLabel(name, kargs);
    const inputs = tensorsIn(args);
    const expect = (KERNELS[name].output as (...a: KernelArgs<K>) => { shape: readonly number[]; dtype: DType })(...kargs);
    assertValidShape(op, expect.shape);
    const backend = this.getBackend();
    for (const t of inputs) {
      t.assertAlive(op);
      if (t.backend !== backend) {
        throw new PolytensorError(
          `${op}: tensor ${t.id} lives on backend '${t.backend.name}' but the active backend is '${backend.name}'; ` +
            `create it after setBackend, or copy it with tensor(await t.data(), t.shape, t.dtype)`,
        );
      }
    }
    this.memoryGuard.check(op, backend, [expect], 'the output');
    const before = this.kernelLeakChecks ? backend.numDataIds() : 0;
    const t0 = this.kernelObservers.size ? performance.now() : 0;
    let info: TensorInfo;
    try {
      info = callKernel(backend, name, kargs);
    } catch (e) {
      throw this.memoryGuard.failure(op, backend, expect, 'the output', e);
    }
    const ms = this.kernelObservers.size ? performance.now() - t0 : 0;
    if (this.kernelLeakChecks) {
      const created = backend.numDataIds() - before;
      if (created !== 1 || this.data.has(info.dataId)) {
        throw new PolytensorError(
          `${op}: backend '${backend.name}' kernel ${name} left ${created} new buffer(s) alive, expected exactly 1 (its output); ` +
            `it leaks temporaries or returned an input's buffer`,
        );
      }
    }
    if (!arraysEqual(info.shape, expect.shape) || info.dtype !== expect.dtype) {
      backend.disposeData(info.dataId);
      throw new PolytensorError(
        `${op}: backend '${backend.name}' kernel ${name} returned ${fmt(info.shape)} ${info.dtype}, expected ${fmt(expect.shape)} ${expect.dtype}; ` +
          `this is a bug in the backend`,
      );
    }
    const out = this.track(new Tensor(info.dataId, expect.shape, expect.dtype, backend), true);
    this.recordNode(op, inputs, out, { kernel: name, args });
    if (this.kernelObservers.size) {
      const call: KernelCall = { op, kernel: name, inputShapes: inputs.map((t) => t.shape), outputShape: out.shape, ms };
      for (const observe of this.kernelObservers) observe(call);
    }
    return out;
  }

  /**
   * Run a kernel with several outputs and no gradient (fused optimizer updates).
   * Checked like runKernel: every output must be a fresh buffer of the expected
   * shape and dtype, and with kernel leak checks on, exactly one new buffer per output.
   */
  runKernelMulti(
    op: string,
    inputs: readonly Tensor[],
    forward: (backend: Backend) => readonly TensorInfo[],
    expect: ReadonlyArray<{ shape: readonly number[]; dtype: DType }>,
  ): Tensor[] {
    for (const e of expect) assertValidShape(op, e.shape);
    const backend = this.getBackend();
    for (const t of inputs) {
      t.assertAlive(op);
      if (t.backend !== backend) {
        throw new PolytensorError(`${op}: tensor ${t.id} lives on backend '${t.backend.name}' but the active backend is '${backend.name}'`);
      }
    }
    this.memoryGuard.check(op, backend, expect, 'the output');
    const before = this.kernelLeakChecks ? backend.numDataIds() : 0;
    let infos: readonly TensorInfo[];
    try {
      infos = forward(backend);
    } catch (e) {
      throw this.memoryGuard.failure(op, backend, expect[0] ?? { shape: [], dtype: 'float32' }, 'the output', e);
    }
    const fresh = new Set(infos.map((i) => i.dataId));
    const bad =
      infos.length !== expect.length ||
      fresh.size !== infos.length ||
      infos.some((info, i) => this.data.has(info.dataId) || !arraysEqual(info.shape, expect[i]!.shape) || info.dtype !== expect[i]!.dtype);
    if (bad || (this.kernelLeakChecks && backend.numDataIds() - before !== expect.length)) {
      for (const id of fresh) if (!this.data.has(id)) backend.disposeData(id);
      throw new PolytensorError(
        `${op}: backend '${backend.name}' returned ${infos.map((i) => `${fmt(i.shape)} ${i.dtype}`).join(', ') || 'nothing'}, ` +
          `expected ${expect.map((e) => `${fmt(e.shape)} ${e.dtype}`).join(', ')} as ${expect.length} fresh buffer(s); this is a bug in the backend`,
      );
    }
    return infos.map((info, i) => this.track(new Tensor(info.dataId, expect[i]!.shape, expect[i]!.dtype, backend), true));
  }

  /** True when an active gradient tape would record an op on `inputs` (so a gradient-free kernel must not replace it). */
  recordsGradientOf(inputs: readonly Tensor[]): boolean {
    return this.tapePaused === 0 && this.tapes.some((tape) => tape.dependsOnWatched(inputs));
  }

  /**
   * Record an op whose output shares an input's buffer (reshape), or an op with
   * a custom gradient: its gradient is the closure given. `kept` are further
   * tensors the closure needs (customGrad's saved ones): the tape keeps them
   * alive and hands them over as `saved.kept`.
   */
  record(op: string, inputs: readonly Tensor[], output: Tensor, grad: GradFn, kept?: readonly Tensor[]): void {
    this.recordNode(op, inputs, output, { grad }, kept);
  }

  /**
   * @internal A second handle on `t`'s buffer carrying `t`'s id, outside every
   * tidy scope (the caller disposes it). The tape saves these: with the same
   * id, what a gradient rule computes from a saved tensor is, to an outer tape,
   * computed from the tensor itself, so the rule's ops can be differentiated
   * again (higher-order gradients).
   */
  aliasOf(t: Tensor): Tensor {
    const a = new Tensor(t.dataId, t.shape, t.dtype, t.backend);
    Object.defineProperty(a, 'id', { value: t.id, enumerable: true });
    return this.track(a, false, false);
  }

  /**
   * Record an op with several outputs as one node (split, unstack): run its
   * kernels inside untaped(), then record the outputs with one rule that
   * gets every output's dy.
   */
  recordMulti(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], grad: MultiGradFn): void {
    if (outputs.length === 0) return;
    this.recordNode(op, inputs, outputs[0]!, { multiGrad: grad, outputs });
  }

  /** Run `f` without recording on the gradient tape (the kernels of an op that records itself with recordMulti). */
  untaped<T>(f: () => T): T {
    this.tapePaused++;
    try {
      return f();
    } finally {
      this.tapePaused--;
    }
  }

  /**
   * Record an op on every active tape that watches one of its inputs: nested
   * gradient computations (grad of grad) each see the ops of the functions they
   * differentiate, and, since the backward pass is not paused, an outer tape
   * also records the gradient rules' ops of an inner one.
   */
  private recordNode(
    op: string,
    inputs: readonly Tensor[],
    output: Tensor,
    how: { grad: GradFn } | { multiGrad: MultiGradFn; outputs: readonly Tensor[] } | { kernel: KernelName; args: readonly unknown[] },
    kept?: readonly Tensor[],
  ): void {
    if (this.tapePaused > 0) return;
    for (const tape of this.tapes) {
      if (!tape.dependsOnWatched(inputs)) continue;
      // Each tape owns its aliases (released with it).
      const aliases = new Map<Tensor, Tensor>();
      const alias = (t: Tensor): Tensor => {
        let a = aliases.get(t);
        if (!a) aliases.set(t, (a = this.aliasOf(t)));
        return a;
      };
      const saved = { inputs: inputs.map(alias), output: alias(output), ...(kept ? { kept: kept.map(alias) } : {}) };
      const swap = (v: unknown): unknown => (v instanceof Tensor ? alias(v) : Array.isArray(v) ? v.map(swap) : v);
      tape.nodes.push({
        op,
        inputIds: inputs.map((t) => t.id),
        outputId: output.id,
        saved,
        ...('grad' in how
          ? { grad: how.grad }
          : 'multiGrad' in how
            ? { multiGrad: how.multiGrad, outputIds: how.outputs.map((t) => t.id) }
            : { kernel: how.kernel, args: how.args.map(swap) }),
      });
      tape.reachable.add(output.id);
      if ('outputs' in how) for (const t of how.outputs) tape.reachable.add(t.id);
    }
  }

  /**
   * Reverse-mode gradient of `f` at `xs`. Returns f's value and d(sum(dy·f))/dx
   * for each x (zeros where f does not depend on x). Every intermediate is freed.
   */
  gradients(
    f: () => Tensor,
    xs: readonly Tensor[],
    rules: GradientRules,
    dy?: Tensor,
    onConnected?: (ids: Set<number>) => void,
  ): { value: Tensor; grads: Tensor[] } {
    const tape = new Tape(xs);
    this.tapes.push(tape);
    let value: Tensor;
    try {
      value = this.tidy(f, 'gradients.forward');
    } catch (e) {
      this.tapes.pop();
      this.releaseTape(tape);
      throw e;
    } finally {
      if (this.tapes[this.tapes.length - 1] === tape) this.tapes.pop();
    }
    if (!(value instanceof Tensor)) {
      this.releaseTape(tape);
      throw new PolytensorError('grad: the function must return a Tensor (the value to differentiate)');
    }
    try {
      if (value.dtype !== 'float32') {
        throw new PolytensorError(`grad: the function returned a ${value.dtype} tensor; gradients need a float32 result`);
      }
      if (dy && !arraysEqual(dy.shape, value.shape)) {
        throw new PolytensorError(`grad: dy has shape ${fmt(dy.shape)} but f returned ${fmt(value.shape)}; pass dy of the output's shape`);
      }
      if (onConnected) onConnected(connectedInputs(tape, xs));
      const grads = this.tidy(() => this.backward(tape, value, xs, rules, dy), 'gradients.backward');
      return { value, grads };
    } catch (e) {
      value.dispose();
      throw e;
    } finally {
      this.releaseTape(tape);
    }
  }

  /**
   * The backward pass of `tape` (already off the stack). Not paused: while an
   * outer gradient computation records (grad of grad), the rules' ops are
   * recorded on its tape, so the gradients returned can be differentiated again.
   */
  private backward(tape: Tape, value: Tensor, xs: readonly Tensor[], rules: GradientRules, dy?: Tensor): Tensor[] {
    const acc = new Map<number, Tensor>();
    const ones = this.makeTensor(new Float32Array(value.size).fill(1), value.shape, 'float32');
    acc.set(value.id, dy ?? ones);
    for (let n = tape.nodes.length - 1; n >= 0; n--) {
      const node = tape.nodes[n]!;
      const thunks = thunksOf(node, acc, rules);
      if (!thunks) continue;
      node.inputIds.forEach((id, i) => {
        const thunk = thunks[i];
        if (!thunk || !tape.reachable.has(id)) return;
        const gi = thunk();
        const input = node.saved.inputs[i]!;
        if (!arraysEqual(gi.shape, input.shape)) {
          throw new PolytensorError(`internal: gradient of ${node.op} for input ${i} has shape ${fmt(gi.shape)}, expected ${fmt(input.shape)}`);
        }
        const prev = acc.get(id);
        acc.set(id, prev ? addTensors(this, prev, gi) : gi);
      });
    }
    // Fresh views: the same accumulated tensor may serve several xs, or be the caller's dy.
    return xs.map((x) => {
      const g = acc.get(x.id);
      if (!g) return this.makeTensor(new Float32Array(x.size), x.shape, 'float32');
      const view = this.makeView(g, g.shape);
      this.recordNode('gradient', [g], view, { grad: identityGrad });
      return view;
    });
  }

  private releaseTape(tape: Tape): void {
    for (const node of tape.nodes) {
      for (const t of node.saved.inputs) this.disposeTensor(t);
      for (const t of node.saved.kept ?? []) this.disposeTensor(t);
      this.disposeTensor(node.saved.output);
    }
    tape.nodes.length = 0;
  }

  /** True while a gradient tape is recording (layers use it to decide what to keep). */
  isRecording(): boolean {
    return this.tapes.length > 0 && this.tapePaused === 0;
  }
}

const identityGrad: GradFn = (dy) => [() => dy];

/** Accumulate two gradients with the backend's add kernel (no tape, no broadcasting). */
function addTensors(engine: Engine, a: Tensor, b: Tensor): Tensor {
  return engine.runKernel('binary', ['add', a, b, a.shape]);
}

/** The gradient thunks of a recorded node given the gradients so far, or null when none reached its outputs or it is not differentiable. */
function thunksOf(node: TapeNode, acc: ReadonlyMap<number, Tensor>, rules: GradientRules): ReadonlyArray<(() => Tensor) | null> | null {
  if (node.multiGrad) {
    const dys = node.outputIds!.map((id) => acc.get(id) ?? null);
    return dys.some((d) => d !== null) ? node.multiGrad(dys, node.saved) : null;
  }
  const g = acc.get(node.outputId);
  if (!g) return null;
  if (node.grad) return node.grad(g, node.saved);
  const rule = ruleFor(rules, node);
  return rule ? rule(g, node.saved, node.args ?? []) : null; // not differentiable: no gradient flows through it
}

/** The gradient rule of a recorded kernel call, or null for a kernel that is not differentiable. */
function ruleFor(rules: GradientRules, node: TapeNode): KernelGradFn | null {
  return node.kernel ? ((rules[node.kernel] as KernelGradFn | null) ?? null) : null;
}

/** Every tensor among a kernel call's arguments (arrays included), in order. */
function tensorsIn(args: readonly unknown[]): Tensor[] {
  const out: Tensor[] = [];
  for (const a of args) {
    if (a instanceof Tensor) out.push(a);
    else if (Array.isArray(a)) for (const b of a) if (b instanceof Tensor) out.push(b);
  }
  return out;
}

/** Which xs feed some recorded op (or are the value itself). */
function connectedInputs(tape: Tape, xs: readonly Tensor[]): Set<number> {
  const used = new Set<number>();
  const ids = new Set(xs.map((x) => x.id));
  for (const node of tape.nodes) for (const id of node.inputIds) if (ids.has(id)) used.add(id);
  return used;
}

/** A native `async` function (or async generator): recognisable before it runs. */
function isAsyncFunction(fn: unknown): boolean {
  const tag = Object.prototype.toString.call(fn);
  return tag === '[object AsyncFunction]' || tag === '[object AsyncGeneratorFunction]';
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function collectTensors(container: unknown, out = new Set<Tensor>()): Set<Tensor> {
  if (container instanceof Tensor) {
    out.add(container);
  } else if (Array.isArray(container)) {
    for (const c of container) collectTensors(c, out);
  } else if (container !== null && typeof container === 'object') {
    for (const v of Object.values(container)) collectTensors(v, out);
  }
  return out;
}

/** Import every known backend package that is installed; each registers itself on import. */
async function importKnownPackages(): Promise<void> {
  for (const pkg of KNOWN_BACKEND_PACKAGES) {
    try {
      await import(/* @vite-ignore */ /* webpackIgnore: true */ pkg);
    } catch {
      // Not installed (or not loadable here): the next candidate may be.
    }
  }
}

/** The process-wide engine (shared across copies of core through globalThis). */
const GLOBAL_KEY = Symbol.for('polytensor.engine');
type GlobalWithEngine = typeof globalThis & { [GLOBAL_KEY]?: Engine };
const g = globalThis as GlobalWithEngine;
export const ENGINE: Engine = g[GLOBAL_KEY] ?? (g[GLOBAL_KEY] = new Engine());

export { sizeOf };
