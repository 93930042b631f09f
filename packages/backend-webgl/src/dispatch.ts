/**
 * This package's own dispatch of its flat and packed programs (issue 21).
 *
 * tfjs's `runWebGLProgram` pays per call for work that only changes when the
 * shapes change: it builds the shader key (each input's layout facts, then the
 * whole program source) and looks it up, and `runProgram` re-sends every
 * uniform (NaN, each input's shape and texture shape, the output's, the custom
 * values), re-attaches the output texture to the framebuffer and sets the
 * viewport and scissor, then draws. On ANGLE each re-sent uniform makes the
 * draw upload the program's uniform block again, and a re-attached texture
 * restarts the render pass, even when nothing changed.
 *
 * Here a program's first run with a given layout (program source, output
 * shape, each input's shape, texture shape and packing, or its uniform
 * upload) goes through tfjs, which compiles it and sets every uniform; its
 * compiled binary is then kept under that layout. Later runs with the same
 * layout skip the key and only send what differs from the binary's last run:
 * custom uniform values and inputs uploaded as uniforms (compared value by
 * value), the output attachment (tfjs keeps its framebuffer attached to
 * `gpgpu.outputTexture`, restoring it after reads), the program; input
 * textures are always bound (tfjs's uploads rebind texture units). The GPU
 * work is the same program on the same textures.
 */
import { env, type GPGPUProgram, type TfTensorInfo, type TfWebGL } from './tfjs.js';
import type { UniformType } from './programs.js';

/** What tfjs's compiled program (`GPGPUBinary`, private) holds that a run needs. */
interface Binary {
  readonly program: GPGPUProgram & { customUniforms?: Array<{ type: UniformType }> };
  readonly webGLProgram: WebGLProgram & { vao: unknown };
  readonly variablesLocations: Array<{ uniform: WebGLUniformLocation | null }>;
  readonly customUniformLocations: Array<WebGLUniformLocation | null>;
}

/** tfjs's per-texture record (private `TextureData`): the fields read here. */
interface TexData {
  shape: number[];
  texShape: number[] | null;
  values: ArrayLike<number> | null | undefined;
  texture: { texture: WebGLTexture } | null;
  isPacked?: boolean;
  slice?: unknown;
  usage?: unknown;
}

/** tfjs's GPGPUContext: the members a run calls (public methods and state, see tfjs-backend-webgl's gpgpu_context). */
interface Gpgpu {
  readonly gl: WebGLRenderingContext;
  program: WebGLProgram | null;
  outputTexture: WebGLTexture | null;
  setProgram(p: WebGLProgram): void;
  bindVertexArray(vao: unknown): void;
  setOutputMatrixTexture(t: WebGLTexture, rows: number, cols: number): void;
  setOutputPackedMatrixTexture(t: WebGLTexture, rows: number, cols: number): void;
  executeProgram(): void;
}

/** What the binary's uniforms hold after its last run (everything keyed by layout is implied by `layout`). */
interface LastRun {
  layout: string;
  custom: number[][];
  uniformInputs: (ArrayLike<number> | null)[];
}

const sameValues = (a: ArrayLike<number> | null, b: ArrayLike<number>): boolean => {
  if (a === null || a.length !== b.length) return false;
  // the values as given (ints beyond 2^24 differ where their float32 roundings would not)
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
};

/** Layouts kept (each a few short strings and a reference to a binary tfjs caches anyway). */
const MAX_LAYOUTS = 4096;

export class ProgramDispatch {
  private readonly binaries = new Map<string, Binary>();
  private readonly last = new WeakMap<Binary, LastRun>();
  /** @internal runs that took the own path / went through tfjs (tests read them) */
  readonly counts = { own: 0, tfjs: 0 };
  /** @internal called with the program's class name on every run this path makes itself (tests count programs) */
  observer: ((program: string) => void) | null = null;

  constructor(private readonly tf: TfWebGL) {}

  /** Forget every binary (their GL programs were deleted or the context is gone). */
  clear(): void {
    this.binaries.clear();
  }

  /**
   * Run `program` (built by `make` only when tfjs must run it) on `inputs`:
   * the same result as tfjs's `runWebGLProgram(program, inputs, dtype, values)`.
   * `codeId` names the program's source (and so its uniforms) uniquely.
   */
  run(
    codeId: number,
    packed: boolean,
    outShape: readonly number[],
    make: () => GPGPUProgram,
    inputs: TfTensorInfo[],
    dtype: TfTensorInfo['dtype'],
    values: number[][],
  ): TfTensorInfo {
    const layout = this.layout(codeId, packed, outShape, inputs);
    const binary = layout === null ? undefined : this.binaries.get(layout);
    const last = binary && this.last.get(binary);
    if (binary === undefined || last === undefined || last.layout !== layout || !this.plain()) return this.viaTfjs(layout, make(), inputs, dtype, values);
    this.counts.own++;
    this.observer?.(binary.program.constructor.name);
    return this.own(binary, last, outShape, inputs, dtype, values);
  }

  /**
   * The layout key, or null when tfjs must run the program (an input it must
   * upload, convert or read at an offset: what tfjs then does per call is not
   * implied by the key).
   */
  private layout(codeId: number, packed: boolean, outShape: readonly number[], inputs: TfTensorInfo[]): string | null {
    const uploadUniform = env().getNumber('WEBGL_SIZE_UPLOAD_UNIFORM');
    for (const d of outShape) if (d === 0) return null;
    let key = `${codeId}|${packed ? 'p' : 'f'}|${outShape.join(',')}`;
    for (const x of inputs) {
      const td = this.tf.texData.get(x.dataId) as TexData;
      let size = 1;
      for (const d of x.shape) size *= d;
      if (td.texture == null) {
        if (packed || size > uploadUniform || td.values == null) return null;
        key += `|u${x.shape.join(',')}`;
        continue;
      }
      if (td.slice != null || !!td.isPacked !== packed || td.texShape == null) return null;
      if (packed && !sameShape(td.shape, x.shape)) return null;
      key += `|${x.shape.join(',')}:${td.texShape[0]},${td.texShape[1]}`;
    }
    return key;
  }

  /** No tfjs mode that changes what a run does (compile-only warmup, timers, eager unpacking, flushes). */
  private plain(): boolean {
    const e = env();
    return (
      !e.getBool('ENGINE_COMPILE_ONLY') &&
      (this.tf as unknown as { activeTimers: unknown }).activeTimers == null &&
      e.getBool('WEBGL_LAZILY_UNPACK') &&
      e.getNumber('WEBGL_FLUSH_THRESHOLD') <= 0
    );
  }

  /** tfjs runs it (compiling if needed, setting every uniform); its binary is kept under `layout`. */
  private viaTfjs(layout: string | null, program: GPGPUProgram, inputs: TfTensorInfo[], dtype: TfTensorInfo['dtype'], values: number[][]): TfTensorInfo {
    this.counts.tfjs++;
    const tf = this.tf as unknown as { getAndSaveBinary(key: string, f: () => Binary): Binary };
    const saved: Binary[] = [];
    const base = Object.getPrototypeOf(tf).getAndSaveBinary as (key: string, f: () => Binary) => Binary;
    tf.getAndSaveBinary = (key, f) => {
      const b = base.call(tf, key, f);
      saved.push(b);
      return b;
    };
    let out: TfTensorInfo;
    try {
      out = this.tf.runWebGLProgram(program, inputs, dtype, values);
    } finally {
      delete (tf as { getAndSaveBinary?: unknown }).getAndSaveBinary;
    }
    // tfjs set the uniforms of every binary it ran: what was recorded of them is stale
    for (const b of saved) this.last.delete(b);
    // one binary: ours, run with no conversion program before it; its uniforms now hold this run's values
    if (layout !== null && saved.length === 1 && this.plain()) {
      const b = saved[0]!;
      if (this.binaries.size >= MAX_LAYOUTS) this.binaries.clear();
      this.binaries.set(layout, b);
      this.last.set(b, { layout, custom: values.map((v) => [...v]), uniformInputs: this.uniformValues(inputs) });
    }
    return out;
  }

  private uniformValues(inputs: TfTensorInfo[]): (ArrayLike<number> | null)[] {
    return inputs.map((x) => {
      const td = this.tf.texData.get(x.dataId) as TexData;
      return td.texture == null && td.values != null ? Array.from(td.values) : null;
    });
  }

  /** The run itself: what tfjs's runWebGLProgram and runProgram do, less what the layout implies is already set. */
  private own(
    binary: Binary,
    last: LastRun,
    outShape: readonly number[],
    inputs: TfTensorInfo[],
    dtype: TfTensorInfo['dtype'],
    values: number[][],
  ): TfTensorInfo {
    const tf = this.tf;
    const out = (tf as unknown as { makeTensorInfo(s: number[], d: string): TfTensorInfo }).makeTensorInfo([...outShape], dtype);
    const outData = tf.texData.get(out.dataId) as TexData;
    if (binary.program.packedOutput) outData.isPacked = true;
    tf.uploadToGPU(out.dataId);
    const gpgpu = tf.gpgpu as unknown as Gpgpu;
    const gl = gpgpu.gl;
    const outTex = outData.texture!.texture;
    if (gpgpu.outputTexture !== outTex) {
      const [rows, cols] = outData.texShape!;
      if (outData.isPacked) gpgpu.setOutputPackedMatrixTexture(outTex, rows!, cols!);
      else gpgpu.setOutputMatrixTexture(outTex, rows!, cols!);
    }
    if (gpgpu.program !== binary.webGLProgram) gpgpu.setProgram(binary.webGLProgram);
    gpgpu.bindVertexArray(binary.webGLProgram.vao);
    for (let i = 0; i < inputs.length; i++) {
      const loc = binary.variablesLocations[i]!.uniform;
      if (loc == null) continue; // the compiler dropped it
      const td = tf.texData.get(inputs[i]!.dataId) as TexData;
      if (td.texture == null) {
        const v = td.values!;
        if (sameValues(last.uniformInputs[i]!, v)) continue;
        if (v.length < 2) gl.uniform1f(loc, v[0]!);
        else gl.uniform1fv(loc, v instanceof Float32Array ? v : new Float32Array(v));
        last.uniformInputs[i] = Array.from(v);
        continue;
      }
      gl.activeTexture(gl.TEXTURE0 + i);
      gl.bindTexture(gl.TEXTURE_2D, td.texture.texture);
    }
    const types = binary.program.customUniforms ?? [];
    for (let i = 0; i < types.length; i++) {
      const v = values[i]!;
      if (sameValues(last.custom[i] ?? null, v)) continue;
      setUniform(gl, types[i]!.type, binary.customUniformLocations[i]!, v);
      last.custom[i] = [...v];
    }
    gpgpu.executeProgram();
    return out;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function setUniform(gl: WebGLRenderingContext, type: UniformType, loc: WebGLUniformLocation | null, v: number[]): void {
  switch (type) {
    case 'float':
      gl.uniform1fv(loc, v);
      return;
    case 'vec2':
      gl.uniform2fv(loc, v);
      return;
    case 'vec4':
      gl.uniform4fv(loc, v);
      return;
    case 'int':
      gl.uniform1iv(loc, v);
      return;
    case 'ivec2':
      gl.uniform2iv(loc, v);
      return;
    case 'ivec4':
      gl.uniform4iv(loc, v);
      return;
  }
}
