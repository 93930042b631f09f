// Recurrent layers: SimpleRNN, LSTM and GRU over [batch, time, features].
// Each step is one matMul of [x_t, h] against all gates' weights stacked
// (kernel over recurrentKernel), so a step costs one kernel call for the
// gates, not one per gate; nothing is read back to the host inside the loop
// (masking is arithmetic on the device).
import { PolytensorError } from '../../errors.js';
import { add, mul, sub } from '../../ops/binary.js';
import { cast } from '../../ops/cast.js';
import { concat, stack } from '../../ops/concat.js';
import { tensor } from '../../ops/convert.js';
import { zeros } from '../../ops/creation.js';
import { matMul } from '../../ops/mat_mul.js';
import { reshape } from '../../ops/reshape.js';
import { slice } from '../../ops/slice.js';
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
  /** States carried: 1 (h), 2 for LSTM (h, c). */
  protected abstract readonly stateCount: number;

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

  /** Per-call weights prepared once (stacked or split), then one step. */
  protected abstract prepare(): unknown;
  protected abstract step(x: Tensor, states: readonly Tensor[], prepared: unknown): Step;

  protected call(inputs: Tensor | Tensor[], options: CallOptions): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0]!;
    const [batch, time, features] = x.shape as [number, number, number];
    if (time === 0) throw new PolytensorError(`${this.name} (${this.className}): the sequence is empty (time 0)`);
    let states = list.length > 1 ? list.slice(1) : Array.from({ length: this.stateCount }, () => zeros([batch, this.units]));
    states.forEach((s, i) => {
      if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== this.units) {
        throw new PolytensorError(`${this.name} (${this.className}): initial state ${i} has shape [${s.shape.join(',')}] but needs [${batch},${this.units}]`);
      }
    });
    const mask = options.mask ? this.checkMask(options.mask, batch, time) : null;
    const prepared = this.prepare();
    const outputs: Tensor[] = [];
    let last: Tensor | null = null;
    for (let k = 0; k < time; k++) {
      const t = this.goBackwards ? time - 1 - k : k;
      const xt = reshape(slice(x, [0, t, 0], [batch, 1, features]), [batch, features]);
      const { output, states: next } = this.step(xt, states, prepared);
      if (mask) {
        // Masked rows keep their state; a returned sequence gets zeros there.
        const m = reshape(slice(mask, [0, t], [batch, 1]), [batch, 1]);
        const keep = sub(1, m);
        states = next.map((s, i) => add(mul(s, m), mul(states[i]!, keep)));
        const out = mul(output, m);
        last = last ? add(out, mul(last, keep)) : out;
        if (this.returnSequences) outputs.push(out);
      } else {
        states = next;
        last = output;
        if (this.returnSequences) outputs.push(output);
      }
    }
    const y = this.returnSequences ? stack(outputs, 1) : last!;
    return this.returnState ? [y, ...states] : y;
  }

  /** The mask as float32 [batch, time] of 0 and 1. */
  private checkMask(mask: Tensor, batch: number, time: number): Tensor {
    if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== time) {
      throw new PolytensorError(`${this.name} (${this.className}): the mask has shape [${mask.shape.join(',')}] but the input needs [${batch},${time}]`);
    }
    return mask.dtype === 'float32' ? mask : cast(mask, 'float32');
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

/** [kernel; recurrentKernel]: one matMul of [x, h] gives every gate. */
const stacked = (kernel: Tensor, recurrent: Tensor): Tensor => concat([kernel, recurrent], 0);

/** h = activation([x, h]·[W; U] + b) */
export class SimpleRNN extends RNN {
  static readonly className: string = 'SimpleRNN';
  protected readonly gates = 1;
  protected readonly stateCount = 1;

  protected prepare(): Tensor {
    return stacked(this.kernel!, this.recurrentKernel!);
  }

  protected step(x: Tensor, [h]: readonly Tensor[], w: Tensor): Step {
    let z = matMul(concat([x, h!], 1), w);
    if (this.bias) z = add(z, this.bias);
    const out = getActivation(this.activation).fn(z);
    return { output: out, states: [out] };
  }

  getConfig(): LayerConfig {
    return this.rnnConfig();
  }
}

export interface LSTMArgs extends RNNArgs {
  /** Start the forget gate's bias at 1 (Keras' default true). */
  unitForgetBias?: boolean;
}

/** Long short-term memory (Keras' gate order i, f, c, o); states [h, c]. */
export class LSTM extends RNN {
  static readonly className: string = 'LSTM';
  protected readonly gates = 4;
  protected readonly stateCount = 2;
  readonly unitForgetBias: boolean;

  constructor(args: LSTMArgs) {
    super(args);
    this.unitForgetBias = args.unitForgetBias ?? true;
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

  protected prepare(): Tensor {
    return stacked(this.kernel!, this.recurrentKernel!);
  }

  protected step(x: Tensor, [h, c]: readonly Tensor[], w: Tensor): Step {
    const u = this.units;
    let z = matMul(concat([x, h!], 1), w);
    if (this.bias) z = add(z, this.bias);
    const b = x.shape[0]!;
    const gate = (k: number): Tensor => slice(z, [0, k * u], [b, u]);
    const rec = getActivation(this.recurrentActivation).fn;
    const act = getActivation(this.activation).fn;
    const i = rec(gate(0));
    const f = rec(gate(1));
    const g = act(gate(2));
    const o = rec(gate(3));
    const c2 = add(mul(f, c!), mul(i, g));
    const h2 = mul(o, act(c2));
    return { output: h2, states: [h2, c2] };
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

/** Gated recurrent unit (Keras' gate order z, r, h); state [h]. */
export class GRU extends RNN {
  static readonly className: string = 'GRU';
  protected readonly gates = 3;
  protected readonly stateCount = 1;
  readonly resetAfter: boolean;

  constructor(args: GRUArgs) {
    super(args);
    this.resetAfter = args.resetAfter ?? true;
    if (typeof this.resetAfter !== 'boolean') throw new PolytensorError(`${this.name}: resetAfter must be true or false, got ${showArg(args.resetAfter)}`);
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  protected prepare(): { inputBias: Tensor | null; recurrentBias: Tensor | null; uzr: Tensor; uh: Tensor } {
    const u = this.units;
    const U = this.recurrentKernel!;
    const b = this.bias;
    return {
      inputBias: b ? (this.resetAfter ? reshape(slice(b, [0, 0], [1, 3 * u]), [3 * u]) : b) : null,
      recurrentBias: b && this.resetAfter ? reshape(slice(b, [1, 0], [1, 3 * u]), [3 * u]) : null,
      uzr: slice(U, [0, 0], [u, 2 * u]),
      uh: slice(U, [0, 2 * u], [u, u]),
    };
  }

  protected step(x: Tensor, [h]: readonly Tensor[], p: unknown): Step {
    const { inputBias, recurrentBias, uzr, uh } = p as ReturnType<GRU['prepare']>;
    const u = this.units;
    const n = x.shape[0]!;
    const rec = getActivation(this.recurrentActivation).fn;
    const act = getActivation(this.activation).fn;
    let xw = matMul(x, this.kernel!);
    if (inputBias) xw = add(xw, inputBias);
    const part = (t: Tensor, k: number, w = 1): Tensor => slice(t, [0, k * u], [n, w * u]);
    let hh: Tensor;
    let zr: Tensor;
    if (this.resetAfter) {
      // One matMul of h against all three gates' recurrent weights.
      let hu = matMul(h!, this.recurrentKernel!);
      if (recurrentBias) hu = add(hu, recurrentBias);
      zr = rec(add(part(xw, 0, 2), part(hu, 0, 2)));
      const r = part(zr, 1);
      hh = act(add(part(xw, 2), mul(r, part(hu, 2))));
    } else {
      zr = rec(add(part(xw, 0, 2), matMul(h!, uzr)));
      const r = part(zr, 1);
      hh = act(add(part(xw, 2), matMul(mul(r, h!), uh)));
    }
    const z = part(zr, 0);
    const h2 = add(mul(z, h!), mul(sub(1, z), hh));
    return { output: h2, states: [h2] };
  }

  getConfig(): LayerConfig {
    return { ...this.rnnConfig(), recurrentActivation: this.recurrentActivation, resetAfter: this.resetAfter };
  }
}
