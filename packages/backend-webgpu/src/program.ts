import { MATH_WGSL } from './wgsl/math.js';
import { flatDispatch, type WebGPUProgram } from './tfjs.js';

/** Threads per workgroup of this package's flat programs. */
export const WORKGROUP = 64;
/** Threads per workgroup of the packed (vec4) ones: tfjs's binary programs' size, measured a little faster on SwiftShader for 1M-value elementwise ops. */
export const PACKED_WORKGROUP = 128;
/** Values from which packed programs take PACKED_WORKGROUP (dispatch-add's [4] adds measured slower with it). */
export const PACKED_WORKGROUP_MIN = 2 ** 16;
/**
 * Fewest threads per workgroup. A program of fewer threads than WORKGROUP runs
 * one workgroup of the next power of two (at least this): SwiftShader runs a
 * workgroup's invocations 4 lanes at a time, so a [4] add's one thread in a
 * workgroup of 64 paid for 16 passes of lanes that return at once.
 */
export const TINY_WORKGROUP = 4;

/** Threads per workgroup for `threads` threads of a program whose large sizes take `full`. */
function workgroupFor(threads: number, full: number): number {
  if (threads >= full) return full;
  let w = TINY_WORKGROUP;
  while (w < threads) w *= 2;
  return w;
}

/** How a FlatProgram sees its buffers and how many threads run it (default: one per output value, scalar arrays). */
export interface ProgramLayout {
  /** 4: `result` is an array of vec4 and `index` counts vec4s (< size/4). */
  readonly outputComponent?: 1 | 4;
  /** Per input, 4 where it is read as an array of vec4 (default: as the output). */
  readonly inputComponents?: readonly (1 | 4)[];
  /** Threads to dispatch (default size / outputComponent); the body checks its own bound when it sets this. */
  readonly threads?: number;
  /**
   * u32 uniforms by name (`uniforms.<name>` in WGSL): values that change from
   * call to call (a random key) without compiling a new pipeline per value.
   */
  readonly u32Uniforms?: Readonly<Record<string, number>>;
}

/**
 * One of this package's own compute programs, run by tfjs-backend-webgpu's
 * `runWebGPUProgram`: by default one thread per output value, every input
 * seen as a flat array (its name in WGSL, e.g. `A[i]`), the output as
 * `result` (`layout` changes the element type to vec4 or the thread count).
 * Shapes and strides are baked into the body as constants by the kernel that
 * builds it, so there is no rank limit; each distinct source gets its own
 * short pipeline-cache key. `body` runs with `index` (i32) < uniforms.size;
 * it may call the functions of the WGSL math library (MATH_WGSL), which are
 * prepended.
 */
export class FlatProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  /** This program's short key; tfjs's runner overwrites `shaderKey` with its longer one on each run. */
  readonly key: string;
  dispatchLayout: WebGPUProgram['dispatchLayout'];
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  size = true;
  outputComponent?: number;
  variableComponents?: number[];
  uniforms?: string;
  /** The values of `layout.u32Uniforms`, as tfjs's runWebGPUProgram takes them. */
  readonly uniformData?: { type: 'uint32'; data: number[] }[];
  private readonly code: string;

  constructor(names: readonly string[], size: number, body: string, helpers = '', layout: ProgramLayout = {}) {
    this.variableNames = [...names];
    this.outputShape = [size];
    const out = layout.outputComponent ?? 1;
    // only for large outputs: a tiny op's one workgroup would run 128 lanes for a handful of values
    const full = out === 4 && layout.threads === undefined && size >= PACKED_WORKGROUP_MIN ? PACKED_WORKGROUP : WORKGROUP;
    const threads = layout.threads ?? size / out;
    this.workgroupSize = [workgroupFor(threads, full), 1, 1];
    if (layout.outputComponent || layout.inputComponents) {
      this.outputComponent = out;
      this.variableComponents = layout.inputComponents ? [...layout.inputComponents] : names.map(() => out);
    }
    const { dispatchLayout, dispatch } = flatDispatch(threads, this.workgroupSize);
    this.dispatchLayout = dispatchLayout;
    this.dispatch = dispatch;
    const main = `${helpers}\nfn main(index: i32) {\n  if (index >= uniforms.size) { return; }\n${body}\n}`;
    if (layout.u32Uniforms) {
      const names = Object.keys(layout.u32Uniforms);
      this.uniforms = names.map((n) => ` ${n} : u32,`).join('');
      this.uniformData = names.map((n) => ({ type: 'uint32', data: [layout.u32Uniforms![n]! >>> 0] }));
    }
    const known = programKey(`${this.outputComponent ?? 0}:${this.variableComponents ?? ''}:${this.uniforms ?? ''}:${main}`);
    this.shaderKey = known.key;
    this.key = known.key;
    this.code = known.code ?? `${MATH_WGSL.definitions(main)}\n${main}`;
    known.code = this.code;
  }

  getUserCode(): string {
    return this.code;
  }
}

/**
 * Values per thread of the packed elementwise programs: a vec4 load, four
 * results, a vec4 store, and no per-value index arithmetic. On SwiftShader
 * (and GPUs) the per-invocation overhead and the i32 division of the index
 * split cost more than the arithmetic of a cheap op.
 */
export const PACK = 4;

/**
 * How an input of `shape` is read by a packed program writing `outShape`
 * (size divisible by PACK), or null when it cannot be: 4 for a contiguous
 * input that tiles the output (the same shape, or a trailing block of it such
 * as a bias row, whose size is a multiple of PACK: vec4 `index % (size/4)`),
 * 1 for a single value (broadcast scalar).
 */
export function packedRead(shape: readonly number[], outShape: readonly number[]): { component: 1 | 4; vecs: number } | null {
  const size = shape.reduce((p, d) => p * d, 1);
  if (size === 1) return { component: 1, vecs: 1 };
  if (size % PACK !== 0) return null;
  const own = shape.slice(shape.findIndex((d) => d !== 1));
  const tail = outShape.slice(outShape.length - own.length);
  if (own.length > outShape.length || own.some((d, i) => d !== tail[i])) return null;
  return { component: 4, vecs: size / PACK };
}

const programKeys = new Map<string, { key: string; code: string | null }>();

/**
 * A short pipeline-cache key per distinct program (source and buffer
 * layout), and its full source once built. tfjs builds its cache key from
 * `shaderKey` on every run and looks it up in an object: a key that is the
 * whole WGSL source (kilobytes with the math library) is rehashed each time,
 * which showed in the per-op overhead.
 */
function programKey(text: string): { key: string; code: string | null } {
  let k = programKeys.get(text);
  if (!k) {
    k = { key: `pt${programKeys.size}`, code: null };
    programKeys.set(text, k);
  }
  return k;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/**
 * WGSL statements that split the flat output index `index` over `shape` and
 * accumulate, for each input, its flat offset: `let <name> = Σ c_d · inStrides[name][d]`.
 * A stride of 0 broadcasts that axis. Unrolled, with constants: no rank limit.
 */
export function offsets(shape: readonly number[], inputs: Readonly<Record<string, readonly number[]>>): string {
  const names = Object.keys(inputs);
  const lines: string[] = [];
  for (const n of names) lines.push(`  var ${n} = 0;`);
  if (shape.length > 0) lines.push('  var rem = index;');
  const strides = stridesOf(shape);
  shape.forEach((_, d) => {
    const last = d === shape.length - 1;
    lines.push(last ? `  let c${d} = rem;` : `  let c${d} = rem / ${strides[d]}; rem = rem - c${d} * ${strides[d]};`);
    for (const n of names) {
      const s = inputs[n]![d]!;
      if (s !== 0) lines.push(`  ${n} = ${n} + c${d}${s === 1 ? '' : ` * ${s}`};`);
    }
  });
  return lines.join('\n');
}

/** Strides of `shape` broadcast to `outShape` (right-aligned; 0 where the input has extent 1). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((d, i) => {
    const k = i - lead;
    if (k < 0) return 0;
    return shape[k] === 1 && d !== 1 ? 0 : shape[k] === 1 ? 0 : own[k]!;
  });
}

/** A WGSL float for any float32: its bits for finite values (−0 included: WGSL compilers fold the literal -0.0 to +0), uniforms for ±Inf/NaN. */
export function f32Literal(v: number): string {
  if (Number.isNaN(v)) return 'uniforms.NAN';
  if (v === Infinity) return 'uniforms.INFINITY';
  if (v === -Infinity) return '(-uniforms.INFINITY)';
  return `bitcast<f32>(${new Uint32Array(new Float32Array([v]).buffer)[0]}u)`;
}
