// Recurrent layers: SimpleRNN, LSTM and GRU over [batch, time, features].
// Every gate's weights sit side by side in one kernel [in, k·units] and one
// recurrent kernel [units, k·units]. x·kernel + bias is one matMul for all
// steps before the loop; a step is one h·recurrentKernel matMul and one split
// into the gates. split (a single tape node) keeps the backward pass linear in
// the steps: per-step slices would each pad their gradient to the full
// tensor. Nothing is read back to the host inside the loop (masks select with
// where on the device).
import { PolytensorError } from '../../errors.js';
import { add, mul, sub } from '../../ops/binary.js';
import { notEqual } from '../../ops/compare.js';
import { stack } from '../../ops/concat.js';
import { tensor } from '../../ops/convert.js';
import { zeros } from '../../ops/creation.js';
import { fusedMatMul } from '../../ops/fused_mat_mul.js';
import { matMul } from '../../ops/mat_mul.js';
import { reshape } from '../../ops/reshape.js';
import { slice } from '../../ops/slice.js';
import { split, unstack } from '../../ops/split.js';
import { transpose } from '../../ops/transpose.js';
import { where } from '../../ops/where.js';
import type { Tensor } from '../../tensor.js';
import type { Variable } from '../../variable.js';
import { getActivation, type ActivationName } from '../activations.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import {
  Layer,
  formatShape,
  isShapeList,
  positiveInt,
  showArg,
  type CallOptions,
  type LayerArgs,
  type LayerConfig,
  type Shape,
  type Shapes,
  type WeightShape,
} from './layer.js';

export interface RNNArgs extends LayerArgs {
  units: number;
  /** Default tanh. */
  activation?: ActivationName;
  /** The gates' activation (LSTM, GRU); default sigmoid. */
  recurrentActivation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  /** Default orthogonal, as Keras. */
  recurrentInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  /** Output the whole sequence [batch, time, units] instead of the last step's [batch, units]. */
  returnSequences?: boolean;
  /** Also output the final state(s): [output, h] (LSTM: [output, h, c]); needs applyMulti. */
  returnState?: boolean;
  /** Read the sequence from its end (the returned sequence is in that order too). */
  goBackwards?: boolean;
  /** Only false: state is not carried between batches. */
  stateful?: boolean;
  /** Only 0. */
  dropout?: number;
  /** Only 0. */
  recurrentDropout?: number;
}

/** The step's result: the output and the new states. */
interface Step {
  readonly output: Tensor;
  readonly states: Tensor[];
}

/**
 * The loop every recurrent layer shares: inputs [batch, time, features] (and
 * optional initial states), states carried step to step, masked steps keeping
 * the previous state and giving zeros in a returned sequence (Keras).
 * @example
 * const lstm = new LSTM({ units: 32, returnSequences: true });
 * const seq = lstm.apply(x);                                      // [batch, time, 32]
 * const [out, h, c] = new LSTM({ units: 32, returnState: true }).applyMulti([x, h0, c0]);
 */
export abstract class RNN extends Layer {
  readonly units: number;
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  protected readonly kernelInit: Initializer;
  protected readonly recurrentInit: Initializer;
  protected readonly biasInit: Initializer;
  kernel: Variable | null = null;
  recurrentKernel: Variable | null = null;
  bias: Variable | null = null;
  override supportsMasking = true;

  /** Gates per unit: 1 (SimpleRNN), 4 (LSTM), 3 (GRU). */
  protected abstract readonly gates: number;
  /** States carried (initial-state inputs, returnState outputs): 1 (h), 2 for LSTM (h, c). */
  abstract readonly stateCount: number;

  constructor(args: RNNArgs) {
    super(args);
    this.units = positiveInt(this.name, 'units', args?.units);
    this.activation = getActivation(args.activation ?? 'tanh').name;
    this.recurrentActivation = getActivation(args.recurrentActivation ?? 'sigmoid').name;
    this.useBias = args.useBias ?? true;
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    for (const flag of ['useBias', 'returnSequences', 'returnState', 'goBackwards'] as const) {
      if (args[flag] !== undefined && typeof args[flag] !== 'boolean')
        throw new PolytensorError(`${this.name}: ${flag} must be true or false, got ${showArg(args[flag])}`);
    }
    if (args.stateful) throw new PolytensorError(`${this.name}: stateful recurrent layers are not supported; pass the state as an initial state input instead`);
    for (const rate of ['dropout', 'recurrentDropout'] as const) {
      if (args[rate] !== undefined && args[rate] !== 0) {
        throw new PolytensorError(`${this.name}: ${rate} inside the recurrent layer is not supported yet; put a Dropout layer before or after it`);
      }
    }
    this.kernelInit = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.recurrentInit = getInitializer(args.recurrentInitializer ?? 'orthogonal');
    this.biasInit = getInitializer(args.biasInitializer ?? 'zeros');
  }

  /** [x] or [x, ...initial states], checked. */
  private splitShapes(inputShape: Shapes): { x: Shape; states: readonly Shape[] } {
    const list = isShapeList(inputShape) ? inputShape : [inputShape as Shape];
    const x = list[0]!;
    if (x.length !== 3 || typeof x[2] !== 'number') {
      throw new PolytensorError(
        `${this.name} (${this.className}): needs inputs [batch, time, features] with known features, got ${formatShape(x)}; ` +
          'reshape to add a time axis, or put an Embedding first for ids',
      );
    }
    const states = list.slice(1);
    if (states.length !== 0 && states.length !== this.stateCount) {
      throw new PolytensorError(`${this.name} (${this.className}): takes ${this.stateCount} initial state(s), got ${states.length}`);
    }
    for (const s of states) {
      if (s.length !== 2 || (s[1] !== null && s[1] !== this.units)) {
        throw new PolytensorError(`${this.name} (${this.className}): an initial state must have shape [batch, ${this.units}], got ${formatShape(s)}`);
      }
    }
    return { x, states };
  }

  /** Sequences of any length. */
  override relaxShape(shape: Shape): Shape {
    return shape.length === 3 ? [null, null, shape[2]!] : shape;
  }

  /** Bias shape (GRU with resetAfter keeps two rows, as Keras). */
  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  override weightShapes(inputShape: Shapes): WeightShape[] {
    const { x } = this.splitShapes(inputShape);
    const gu = this.gates * this.units;
    return [
      { name: 'kernel', shape: [x[2] as number, gu] },
      { name: 'recurrentKernel', shape: [this.units, gu] },
      ...(this.useBias ? [{ name: 'bias', shape: this.biasShape() }] : []),
    ];
  }

  override build(inputShape: Shapes): void {
    const [k, r, b] = this.weightShapes(inputShape);
    this.kernel = this.addWeight('kernel', k!.shape, this.kernelInit);
    this.recurrentKernel = this.addWeight('recurrentKernel', r!.shape, this.recurrentInit);
    if (b) this.bias = this.addWeight('bias', b.shape, this.initialBias());
    super.build(inputShape);
  }

  /** The bias initializer (LSTM's unitForgetBias overrides it). */
  protected initialBias(): Initializer {
    return this.biasInit;
  }

  computeOutputShape(inputShape: Shapes): Shapes {
    const { x } = this.splitShapes(inputShape);
    const out: Shape = this.returnSequences ? [x[0] ?? null, x[1] ?? null, this.units] : [x[0] ?? null, this.units];
    if (!this.returnState) return out;
    return [out, ...Array.from({ length: this.stateCount }, (): Shape => [x[0] ?? null, this.units])];
  }

  override computeMask(_inputs: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    return this.returnSequences ? mask : null;
  }

  /** The bias added to x·kernel (GRU with resetAfter: its input row). */
  protected inputBias(): Tensor | null {
    return this.bias;
  }

  /** The step, with whatever it prepares once per call (weight slices): the step's x·kernel + bias and the states in, the output and new states out. */
  protected abstract stepper(): (xw: Tensor, states: readonly Tensor[]) => Step;

  protected call(inputs: Tensor | Tensor[], options: CallOptions): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0]!;
    if (x.rank !== 3) {
      throw new PolytensorError(`${this.name} (${this.className}): needs inputs [batch, time, features], got [${x.shape.join(',')}]`);
    }
    const [batch, time, features] = x.shape as [number, number, number];
    if (time === 0) throw new PolytensorError(`${this.name} (${this.className}): the sequence is empty (time 0)`);
    if (list.length > 1 && list.length !== 1 + this.stateCount) {
      throw new PolytensorError(`${this.name} (${this.className}): takes ${this.stateCount} initial state(s), got ${list.length - 1}`);
    }
    let states = list.length > 1 ? list.slice(1) : Array.from({ length: this.stateCount }, () => zeros([batch, this.units]));
    states.forEach((s, i) => {
      if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== this.units) {
        throw new PolytensorError(`${this.name} (${this.className}): initial state ${i} has shape [${s.shape.join(',')}] but needs [${batch},${this.units}]`);
      }
    });
    const masks = options.mask ? this.stepMasks(options.mask, batch, time) : null;
    // x·kernel + bias for every step in one matMul, time-major so that each
    // step's rows are contiguous; split (one tape node) hands out the steps.
    const flat = reshape(transpose(x, [1, 0, 2]), [time * batch, features]);
    const xw = split(fusedMatMul({ a: flat, b: this.kernel!, bias: this.inputBias() }), time, 0);
    const step = this.stepper();
    const outputs: Tensor[] = [];
    const zero = masks ? zeros([batch, this.units]) : null;
    let last: Tensor | null = masks ? zero : null;
    for (let k = 0; k < time; k++) {
      const t = this.goBackwards ? time - 1 - k : k;
      const { output, states: next } = step(xw[t]!, states);
      if (masks) {
        // Masked rows keep their state and the last output; a returned sequence gets zeros there (Keras).
        // where, not arithmetic with a 0/1 mask: a NaN or ∞ computed from padding must not reach the state.
        const m = masks[t]!;
        states = next.map((s, i) => where(m, s, states[i]!));
        last = where(m, output, last!);
        if (this.returnSequences) outputs.push(where(m, output, zero!));
      } else {
        states = next;
        last = output;
        if (this.returnSequences) outputs.push(output);
      }
    }
    const y = this.returnSequences ? stack(outputs, 1) : last!;
    return this.returnState ? [y, ...states] : y;
  }

  /** The mask, checked, as one bool [batch, 1] per step. */
  private stepMasks(mask: Tensor, batch: number, time: number): Tensor[] {
    if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== time) {
      throw new PolytensorError(`${this.name} (${this.className}): the mask has shape [${mask.shape.join(',')}] but the input needs [${batch},${time}]`);
    }
    const m = mask.dtype === 'bool' ? mask : notEqual(mask, 0);
    return unstack(reshape(transpose(m, [1, 0]), [time, batch, 1]), 0);
  }

  protected rnnConfig(): LayerConfig {
    return {
      ...this.baseConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInit),
      recurrentInitializer: serializeInitializer(this.recurrentInit),
      biasInitializer: serializeInitializer(this.biasInit),
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
    };
  }
}

/**
 * h = activation(x·W + b + h·U); state [h].
 * @example
 * layers.simpleRNN({ units: 16 }).apply(x); // [batch, time, f] → [batch, 16]
 */
export class SimpleRNN extends RNN {
  static readonly className: string = 'SimpleRNN';
  protected readonly gates = 1;
  readonly stateCount = 1;

  protected stepper(): (xw: Tensor, states: readonly Tensor[]) => Step {
    const act = getActivation(this.activation).fn;
    const U = this.recurrentKernel!;
    return (xw, [h]) => {
      const out = act(add(xw, matMul(h!, U)));
      return { output: out, states: [out] };
    };
  }

  getConfig(): LayerConfig {
    return this.rnnConfig();
  }
}

export interface LSTMArgs extends RNNArgs {
  /** Start the forget gate's bias at 1 (Keras' default true). */
  unitForgetBias?: boolean;
}

/**
 * Long short-term memory (Keras' gate order i, f, c, o in the kernels' columns); states [h, c].
 * @example
 * new Sequential({ layers: [layers.lstm({ units: 64, returnSequences: true, inputShape: [50, 8] }), layers.lstm({ units: 64 }), layers.dense({ units: 10 })] });
 */
export class LSTM extends RNN {
  static readonly className: string = 'LSTM';
  protected readonly gates = 4;
  readonly stateCount = 2;
  readonly unitForgetBias: boolean;

  constructor(args: LSTMArgs) {
    super(args);
    this.unitForgetBias = args.unitForgetBias ?? true;
    if (typeof this.unitForgetBias !== 'boolean')
      throw new PolytensorError(`${this.name}: unitForgetBias must be true or false, got ${showArg(args.unitForgetBias)}`);
  }

  protected override initialBias(): Initializer {
    if (!this.unitForgetBias) return this.biasInit;
    const u = this.units;
    const base = this.biasInit;
    // Keras: the bias initializer for i, c, o and ones for the forget gate.
    return {
      className: base.className,
      getConfig: () => base.getConfig(),
      apply: (shape, dtype) => {
        const b = base.apply([u * 4], dtype);
        const v = Float32Array.from(b.dataSync());
        b.dispose();
        v.fill(1, u, 2 * u);
        return tensor(v, shape as number[], dtype);
      },
    };
  }

  protected stepper(): (xw: Tensor, states: readonly Tensor[]) => Step {
    const rec = getActivation(this.recurrentActivation).fn;
    const act = getActivation(this.activation).fn;
    const U = this.recurrentKernel!;
    return (xw, [h, c]) => {
      const [zi, zf, zg, zo] = split(add(xw, matMul(h!, U)), 4, 1);
      const c2 = add(mul(rec(zf!), c!), mul(rec(zi!), act(zg!)));
      const h2 = mul(rec(zo!), act(c2));
      return { output: h2, states: [h2, c2] };
    };
  }

  getConfig(): LayerConfig {
    return { ...this.rnnConfig(), recurrentActivation: this.recurrentActivation, unitForgetBias: this.unitForgetBias };
  }
}

export interface GRUArgs extends RNNArgs {
  /**
   * Apply the reset gate after the recurrent matMul (Keras 2's default, true;
   * the bias then has two rows, input and recurrent) or before it (false,
   * Keras 1 and tfjs's default).
   */
  resetAfter?: boolean;
}

/**
 * Gated recurrent unit (Keras' gate order z, r, h); state [h].
 * @example
 * layers.gru({ units: 32, resetAfter: false }); // tfjs's (and Keras 1's) variant; Keras 2's default is true
 */
export class GRU extends RNN {
  static readonly className: string = 'GRU';
  protected readonly gates = 3;
  readonly stateCount = 1;
  readonly resetAfter: boolean;

  constructor(args: GRUArgs) {
    super(args);
    this.resetAfter = args.resetAfter ?? true;
    if (typeof this.resetAfter !== 'boolean') throw new PolytensorError(`${this.name}: resetAfter must be true or false, got ${showArg(args.resetAfter)}`);
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  /** With resetAfter, the bias' first row (the second is added to h·U inside the reset). */
  protected override inputBias(): Tensor | null {
    const b = this.bias;
    return b && this.resetAfter ? reshape(slice(b, [0, 0], [1, 3 * this.units]), [3 * this.units]) : b;
  }

  protected stepper(): (xw: Tensor, states: readonly Tensor[]) => Step {
    const u = this.units;
    const rec = getActivation(this.recurrentActivation).fn;
    const act = getActivation(this.activation).fn;
    // h' = z⊙h + (1 − z)⊙ĥ, written ĥ + z⊙(h − ĥ): one op fewer.
    const mix = (z: Tensor, h: Tensor, cand: Tensor): Tensor => add(cand, mul(z, sub(h, cand)));
    if (this.resetAfter) {
      // One matMul of h against all three gates' recurrent weights, the recurrent bias fused in.
      const U = this.recurrentKernel!;
      const b = this.bias;
      const recurrentBias = b ? reshape(slice(b, [1, 0], [1, 3 * u]), [3 * u]) : null;
      return (xw, [h]) => {
        const [xzr, xh] = split(xw, [2 * u, u], 1);
        const [hzr, hh] = split(fusedMatMul({ a: h!, b: U, bias: recurrentBias }), [2 * u, u], 1);
        const [z, r] = split(rec(add(xzr!, hzr!)), 2, 1);
        const h2 = mix(z!, h!, act(add(xh!, mul(r!, hh!))));
        return { output: h2, states: [h2] };
      };
    }
    // The reset gate before the recurrent matMul: h·U for z and r, then (r⊙h)·U for the candidate.
    const [uzr, uh] = split(this.recurrentKernel!, [2 * u, u], 1);
    return (xw, [h]) => {
      const [xzr, xh] = split(xw, [2 * u, u], 1);
      const [z, r] = split(rec(add(xzr!, matMul(h!, uzr!))), 2, 1);
      const h2 = mix(z!, h!, act(add(xh!, matMul(mul(r!, h!), uh!))));
      return { output: h2, states: [h2] };
    };
  }

  getConfig(): LayerConfig {
    return { ...this.rnnConfig(), recurrentActivation: this.recurrentActivation, resetAfter: this.resetAfter };
  }
}
