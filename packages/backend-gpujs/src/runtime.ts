// The gpu.js runtime: one GPU instance (one WebGL context), a cache of compiled
// kernels keyed by shape signature, uploads and downloads, and the counting of
// live WebGL textures that the leak tests read.
import { sizeOfShape } from '@polytensor/core';
import type { GL, WebGLVersion } from '@polytensor/gpu-common';
import { makeGpu, type GpujsBackendOptions, type GpujsInfo } from './context.js';
import { GpujsLimitError } from './errors.js';
import { ENV_DECLARATION, ENV_INIT, GPUJS_GLSL } from './glsl.js';
import { isGpuTexture, type GpuInstance, type GpuKernel, type GpuKernelInstance, type GpuNativeFunction, type GpuTexture } from './gpujs.js';
import { fastThreadIds, threadLayout, type ThreadLayout } from './thread_ids.js';
import { bindForSetup, TexturePool, type TextureFormat } from './texture_pool.js';

/** Kernel parameter kinds: a tensor texture (one float per texel), a vec4 texture, a float uniform, a vec4 uniform, a host array (uploads). */
export type ParamKind = 'tex' | 'tex4' | 'float' | 'vec4' | 'array';

/** A GLSL function the kernel body calls by name (a gpu.js native function). */
export interface NativeSpec {
  readonly name: string;
  readonly glsl: string;
  /** The same function in JavaScript, for gpu.js's CPU mode (textures are then flat Float32Arrays). */
  readonly js: string;
  readonly args: ReadonlyArray<readonly [string, ParamKind]>;
  readonly returns: 'float' | 'vec4';
}

/**
 * One gpu.js kernel: a JavaScript body over `this.thread.x/y/z` that gpu.js
 * translates to GLSL. `key` is the shape signature it is compiled for; sizes
 * travel as uniforms, so one compiled kernel serves every size of that signature.
 */
export interface ProgramSpec {
  readonly key: string;
  readonly params: ReadonlyArray<readonly [string, ParamKind]>;
  readonly body: string;
  readonly returns?: 'float' | 'vec4';
  readonly natives?: readonly NativeSpec[];
  /** Upper bound on any loop's trip count (rounded up to a power of two, part of the cache key). */
  readonly loop?: number;
}

/** Largest element count with exact float indices (2^24). */
export const MAX_ELEMENTS = 1 << 24;

/** (1, +Inf, NaN, 0): the uniform every kernel receives as `kc` (natives as `K`; the math library as `ptEnv`, see glsl.ts). */
const K_VALUES = new Float32Array([1, Infinity, NaN, 0]);

function nextPow2(n: number): number {
  let p = 16;
  while (p < n) p *= 2;
  return p;
}

/** Built-in fetch natives, available to every kernel body. */
const FETCHES: readonly NativeSpec[] = [
  {
    name: 'rd',
    glsl: 'float rd(sampler2D t, ivec2 tSize, ivec3 tDim, float i) { return pt_scalar(t, tSize, i); }',
    js: 'function rd(t, i) { return t[i]; }',
    args: [
      ['t', 'tex'],
      ['i', 'float'],
    ],
    returns: 'float',
  },
  {
    // the input's value at the output texel being rendered: only for inputs whose texture has the output's
    // width and whose flat index is the output's (GpuRuntime.texWidth); not in CPU mode
    name: 'rdh',
    glsl: 'float rdh(sampler2D t, ivec2 tSize, ivec3 tDim) { return pt_here(t, tSize); }',
    js: 'function rdh(t) { return NaN; }',
    args: [['t', 'tex']],
    returns: 'float',
  },
  {
    name: 'rd4',
    glsl: 'vec4 rd4(sampler2D t, ivec2 tSize, ivec3 tDim, float i) { return pt_texel(t, tSize, i); }',
    js: 'function rd4(t, i) { return [t[i * 4], t[i * 4 + 1], t[i * 4 + 2], t[i * 4 + 3]]; }',
    args: [
      ['t', 'tex4'],
      ['i', 'float'],
    ],
    returns: 'vec4',
  },
  {
    // the scalar at texel (x, y): for loops that walk a row texel by texel (no flat index to turn into coordinates)
    name: 'rdxy',
    glsl: 'float rdxy(sampler2D t, ivec2 tSize, ivec3 tDim, float x, float y) { return pt_texelxy(t, tSize, x, y).r; }',
    js: 'function rdxy(t, x, y) { return NaN; }',
    args: [
      ['t', 'tex'],
      ['x', 'float'],
      ['y', 'float'],
    ],
    returns: 'float',
  },
  {
    name: 'rd4xy',
    glsl: 'vec4 rd4xy(sampler2D t, ivec2 tSize, ivec3 tDim, float x, float y) { return pt_texelxy(t, tSize, x, y); }',
    js: 'function rd4xy(t, x, y) { return [0, 0, 0, 0]; }',
    args: [
      ['t', 'tex4'],
      ['x', 'float'],
      ['y', 'float'],
    ],
    returns: 'vec4',
  },
  {
    // floor(a / d) for integer-valued a, d < 2^24, exact (the division's rounding is corrected)
    name: 'qdiv',
    glsl: `float qdiv(float a, float d) {
  float q = floor((a + 0.5) / d);
  float r = a - q * d;
  if (r < 0.0) { q -= 1.0; } else if (r >= d) { q += 1.0; }
  return q;
}`,
    js: 'function qdiv(a, d) { return Math.floor(a / d); }',
    args: [
      ['a', 'float'],
      ['d', 'float'],
    ],
    returns: 'float',
  },
];

export interface TextureStats {
  /** WebGL textures in use in the context (tensors, kernel outputs, argument uploads); not those pooled for reuse. */
  live: number;
  /** Free textures kept for reuse (texture_pool.ts; deleted at dispose). */
  pooled: number;
  created: number;
  deleted: number;
}

export class GpuRuntime {
  readonly gpu: GpuInstance;
  readonly info: GpujsInfo;
  /** The WebGL version of the GLSL kernels compile to (2: GLSL ES 3.00). */
  readonly glslVersion: WebGLVersion;
  readonly textures: TextureStats = { live: 0, pooled: 0, created: 0, deleted: 0 };
  /** Freed textures kept for reuse (null in CPU mode). */
  readonly pool: TexturePool | null;
  private readonly kernels = new Map<string, GpuKernel>();
  private readonly lastDims = new WeakMap<GpuKernel, number[]>();
  private readonly textureClasses = new Map<string, new (settings: GpuTexture) => GpuTexture>();
  private readonly destroyContext: () => void;
  private readonly gl: GL | null;
  private disposed = false;
  /** Kernels compiled (one per shape signature), kernel runs and texture read-backs, for tests and diagnostics. */
  compiles = 0;
  runs = 0;
  downloads = 0;
  /** Downloads read as RED/FLOAT, one value per texel (WebGL 2 R32F textures: `downloadRed`). */
  redDownloads = 0;
  /** Rectangles copied by blitRects (concat without a kernel). */
  blits = 0;

  constructor(options: GpujsBackendOptions = {}) {
    const made = makeGpu(options);
    this.gpu = made.gpu;
    this.info = made.info;
    this.gl = made.gl;
    this.destroyContext = made.destroyContext;
    this.glslVersion = made.info.glslVersion === 3 ? 2 : 1;
    this.pool = null;
    if (this.gl) {
      const glLive = this.countTextures(this.gl);
      const stats = this.textures;
      const pool = new TexturePool(this.gl, () => {
        stats.pooled = pool.count;
        stats.live = glLive.size - pool.count;
      });
      this.pool = pool;
    }
  }

  get isCpu(): boolean {
    return this.info.mode === 'cpu';
  }

  get maxTextureSize(): number {
    return this.info.maxTextureSize;
  }

  /** Wrap createTexture/deleteTexture of the context to count live textures; returns the set of those alive in GL. */
  private countTextures(gl: GL): Set<WebGLTexture> {
    const stats = this.textures;
    const create = gl.createTexture.bind(gl);
    const del = gl.deleteTexture.bind(gl);
    const live = new Set<WebGLTexture>();
    gl.createTexture = () => {
      const t = create();
      if (t) {
        live.add(t);
        stats.created++;
        stats.live = live.size - stats.pooled;
      }
      return t;
    };
    gl.deleteTexture = (t: WebGLTexture | null) => {
      if (t && live.delete(t)) {
        stats.deleted++;
        stats.live = live.size - stats.pooled;
      }
      del(t);
    };
    return live;
  }

  private gpuType(kind: ParamKind): string {
    if (this.isCpu) return kind === 'float' ? 'Float' : kind === 'vec4' ? 'Array(4)' : 'Array';
    switch (kind) {
      case 'tex':
        return 'ArrayTexture(1)';
      case 'tex4':
        return 'ArrayTexture(4)';
      case 'float':
        return 'Float';
      case 'vec4':
        return 'Array(4)';
      case 'array':
        return 'Array';
    }
  }

  private kernelFor(spec: ProgramSpec, layout: ThreadLayout): GpuKernel {
    const loopMax = nextPow2(spec.loop ?? 16);
    const key = `${spec.key}|L${loopMax}${layout === 'xyz' ? '' : `|${layout}`}`;
    const cached = this.kernels.get(key);
    if (cached) return cached;
    if (this.disposed) throw new Error('gpujs backend: used after dispose()');
    const params = [...spec.params, ['kc', 'vec4'] as const];
    const argumentTypes: Record<string, string> = {};
    for (const [name, kind] of params) argumentTypes[name] = this.gpuType(kind);
    const natives = [...FETCHES.filter((f) => new RegExp(`\\b${f.name}\\s*\\(`).test(spec.body)), ...(spec.natives ?? [])];
    // the GLSL the natives call (math library, texel fetches); with its environment when it needs one
    const library = this.isCpu ? '' : GPUJS_GLSL.definitions(natives.map((n) => n.glsl).join('\n'), this.glslVersion);
    const withEnv = library.includes('ptEnv');
    if (withEnv) natives.push(ENV_INIT);
    const nativeFunctions: GpuNativeFunction[] = natives.map((n) => {
      const types: Record<string, string> = {};
      for (const [name, kind] of n.args) types[name] = this.gpuType(kind);
      return { name: n.name, source: n.glsl, argumentTypes: types, returnType: n.returns === 'vec4' ? 'Array(4)' : 'Number' };
    });
    const entry = withEnv ? `const ptEnvSet = ${ENV_INIT.name}(kc);\n` : '';
    const source = `function (${params.map(([n]) => n).join(', ')}) {\n${entry}${spec.body}\n}`;
    const kernel = this.gpu.createKernel(
      source,
      this.isCpu
        ? {
            // gpu.js's CPU mode: the kernel body runs as JavaScript, natives by their JavaScript twins
            output: [1],
            argumentTypes,
            returnType: spec.returns === 'vec4' ? 'Array(4)' : 'Number',
            precision: 'single',
            tactic: 'precision',
            pipeline: false,
            immutable: false,
            dynamicOutput: true,
            dynamicArguments: true,
            loopMaxIterations: loopMax,
            functions: natives.map((n) => n.js),
          }
        : {
            output: [1],
            argumentTypes,
            returnType: spec.returns === 'vec4' ? 'Array(4)' : 'Number',
            precision: 'single',
            tactic: 'precision',
            pipeline: true,
            immutable: true,
            dynamicOutput: true,
            dynamicArguments: true,
            loopMaxIterations: loopMax,
            nativeFunctions,
            injectedNative: withEnv ? `${ENV_DECLARATION}\n${library}` : library,
          },
    );
    if (!this.isCpu) fastThreadIds(kernel.kernel, layout);
    this.kernels.set(key, kernel);
    this.compiles++;
    return kernel;
  }

  /**
   * Run `spec` over output dims [x, y?, z?] (x fastest; texels are laid out in
   * flat x-fastest order whatever the dims) and return the new texture.
   */
  run(spec: ProgramSpec, dims: readonly number[], args: readonly unknown[]): GpuTexture {
    // (dims may be padded below)
    const total = sizeOfShape(dims);
    if (total > MAX_ELEMENTS) {
      throw new GpujsLimitError(`gpujs backend: an output of ${total} elements exceeds the 2^24 this backend indexes exactly (${spec.key})`);
    }
    // (CPU mode has no shader: one kernel per spec)
    const kernel = this.kernelFor(spec, this.isCpu ? 'xyz' : threadLayout(dims, this.texWidth(dims)!));
    this.runs++;
    // a CPU-mode kernel is compiled for the rank of its first output: always give it three dims
    if (this.isCpu) dims = [dims[0]!, dims[1] ?? 1, dims[2] ?? 1];
    // gpu.js's setOutput re-creates the output texture even for unchanged dims: only call it on a change
    const last = this.lastDims.get(kernel);
    if (!last || last.length !== dims.length || last.some((d, i) => d !== dims[i])) {
      kernel.setOutput(dims);
      this.lastDims.set(kernel, [...dims]);
    }
    if (this.isCpu) {
      const out = kernel(...args.map((a) => (a instanceof CpuTexture ? a.values : a)), K_VALUES);
      return new CpuTexture(flatten(out, total, spec.returns === 'vec4' ? 4 : 1), spec.returns === 'vec4' ? 'ArrayTexture(4)' : 'ArrayTexture(1)');
    }
    guardTextureRecycling(kernel.kernel);
    if (this.pool) poolKernelTextures(kernel.kernel, this.pool);
    const out = kernel(...args, K_VALUES);
    if (!isGpuTexture(out)) throw new Error(`gpujs backend: kernel ${spec.key} returned no texture`);
    return this.adopt(out);
  }

  /**
   * The kernel's output (in immutable mode a counted reference: gpu.js renders
   * its next run into a new texture while this one lives), in a canonical class.
   * gpu.js gives 1-D, 2-D and 3-D outputs different texture classes (they only
   * differ in toArray), and a compiled kernel argument rejects a texture of
   * another class than the first it saw, so every output is wrapped in one
   * class per texture type: any kernel then takes any tensor.
   */
  private adopt(tex: GpuTexture): GpuTexture {
    const type = tex.type;
    const ctor = tex.constructor as new (settings: GpuTexture) => GpuTexture;
    const canon = this.textureClasses.get(type);
    if (!canon) {
      this.textureClasses.set(type, ctor);
      return tex;
    }
    if (canon === ctor) return tex;
    const wrapped = new canon(tex);
    tex.delete();
    return wrapped;
  }

  /** What a direct upload needs: the canonical 'ArrayTexture(1)' class and a kernel its textures call back into. */
  private uploadTarget: { ctor: new (settings: object) => GpuTexture; kernel: unknown } | null = null;

  /**
   * Host float32 values into a new one-value-per-texel texture of the size a
   * flat kernel of `values.length` outputs gets, or `rowWidth` wide as a 2-D
   * kernel's [rowWidth, n / rowWidth] output (so `rdh` and every fetch see
   * it as they see a kernel's output), written straight into the texture with
   * texSubImage2D: no copy on the host, no kernel run. (gpu.js's own array
   * argument copies the values into a fresh RGBA-packed array on every call,
   * uploads that, and needs a kernel to unpack it, 2-3× the time in Chromium.)
   * WebGL 2: an R32F texture, fed from `values` itself; WebGL 1 (no R32F):
   * RGBA float with the value in red, as kernels write theirs. A read samples
   * `.r`, and a download reads RGBA, so both formats behave as a kernel output.
   */
  uploadFloats(values: Float32Array, rowWidth: number | null = null): GpuTexture {
    const gl = this.gl;
    const n = values.length;
    if (this.isCpu || !gl || n === 0) {
      return this.run({ key: 'upload', params: [['a', 'array']], body: 'return a[this.thread.x];' }, [n], [values]);
    }
    const target = this.uploadTargetFor();
    const pool = this.pool!;
    // in rows (`rowWidth` dividing n): shaped as a 2-D kernel's output [w, h]
    const rows = rowWidth !== null && rowWidth > 0 && n % rowWidth === 0 && n / rowWidth > 1;
    const w = rows ? rowWidth : this.texWidth([n])!;
    const h = Math.ceil(n / w);
    let internalFormat: number;
    let format: number;
    let tex: WebGLTexture;
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
    if (isWebGL2(gl)) {
      internalFormat = gl.R32F;
      format = gl.RED;
      tex = pool.acquire({ width: w, height: h, internalFormat, format, type: gl.FLOAT, bytesPerTexel: 4 });
      bindForSetup(gl, tex);
      const full = Math.floor(n / w);
      if (full > 0) gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, w, full, format, gl.FLOAT, values, 0);
      // the last, partial row (the texels after it are never read)
      if (full * w < n) gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, full, n - full * w, 1, format, gl.FLOAT, values, full * w);
    } else {
      internalFormat = gl.RGBA;
      format = gl.RGBA;
      tex = pool.acquire({ width: w, height: h, internalFormat, format, type: gl.FLOAT, bytesPerTexel: 16 });
      bindForSetup(gl, tex);
      const rgba = new Float32Array(w * h * 4);
      for (let i = 0; i < n; i++) rgba[4 * i] = values[i]!;
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, w, h, gl.RGBA, gl.FLOAT, rgba);
    }
    return new target.ctor({
      texture: tex,
      size: [w, h],
      dimensions: rows ? [w, h, 1] : [n, 1, 1],
      output: rows ? [w, h] : [n],
      context: gl,
      type: 'ArrayTexture(1)',
      kernel: target.kernel,
      internalFormat,
      textureFormat: format,
    });
  }

  private blitFramebuffers: { read: WebGLFramebuffer; draw: WebGLFramebuffer } | null = null;

  /**
   * Whether `blitRects` can copy out of this texture: WebGL 2 and a one-value
   * R32F texture (every kernel output of one float per texel and every upload
   * there; not gpu.js's RGBA outputs on WebGL 1, nor packed vec4 operands).
   */
  canBlit(tex: GpuTexture): boolean {
    const gl = this.gl;
    return !!gl && !this.isCpu && isWebGL2(gl) && (tex as GpuTexture & { internalFormat?: number }).internalFormat === gl.R32F;
  }

  /**
   * A new w×h R32F texture (pooled) holding a 2-D [h, w] tensor row-major, as
   * a 2-D kernel output of dims [w, h] would, filled by copying rectangles of
   * other R32F textures into it with blitFramebuffer (no shader, no fetch):
   * each rect is [src, sx, sy, width, height, dx, dy] in texels. Only where
   * `canBlit` holds for every source.
   */
  blitRects(w: number, h: number, rects: ReadonlyArray<readonly [GpuTexture, number, number, number, number, number, number]>): GpuTexture {
    const gl = this.gl as WebGL2RenderingContext;
    const target = this.uploadTargetFor();
    const t = this.pool!.acquire({ width: w, height: h, internalFormat: gl.R32F, format: gl.RED, type: gl.FLOAT, bytesPerTexel: 4 });
    bindForSetup(gl, t);
    this.blitFramebuffers ??= { read: gl.createFramebuffer()!, draw: gl.createFramebuffer()! };
    const { read, draw } = this.blitFramebuffers;
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, draw);
    gl.framebufferTexture2D(gl.DRAW_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, read);
    // gpu.js leaves the scissor test on, sized to its last output: open it to the whole target
    gl.scissor(0, 0, w, h);
    for (const [src, sx, sy, rw, rh, dx, dy] of rects) {
      gl.framebufferTexture2D(gl.READ_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, src.texture as WebGLTexture, 0);
      gl.blitFramebuffer(sx, sy, sx + rw, sy + rh, dx, dy, dx + rw, dy + rh, gl.COLOR_BUFFER_BIT, gl.NEAREST);
    }
    gl.framebufferTexture2D(gl.READ_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
    gl.framebufferTexture2D(gl.DRAW_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    this.blits += rects.length;
    return new target.ctor({
      texture: t,
      size: [w, h],
      dimensions: [w, h, 1],
      output: [w, h],
      context: gl,
      type: 'ArrayTexture(1)',
      kernel: target.kernel,
      internalFormat: gl.R32F,
      textureFormat: gl.RED,
    });
  }

  private uploadTargetFor(): { ctor: new (settings: object) => GpuTexture; kernel: unknown } {
    if (!this.uploadTarget) {
      // one tiny kernel run: its output has the canonical class (adopt) and a built kernel behind it
      const probe = this.run({ key: 'fill', params: [['v', 'float']], body: 'return v;' }, [1], [0]) as GpuTexture & { kernel: unknown };
      this.uploadTarget = { ctor: probe.constructor as new (settings: object) => GpuTexture, kernel: probe.kernel };
      probe.delete();
    }
    return this.uploadTarget;
  }

  /**
   * The width of the texture gpu.js renders output dims [x, y?, z?] into
   * (its getKernelTextureSize: exactly [x, y] for 2-D outputs, else the
   * closest square holding them); null in CPU mode. An input texture of this
   * width holding the same elements can be read at the fragment's own texel
   * (`rdh`), without turning a flat index into coordinates.
   */
  texWidth(dims: readonly number[]): number | null {
    if (this.isCpu) return null;
    const [w = 1, h = 1, d = 1] = dims;
    const n = w * h * d;
    if (h > 1 && w * h === n) return w;
    const sqrt = Math.sqrt(n);
    let high = Math.ceil(sqrt);
    let low = Math.floor(sqrt);
    while (high * low < n) {
      high--;
      low = Math.ceil(n / high);
    }
    return low;
  }

  /** Output dims for a flat kernel of n elements (1-D: gpu.js picks a near-square texture). */
  flatDims(n: number): number[] {
    return [n];
  }

  /** Read a texture back: the first n values (one per texel, or four per texel for vec4 textures). */
  download(tex: GpuTexture, n: number, perTexel: 1 | 4 = 1): Float32Array {
    this.downloads++;
    if (tex instanceof CpuTexture) return tex.values.slice(0, n);
    if (perTexel === 1) {
      const red = this.downloadRed(tex, n);
      if (red) return red;
    }
    const raw = tex.renderRawOutput();
    if (perTexel === 4) return raw.length === n ? raw : raw.slice(0, n);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = raw[4 * i]!;
    return out;
  }

  /** Whether readPixels of an R32F framebuffer may ask for RED/FLOAT (asked once: the answer is per format). */
  private redReadable: boolean | null = null;

  /**
   * A one-value R32F texture read as RED/FLOAT straight into the n values
   * returned, where the implementation offers that read format (SwiftShader
   * does): gpu.js's renderRawOutput reads RGBA, so 16 bytes per value into a
   * fresh array four times the size, then copied out. For 1M values that was
   * 10–18 ms a read (and 16 MB of garbage each time, with 80–120 ms outliers)
   * against ~2 ms. Null where it does not apply (WebGL 1, RGBA textures).
   */
  private downloadRed(tex: GpuTexture, n: number): Float32Array | null {
    const gl = this.gl;
    if (!gl || !isWebGL2(gl) || this.redReadable === false) return null;
    const t = tex as GpuTexture & { internalFormat?: number; framebuffer?: () => WebGLFramebuffer };
    if (t.internalFormat !== gl.R32F || typeof t.framebuffer !== 'function') return null;
    // bound as gpu.js's own read binds it (its kernels rebind their framebuffer on every run)
    gl.bindFramebuffer(gl.FRAMEBUFFER, t.framebuffer());
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t.texture as WebGLTexture, 0);
    if (this.redReadable === null) {
      this.redReadable = gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_FORMAT) === gl.RED && gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_TYPE) === gl.FLOAT;
      if (!this.redReadable) return null;
    }
    const w = t.size[0]!;
    const out = new Float32Array(n);
    gl.pixelStorei(gl.PACK_ALIGNMENT, 4);
    // whole rows, then the last partial row (texels past n are never written)
    const full = Math.floor(n / w);
    if (full > 0) gl.readPixels(0, 0, w, full, gl.RED, gl.FLOAT, out, 0);
    if (full * w < n) gl.readPixels(0, full, n - full * w, 1, gl.RED, gl.FLOAT, out, full * w);
    this.redDownloads++;
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.blitFramebuffers && this.gl) {
      this.gl.deleteFramebuffer(this.blitFramebuffers.read);
      this.gl.deleteFramebuffer(this.blitFramebuffers.draw);
    }
    for (const k of this.kernels.values()) {
      try {
        k.kernel.destroy(true);
      } catch {
        // already gone with the context
      }
    }
    this.kernels.clear();
    this.pool?.clear();
    this.destroyContext();
  }

  get numKernels(): number {
    return this.kernels.size;
  }
}

function isWebGL2(gl: GL): gl is WebGL2RenderingContext {
  return typeof WebGL2RenderingContext !== 'undefined' && gl instanceof WebGL2RenderingContext;
}

/**
 * gpu.js's CPU mode returns arrays, not textures: a kernel output is kept as a
 * flat Float32Array (four values per texel for vec4 outputs) behind the
 * texture interface the kernels use.
 */
export class CpuTexture implements GpuTexture {
  readonly texture: object;
  readonly size: ArrayLike<number>;
  readonly output: ArrayLike<number>;
  constructor(
    readonly values: Float32Array,
    readonly type: string,
  ) {
    this.texture = values;
    this.size = [values.length, 1];
    this.output = [values.length];
  }
  clone(): GpuTexture {
    return new CpuTexture(this.values, this.type);
  }
  delete(): void {}
  renderRawOutput(): Float32Array {
    return this.values;
  }
}

/** gpu.js CPU output (a Float32Array, or nested arrays of them for 2-D/3-D or vec4 outputs) → flat Float32Array. */
function flatten(out: unknown, texels: number, per: 1 | 4): Float32Array {
  const flat = new Float32Array(texels * per);
  let at = 0;
  const walk = (v: unknown): void => {
    if (at >= flat.length) return;
    if (v instanceof Float32Array && (per === 1 || v.length === 4)) {
      const take = Math.min(v.length, flat.length - at);
      flat.set(take === v.length ? v : v.subarray(0, take), at);
      at += take;
      return;
    }
    if (Array.isArray(v) || ArrayBuffer.isView(v)) for (const e of v as ArrayLike<unknown> & Iterable<unknown>) walk(e);
    else if (typeof v === 'number') flat[at++] = v;
  };
  walk(out);
  return flat;
}

interface PooledKernelInternals {
  texture: { texture: WebGLTexture & { _refs?: number }; size: ArrayLike<number>; internalFormat: number; textureFormat: number; textureType: number } | null;
  _textureSwitched: boolean;
  context?: GL;
  textureCache?: unknown[];
  _replaceOutputTexture(): void;
  _setupOutputTexture(): void;
  updateTextureArgumentRefs(kernelValue: unknown, arg: { texture: object }): void;
  deleteTexture(texture: WebGLTexture): void;
  framebuffer: WebGLFramebuffer;
  texSize: ArrayLike<number>;
  threadDim: ArrayLike<number>;
  output: ArrayLike<number>;
  _tightRead?: boolean;
  getInternalFormat(): number;
  getTextureFormat(): number;
  TextureConstructor: new (settings: object) => PooledKernelInternals['texture'];
  __ptPooled?: boolean;
}

/**
 * Route a kernel's output textures through the pool, on this kernel instance:
 * where gpu.js would allocate a new output texture for a run (the last output
 * is still held by a tensor) it takes a free one of the same size and format,
 * and a texture whose last reference goes is kept for reuse instead of deleted.
 */
function poolKernelTextures(kernel: GpuKernelInstance, pool: TexturePool): void {
  const k = kernel as unknown as PooledKernelInternals;
  if (k.__ptPooled) return;
  k.__ptPooled = true;
  const outputFormat = (kk: PooledKernelInternals): TextureFormat => {
    const out = kk.texture!;
    return {
      width: out.size[0]!,
      height: out.size[1]!,
      internalFormat: out.internalFormat,
      format: out.textureFormat,
      type: out.textureType,
      bytesPerTexel: 16,
    };
  };
  // what GLTexture.beforeMutate does (a new output texture while a tensor still holds the last one), from the pool
  const swapOutput = (kk: PooledKernelInternals): boolean => {
    const out = kk.texture!;
    if ((out.texture._refs ?? 0) <= 1) return false;
    out.texture._refs!--;
    const t = pool.acquire(outputFormat(kk)) as WebGLTexture & { _refs?: number };
    t._refs = 1;
    out.texture = t;
    return true;
  };
  k._replaceOutputTexture = function (this: PooledKernelInternals): void {
    const out = this.texture!;
    const gl = this.context!;
    const switched = swapOutput(this) || this._textureSwitched;
    // the texture gpu.js made for this output size: poolable too once freed
    if (!switched) pool.adopt(out.texture, outputFormat(this));
    if (switched) {
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, out.texture, 0);
      this._textureSwitched = false;
    }
  };
  // (replaces guardTextureRecycling's step: the same check, the new texture from the pool)
  k.updateTextureArgumentRefs = function (this: PooledKernelInternals, _value: unknown, arg: { texture: object }): void {
    if (this.texture && this.texture.texture === arg.texture && swapOutput(this)) this._textureSwitched = true;
  };
  // the output texture gpu.js makes when a kernel is built or its output size changes (setOutput)
  k._setupOutputTexture = function (this: PooledKernelInternals): void {
    const gl = this.context!;
    if (this.texture) {
      // (gpu.js: an inherited texture is only attached)
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, this.texture.texture, 0);
      this._tightRead = undefined;
      return;
    }
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.framebuffer);
    const internalFormat = this.getInternalFormat();
    const textureFormat = this.getTextureFormat();
    const size = this.texSize;
    const t = pool.acquire({ width: size[0]!, height: size[1]!, internalFormat, format: textureFormat, type: gl.FLOAT, bytesPerTexel: 16 });
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
    this.texture = new this.TextureConstructor({
      texture: t,
      size,
      dimensions: this.threadDim,
      output: this.output,
      context: gl,
      internalFormat,
      textureFormat,
      kernel: this,
    });
    // (gpu.js's WebGL 2 kernel re-detects its read format after a new output texture)
    this._tightRead = undefined;
  };
  k.deleteTexture = function (this: PooledKernelInternals, texture: WebGLTexture): void {
    const at = this.textureCache?.indexOf(texture) ?? -1;
    if (at !== -1) this.textureCache!.splice(at, 1);
    // a texture can outlive its kernel (see gpu.js's deleteTexture): the context then went with it
    if (!this.context) return;
    pool.release(texture);
  };
}

interface ImmutableKernelInternals {
  texture: { texture: object; beforeMutate(): boolean } | null;
  _textureSwitched: boolean;
  updateTextureArgumentRefs(kernelValue: unknown, arg: { texture: object }): void;
  __ptGuarded?: boolean;
}

/**
 * In immutable mode, when a kernel is given its own last output as an argument,
 * gpu.js swaps in the texture of the argument it saw the previous time as the
 * new output, without checking that texture's size, which is wrong once the
 * output size changes (dynamic output). Replace that step, on this kernel
 * instance, with the plain safe one: give the kernel a fresh output texture of
 * its current size, so it never renders into a texture it reads.
 */
function guardTextureRecycling(kernel: GpuKernelInstance): void {
  const k = kernel as unknown as ImmutableKernelInternals;
  if (k.__ptGuarded) return;
  k.__ptGuarded = true;
  k.updateTextureArgumentRefs = function (this: ImmutableKernelInternals, _value: unknown, arg: { texture: object }): void {
    if (this.texture && this.texture.texture === arg.texture && this.texture.beforeMutate()) this._textureSwitched = true;
  };
}
