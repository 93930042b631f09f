import type { OptimizerUpdate } from '../../backend/kernels.js';
import { dispose, tidy } from '../../engine/api.js';
import { ENGINE } from '../../engine/engine.js';
import { PolytensorError } from '../../errors.js';
import { Tensor } from '../../tensor.js';
import { variableGrads } from '../../autodiff.js';
import { registeredVariables, variable, type Variable } from '../../variable.js';
import { scalar } from '../../ops/convert.js';
import { fill } from '../../ops/creation.js';
import { arraysEqual, fmt } from '../../util/shape.js';
import { checkOptimizerOptions, clipGradient, globalNorm, type Clipping, type OptimizerOptions } from './clipping.js';
import { LearningRateSchedule } from './schedules.js';

/** A tensor with a name: gradients, optimizer weights. */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

/**
 * Gradients keyed by variable name, as variableGrads returns them, or as a
 * list. A null/undefined entry means "no gradient": that variable is skipped.
 */
export type NamedGradients = Readonly<Record<string, Tensor | null | undefined>> | ReadonlyArray<NamedTensor>;

/** Hyperparameters, as getConfig returns them. */
export type OptimizerConfig = Record<string, number | boolean>;

/** A per-variable state tensor an optimizer keeps (Adam's m and v, …). */
export interface SlotSpec {
  /** Short key: the checkpoint name is `${variable.name}/${key}`. */
  readonly key: string;
  /** Initial value of every element. */
  readonly initialValue: number;
}

/** New values an update produces: the variable's, and each slot's by key. */
export interface UpdateResult {
  value: Tensor;
  slots?: Record<string, Tensor>;
}

interface SlotEntry {
  readonly variable: Variable;
  readonly slots: Map<string, Variable>;
}

let nextOptimizerId = 0;

/**
 * @internal The backend's fused optimizer step (its `optimizer` capability), when it has
 * one and the call qualifies (float32 operands all of the value's shape, no
 * gradient being recorded through them): returns [value', ...slots'], else null
 * and the caller runs the composite. The kernel is bit-identical to the composite.
 */
export function fusedOptimizerUpdate(update: OptimizerUpdate, value: Tensor, grad: Tensor, slots: readonly Tensor[]): Tensor[] | null {
  const backend = ENGINE.getBackend();
  const fused = backend.optimizer;
  if (!fused) return null;
  const operands = [value, grad, ...slots];
  for (const t of operands) {
    if (!(t instanceof Tensor) || t.dtype !== 'float32' || t.backend !== backend || !arraysEqual(t.shape, value.shape)) return null;
  }
  if (ENGINE.recordsGradientOf(operands)) return null;
  const spec = { shape: value.shape, dtype: 'float32' as const };
  return ENGINE.runKernelMulti(
    'optimizerUpdate',
    operands,
    () => fused.optimizerUpdate(update, value, grad, slots),
    operands.slice(1).map(() => spec),
  );
}

/** @internal throw unless `value` is a finite number in range. */
export function checkHyper(
  op: string,
  name: string,
  value: number,
  { min = -Infinity, max = Infinity, minInclusive = true, maxInclusive = true } = {},
): number {
  const lowOk = minInclusive ? value >= min : value > min;
  const highOk = maxInclusive ? value <= max : value < max;
  if (typeof value !== 'number' || !Number.isFinite(value) || !lowOk || !highOk) {
    const range = `${minInclusive ? '[' : '('}${min}, ${max}${maxInclusive ? ']' : ')'}`;
    throw new PolytensorError(`${op}: ${name} must be a finite number in ${range}, got ${String(value)}`);
  }
  return value;
}

/** @internal learning rates are finite and > 0. */
export function checkLearningRate(op: string, lr: number): number {
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) {
    throw new PolytensorError(`${op}: learningRate must be a finite number > 0, got ${String(lr)} (typical values: 0.001 to 0.1)`);
  }
  return lr;
}

/**
 * Base class of every optimizer. A subclass names its slots and writes one
 * update rule; the base class validates gradients, creates slot variables
 * lazily (non-trainable, named `${variable}/${prefix}_${key}#${optimizerId}`),
 * runs each update in a tidy scope and assigns the results, so a training
 * step leaves the tensor count unchanged.
 */
export abstract class Optimizer {
  /** Unique per instance: keeps slot variable names of two optimizers apart. */
  readonly id: number = nextOptimizerId++;
  /** Class name for serialization: 'SGD', 'Adam', … */
  abstract readonly className: string;
  /** Prefix of slot variable names: 'adam', 'rmsprop', … */
  protected abstract readonly slotPrefix: string;

  private lr: number;
  /** When set, the learning rate is schedule.at(iterations). */
  private schedule: LearningRateSchedule | null = null;
  /** Gradient clipping from the constructor's options. */
  readonly clipping: Clipping;
  private iter = 0;
  /** The step count as a tensor (for checkpoints), created with the first slots. */
  private iterVar: Variable | null = null;
  private readonly state = new Map<string, SlotEntry>();

  /**
   * `learningRate` is a number or a LearningRateSchedule (evaluated at each
   * step); `options` set gradient clipping (at most one of clipNorm,
   * clipValue, globalClipNorm), applied before the update rule.
   */
  constructor(learningRate: number | LearningRateSchedule, op: string, options?: OptimizerOptions) {
    if (learningRate instanceof LearningRateSchedule) {
      this.schedule = learningRate;
      this.lr = learningRate.at(0);
    } else {
      this.lr = checkLearningRate(op, learningRate);
    }
    this.clipping = checkOptimizerOptions(op, options);
  }

  /**
   * The learning rate of the next update: the number given, or the schedule's
   * value at `iterations`. Settable to a finite number > 0 (callbacks such as
   * ReduceLROnPlateau) unless it follows a schedule.
   */
  get learningRate(): number {
    if (!this.schedule) return this.lr;
    const lr = this.schedule.at(this.iter);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new PolytensorError(
        `${this.className}: the learning-rate schedule ${this.schedule.className} gave ${lr} at step ${this.iter}; it must give finite numbers ≥ 0`,
      );
    }
    return lr;
  }

  set learningRate(lr: number) {
    if (this.schedule) {
      throw new PolytensorError(
        `${this.className}.learningRate: this optimizer follows the schedule ${this.schedule.className}, so its learning rate cannot be set; ` +
          'create the optimizer with a number to change it during training',
      );
    }
    this.lr = checkLearningRate(`${this.className}.learningRate`, lr);
  }

  /** The schedule the learning rate follows, or null for a fixed (settable) rate. */
  get learningRateSchedule(): LearningRateSchedule | null {
    return this.schedule;
  }

  /** Number of applyGradients calls so far (Adam's bias correction uses it). */
  get iterations(): number {
    return this.iter;
  }

  /** The slots this optimizer keeps per variable (may depend on its config). */
  protected abstract slotSpecs(): readonly SlotSpec[];

  /**
   * New value of `value` (and of its slots) given its gradient. Runs inside a
   * tidy scope; compose it from ops. `step` is 1 on the first update.
   */
  protected abstract update(value: Tensor, grad: Tensor, slots: Readonly<Record<string, Tensor>>, step: number): UpdateResult;

  /**
   * Hyperparameters: learningRate (the next update's, for a schedule), the
   * clipping option when one is set, and the subclass's own.
   */
  getConfig(): OptimizerConfig {
    return { learningRate: this.learningRate, ...(this.clipping ? { [this.clipping.kind]: this.clipping.value } : {}) };
  }

  /**
   * Apply one step. Gradients are looked up by variable name among
   * `varList`, or among all registered variables. Every gradient is checked
   * (a live float32 tensor of its variable's shape) before any variable changes.
   */
  applyGradients(grads: NamedGradients, varList?: readonly Variable[]): void {
    const op = `${this.className}.applyGradients`;
    const pairs = this.resolve(op, grads, varList);
    this.pruneDisposed();
    const step = this.iter + 1;
    const clipping = this.clipping;
    // The joint norm is taken over every gradient before any variable changes.
    const norm = clipping?.kind === 'globalClipNorm' && pairs.length > 0 ? tidy(() => globalNorm(pairs.map(([, g]) => g))) : null;
    try {
      for (const [v, g] of pairs) {
        const slots = this.slotsFor(v);
        tidy(() => {
          const current: Record<string, Tensor> = {};
          for (const [key, s] of slots) current[key] = s;
          const out = this.update(v, clipping ? clipGradient(g, clipping, norm) : g, current, step);
          for (const [key, t] of Object.entries(out.slots ?? {})) {
            const slot = slots.get(key);
            if (!slot) throw new PolytensorError(`internal: ${this.className} returned an unknown slot '${key}'`);
            slot.assign(t);
          }
          v.assign(out.value);
        });
      }
    } finally {
      norm?.dispose();
    }
    this.setIterations(step);
  }

  /**
   * One training step: differentiate `f` (a scalar loss) with respect to
   * `varList` (default: every trainable variable), apply the gradients and
   * free them. Returns the loss when `returnCost` is true (yours to dispose),
   * else disposes it and returns null.
   */
  minimize(f: () => Tensor, returnCost: true, varList?: readonly Variable[]): Tensor;
  minimize(f: () => Tensor, returnCost?: false, varList?: readonly Variable[]): null;
  minimize(f: () => Tensor, returnCost?: boolean, varList?: readonly Variable[]): Tensor | null;
  minimize(f: () => Tensor, returnCost = false, varList?: readonly Variable[]): Tensor | null {
    const { value, grads } = variableGrads(f, varList);
    try {
      this.applyGradients(grads, varList);
    } catch (e) {
      value.dispose();
      throw e;
    } finally {
      dispose(grads);
    }
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /**
   * Optimizer state for checkpoints: `{ name: 'iter', tensor: int32 scalar }`
   * then each slot as `{ name: '${variable.name}/${key}', tensor }`, in the
   * order the variables were first updated. The tensors are the optimizer's
   * own state variables, not copies: read them (or clone them) but do not
   * dispose them; the next step replaces their values. Before the first
   * step the list is empty.
   */
  getWeights(): NamedTensor[] {
    this.pruneDisposed();
    if (!this.iterVar) return [];
    const out: NamedTensor[] = [{ name: 'iter', tensor: this.iterVar }];
    for (const entry of this.state.values()) {
      for (const [key, slot] of entry.slots) out.push({ name: `${entry.variable.name}/${key}`, tensor: slot });
    }
    return out;
  }

  /**
   * Restore state saved by getWeights. Variables are found by name among
   * `varList` or the registered variables; missing slots are created. Every
   * entry is checked before anything changes. The tensors stay the caller's.
   */
  setWeights(weights: readonly NamedTensor[], varList?: readonly Variable[]): void {
    const op = `${this.className}.setWeights`;
    if (!Array.isArray(weights)) throw new PolytensorError(`${op}: expected an array of { name, tensor }, as getWeights returns`);
    const keys = this.slotSpecs().map((s) => s.key);
    const lookup = this.lookup(varList);
    let iter: number | undefined;
    const assignments: Array<{ variable: Variable; key: string; tensor: Tensor }> = [];
    const seen = new Set<string>();
    for (const w of weights as readonly NamedTensor[]) {
      if (w === null || typeof w !== 'object' || typeof w.name !== 'string' || !(w.tensor instanceof Tensor)) {
        throw new PolytensorError(`${op}: every entry must be { name: string, tensor: Tensor }`);
      }
      if (seen.has(w.name)) throw new PolytensorError(`${op}: '${w.name}' appears twice`);
      seen.add(w.name);
      w.tensor.assertAlive(op);
      if (w.name === 'iter') {
        const v = w.tensor.size === 1 ? w.tensor.dataSync()[0]! : NaN;
        if (!Number.isInteger(v) || v < 0) {
          throw new PolytensorError(`${op}: 'iter' must be a scalar holding a non-negative integer, got shape ${fmt(w.tensor.shape)} value ${v}`);
        }
        iter = v;
        continue;
      }
      const cut = w.name.lastIndexOf('/');
      const varName = w.name.slice(0, Math.max(cut, 0));
      const key = w.name.slice(cut + 1);
      if (cut < 0 || !keys.includes(key)) {
        throw new PolytensorError(
          `${op}: '${w.name}' is not a weight of this ${this.className}; names are 'iter' and '<variable>/<slot>' with slot ` +
            (keys.length > 0 ? keys.map((k) => `'${k}'`).join(' or ') : `(none: ${this.className} keeps no slots)`),
        );
      }
      const v = lookup(varName);
      if (!v) {
        throw new PolytensorError(
          `${op}: '${w.name}' belongs to variable '${varName}', which ${varList ? 'is not in varList' : 'does not exist'}; create the model's variables first`,
        );
      }
      v.assertAlive(op);
      if (!arraysEqual(w.tensor.shape, v.shape) || w.tensor.dtype !== v.dtype) {
        throw new PolytensorError(
          `${op}: '${w.name}' is ${fmt(w.tensor.shape)} ${w.tensor.dtype} but variable '${varName}' is ${fmt(v.shape)} ${v.dtype}; they must match`,
        );
      }
      if (w.tensor.backend !== v.backend) {
        throw new PolytensorError(`${op}: '${w.name}' lives on '${w.tensor.backend.name}' but variable '${varName}' on '${v.backend.name}'`);
      }
      assignments.push({ variable: v, key, tensor: w.tensor });
    }
    this.pruneDisposed();
    for (const a of assignments) this.slotsFor(a.variable).get(a.key)!.assign(a.tensor);
    if (iter !== undefined) this.setIterations(iter);
  }

  /**
   * Free every slot variable and the step counter's tensor. The optimizer
   * stays usable: its state is re-created (from zero) on the next update,
   * while `iterations` keeps counting.
   */
  dispose(): void {
    for (const entry of this.state.values()) for (const slot of entry.slots.values()) slot.dispose();
    this.state.clear();
    this.iterVar?.dispose();
    this.iterVar = null;
  }

  // ---- internals --------------------------------------------------------------

  /** Keep the JS counter and its tensor twin in step. */
  private setIterations(n: number): void {
    this.iter = n;
    tidy(() => {
      const value = scalar(n, 'int32');
      if (this.iterVar && !this.iterVar.isDisposed) this.iterVar.assign(value);
      else this.iterVar = variable(value, false, `${this.className}/iter#${this.id}`);
    });
  }

  private lookup(varList?: readonly Variable[]): (name: string) => Variable | undefined {
    if (!varList) {
      const reg = registeredVariables();
      return (name) => reg.get(name);
    }
    const byName = new Map(varList.map((v) => [v.name, v] as const));
    return (name) => byName.get(name);
  }

  /** Validate every gradient against its variable; nothing is assigned here. */
  private resolve(op: string, grads: NamedGradients, varList?: readonly Variable[]): Array<[Variable, Tensor]> {
    if (grads === null || typeof grads !== 'object') {
      throw new PolytensorError(`${op}: expected gradients keyed by variable name (as variableGrads returns) or an array of { name, tensor }`);
    }
    let entries: Array<[string, unknown]>;
    if (Array.isArray(grads)) {
      entries = (grads as readonly NamedTensor[]).map((e, i) => {
        if (e === null || typeof e !== 'object' || typeof e.name !== 'string') {
          throw new PolytensorError(`${op}: gradient ${i} must be { name: string, tensor: Tensor }`);
        }
        return [e.name, e.tensor];
      });
    } else {
      entries = Object.entries(grads as Readonly<Record<string, Tensor | null | undefined>>);
    }
    const lookup = this.lookup(varList);
    const seen = new Set<string>();
    const pairs: Array<[Variable, Tensor]> = [];
    for (const [name, g] of entries) {
      if (seen.has(name)) throw new PolytensorError(`${op}: two gradients for variable '${name}'`);
      seen.add(name);
      if (g === null || g === undefined) continue;
      if (!(g instanceof Tensor)) throw new PolytensorError(`${op}: the gradient for '${name}' must be a Tensor, got ${typeof g}`);
      g.assertAlive(op);
      const v = lookup(name);
      if (!v) {
        throw new PolytensorError(
          varList
            ? `${op}: there is a gradient for '${name}' but no variable of that name in varList`
            : `${op}: there is a gradient for '${name}' but no registered variable of that name; key gradients by variable name, or pass varList`,
        );
      }
      v.assertAlive(op);
      if (v.dtype !== 'float32') throw new PolytensorError(`${op}: variable '${name}' is ${v.dtype}; only float32 variables can be trained`);
      if (g.dtype !== 'float32') throw new PolytensorError(`${op}: the gradient for '${name}' is ${g.dtype}; gradients must be float32`);
      if (!arraysEqual(g.shape, v.shape)) {
        throw new PolytensorError(
          `${op}: the gradient for '${name}' has shape ${fmt(g.shape)} but the variable has shape ${fmt(v.shape)}; no variable was updated`,
        );
      }
      if (g.backend !== v.backend) {
        throw new PolytensorError(`${op}: the gradient for '${name}' lives on '${g.backend.name}' but the variable on '${v.backend.name}'`);
      }
      pairs.push([v, g]);
    }
    return pairs;
  }

  /** This variable's slots, created (zero or the spec's initial value) on first use. */
  private slotsFor(v: Variable): Map<string, Variable> {
    const existing = this.state.get(v.name);
    if (existing && existing.variable === v) return existing.slots;
    if (existing) this.disposeEntry(v.name, existing);
    if (!this.iterVar || this.iterVar.isDisposed) this.setIterations(this.iter);
    const slots = new Map<string, Variable>();
    tidy(() => {
      for (const spec of this.slotSpecs()) {
        const name = `${v.name}/${this.slotPrefix}_${spec.key}#${this.id}`;
        slots.set(spec.key, variable(fill(v.shape, spec.initialValue, v.dtype), false, name));
      }
    });
    this.state.set(v.name, { variable: v, slots });
    return slots;
  }

  /** Drop the slots of variables that were disposed (or replaced under the same name). */
  private pruneDisposed(): void {
    for (const [name, entry] of this.state) if (entry.variable.isDisposed) this.disposeEntry(name, entry);
  }

  private disposeEntry(name: string, entry: SlotEntry): void {
    for (const slot of entry.slots.values()) slot.dispose();
    this.state.delete(name);
  }
}
