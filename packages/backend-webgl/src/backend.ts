import type {
  ArgReduceOp,
  Backend,
  BackendLimits,
  BackendMemory,
  BackendNumerics,
  BinaryOp,
  Conv2DInfo,
  DataId,
  DType,
  FusedActivation,
  ReduceOp,
  TensorInfo,
  TypedArray,
  UnaryOp,
} from '@polytensor/core';
import {
  browserContext,
  ContextWatch,
  describeContext,
  floatReadback,
  requireFloat32,
  versionOf,
  type GL,
  type MadeContext,
  type WebGLBackendOptions,
  type WebGLPrecision,
  type WebGLVersion,
} from './context.js';
import { WebGLBackendError, WebGLUnavailableError } from './errors.js';
import { argReduce } from './kernels/arg_reduce.js';
import { avgPool } from './kernels/avg_pool.js';
import { avgPoolGrad } from './kernels/avg_pool_grad.js';
import { binary } from './kernels/binary.js';
import { cast } from './kernels/cast.js';
import { concat } from './kernels/concat.js';
import { conv2d } from './kernels/conv2d.js';
import { conv2dBackpropFilter } from './kernels/conv2d_backprop_filter.js';
import { conv2dBackpropInput } from './kernels/conv2d_backprop_input.js';
import { fusedConv2d } from './kernels/fused_conv2d.js';
import { fusedMatMul } from './kernels/fused_mat_mul.js';
import { gather } from './kernels/gather.js';
import { logSoftmax } from './kernels/log_softmax.js';
import { matMul } from './kernels/mat_mul.js';
import { maxPool } from './kernels/max_pool.js';
import { maxPoolGrad } from './kernels/max_pool_grad.js';
import { oneHot } from './kernels/one_hot.js';
import { pad } from './kernels/pad.js';
import { reduce } from './kernels/reduce.js';
import { scatterAdd } from './kernels/scatter_add.js';
import { slice } from './kernels/slice.js';
import { softmax } from './kernels/softmax.js';
import { softmaxCrossEntropy } from './kernels/softmax_cross_entropy.js';
import { transpose } from './kernels/transpose.js';
import { unary } from './kernels/unary.js';
import { where } from './kernels/where.js';
import { calibrate } from './calibrate.js';
import { Runtime } from './runtime.js';
import { compiledPrograms, deletePrograms, env, GPGPUContext, setWebGLContext, textureStats, TfWebGL } from './tfjs.js';


/** tfjs's WebGL flags are page-wide; live backends must agree on the version. */
let liveVersion: WebGLVersion | null = null;
let liveCount = 0;

/**
 * Point tfjs's page-wide WebGL flags at this context: the version, and the
 * capabilities it would otherwise probe lazily on a context of its own.
 */
function configureTfjs(gl: GL, version: WebGLVersion, floatDownload: boolean): void {
  const e = env();
  e.set('WEBGL_VERSION', version);
  e.set('HAS_WEBGL', true);
  e.set('WEBGL_FORCE_F16_TEXTURES', false);
  e.set('WEBGL_RENDER_FLOAT32_CAPABLE', true);
  e.set('WEBGL_RENDER_FLOAT32_ENABLED', true);
  // Without float readback tfjs byte-encodes values in a shader, which is not exact.
  e.set('WEBGL_DOWNLOAD_FLOAT_ENABLED', floatDownload);
  e.set('WEBGL_FENCE_API_ENABLED', version === 2 && typeof (gl as WebGL2RenderingContext).fenceSync === 'function');
  e.set('WEBGL_BUFFER_SUPPORTED', version === 2);
  e.set('WEBGL_MAX_TEXTURE_SIZE', gl.getParameter(gl.MAX_TEXTURE_SIZE) as number);
  e.set('WEBGL_MAX_TEXTURES_IN_SHADER', Math.min(16, gl.getParameter(gl.MAX_TEXTURE_IMAGE_UNITS) as number));
  e.set('WEBGL_SIZE_UPLOAD_UNIFORM', 4);
  e.set('WEBGL_DISJOINT_QUERY_TIMER_EXTENSION_VERSION', 0);
  e.set('WEBGL_DISJOINT_QUERY_TIMER_EXTENSION_RELIABLE', false);
}

/** The fixed-function state tfjs sets on contexts it makes itself (canvas_util.getWebGLContext). */
function prepareState(gl: GL): void {
  gl.disable(gl.DEPTH_TEST);
  gl.disable(gl.STENCIL_TEST);
  gl.disable(gl.BLEND);
  gl.disable(gl.DITHER);
  gl.disable(gl.POLYGON_OFFSET_FILL);
  gl.disable(gl.SAMPLE_COVERAGE);
  gl.enable(gl.SCISSOR_TEST);
  gl.enable(gl.CULL_FACE);
  gl.cullFace(gl.BACK);
}

function isNode(): boolean {
  return typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';
}

/**
 * polytensor's WebGL backend: the shaders of @tensorflow/tfjs-backend-webgl
 * (matMul, conv2d and its gradients, pooling, gather, slice, concat, pad),
 * called directly as kernel functions on textures tfjs's backend object
 * manages, plus this package's shaders for everything tfjs lacks or computes
 * differently from the contract (src/kernels/*). Tensors stay on the GPU
 * between kernels.
 */
export class WebGLBackend implements Backend {
  readonly name = 'webgl';
  readonly numerics: BackendNumerics;
  /**
   * What this device does with floats, measured at start-up (calibrate.ts):
   * subnormals flushed or kept; arithmetic correctly rounded (0) or within
   * 1 ULP. No transcendental bounds beyond the suite's: the shaders'
   * exp/log/sin/… are this package's (kernels/math_glsl.ts), not GLSL's.
   */
  readonly precision: WebGLPrecision;
  /** @internal */
  readonly rt: Runtime;
  private readonly declaredLimits: BackendLimits;
  private readonly gpgpu: GPGPUContext;
  private readonly made: MadeContext;
  private readonly ownsContext: boolean;
  private disposed = false;

  constructor(options: WebGLBackendOptions = {}, ownsContext = options.gl === undefined) {
    const made: MadeContext = options.gl
      ? { gl: options.gl, version: versionOf(options.gl, options.webglVersion), canvas: (options.gl.canvas as HTMLCanvasElement | undefined) ?? null }
      : browserContext(options);
    const { gl, version } = made;
    if (liveCount > 0 && liveVersion !== version) {
      throw new WebGLBackendError(
        `webgl backend: a WebGL ${liveVersion} backend is already live in this page; tfjs's WebGL flags are page-wide, ` +
          `so a WebGL ${version} backend cannot run beside it. Dispose it first.`,
      );
    }
    requireFloat32(gl, version);
    prepareState(gl);
    const floatDownload = floatReadback(gl, version);
    configureTfjs(gl, version, floatDownload);
    setWebGLContext(version, gl);
    this.gpgpu = new GPGPUContext(gl);
    // tfjs's own 'webgl' backend, if the page also uses raw tfjs, must not adopt this context.
    if (!isNode()) setWebGLContext(version, null as unknown as WebGLRenderingContext);
    const tf = new TfWebGL(this.gpgpu);
    const watch = new ContextWatch(gl, (made.canvas as unknown as EventTarget | null) ?? null);
    this.rt = new Runtime(tf, watch, version);
    this.made = made;
    this.ownsContext = ownsContext;
    liveVersion = version;
    liveCount++;
    let cal: ReturnType<typeof calibrate>;
    try {
      cal = calibrate(this.rt);
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.numerics = { flushesSubnormals: cal.flushesSubnormals, arithmeticUlp: cal.arithmeticUlp };
    this.precision = describeContext(gl, version, cal.flushesSubnormals ? 'flushed' : 'kept', floatDownload, cal.arithmeticUlp);
    const maxTexture = Number(gl.getParameter(gl.MAX_TEXTURE_SIZE));
    this.declaredLimits = Object.freeze({
      // tfjs lays a tensor out in one texture of at most MAX_TEXTURE_SIZE² texels, one value per texel
      // unpacked (four per texel packed, with shapes padded to even sizes: never fewer values).
      maxTensorElements: maxTexture * maxTexture,
      source: `this GPU's MAX_TEXTURE_SIZE ${maxTexture}: one tensor fits one ${maxTexture}×${maxTexture} texture; WebGL does not tell how much GPU memory there is`,
    });
  }

  /** One tensor: what one texture of this context holds. All tensors: unknown to WebGL, so not limited here. */
  limits(): BackendLimits {
    return this.declaredLimits;
  }

  get webglVersion(): WebGLVersion {
    return this.made.version;
  }

  /** The GL context (for interop, e.g. drawing a tensor). */
  get gl(): GL {
    return this.made.gl;
  }

  // ---- storage ----

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) {
      throw new Error(`webgl backend: write: ${values.length} values do not fill shape [${shape.join(',')}] (${size} elements)`);
    }
    this.rt.watch.check('write');
    return this.rt.fromValues(values, shape, dtype).dataId;
  }

  read(dataId: DataId): Promise<TypedArray> {
    return this.rt.read(dataId);
  }

  readSync(dataId: DataId): TypedArray {
    return this.rt.readSync(dataId);
  }

  disposeData(dataId: DataId): void {
    this.rt.dispose(dataId);
  }

  numDataIds(): number {
    return this.rt.numDataIds;
  }

  memory(): BackendMemory {
    const t = textureStats(this.rt.tf);
    return {
      numDataIds: this.rt.numDataIds,
      numBytes: this.rt.numBytes,
      tfjsDataIds: t.tfjsDataIds,
      texturesInUse: t.texturesInUse,
      texturesFree: t.texturesFree,
      gpuBytesAllocated: t.gpuBytesAllocated,
      compiledPrograms: compiledPrograms(this.rt.tf),
    };
  }

  /** True once the WebGL context is lost (every later call throws WebGLContextLostError). */
  get contextLost(): boolean {
    return this.rt.watch.contextLost;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    liveCount--;
    const lost = this.rt.watch.contextLost;
    this.rt.watch.dispose();
    if (!lost) {
      try {
        this.rt.disposeAll();
        deletePrograms(this.rt.tf);
        this.rt.tf.dispose();
        (this.gpgpu as unknown as { program: unknown }).program = null;
        this.gpgpu.dispose();
      } catch {
        // the context went away meanwhile: nothing left to free
      }
    }
    if (this.ownsContext) releaseContext(this.made.gl);
  }

  // ---- kernels ----

  private k(op: string): Runtime {
    if (this.disposed) throw new WebGLBackendError(`webgl backend: ${op}: the backend was disposed`);
    this.rt.watch.check(op);
    return this.rt;
  }

  unary(op: UnaryOp, x: TensorInfo): TensorInfo {
    return unary(this.k('unary'), op, x);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
    return binary(this.k('binary'), op, a, b, outShape);
  }

  where(condition: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
    return where(this.k('where'), condition, a, b, outShape);
  }

  cast(x: TensorInfo, dtype: DType): TensorInfo {
    return cast(this.k('cast'), x, dtype);
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo {
    return reduce(this.k('reduce'), op, x, axes);
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo {
    return argReduce(this.k('argReduce'), op, x, axis);
  }

  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo {
    return transpose(this.k('transpose'), x, perm);
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    return slice(this.k('slice'), x, begin, size);
  }

  concat(xs: readonly TensorInfo[], axis: number): TensorInfo {
    return concat(this.k('concat'), xs, axis);
  }

  pad(x: TensorInfo, paddings: ReadonlyArray<readonly [number, number]>, value: number): TensorInfo {
    return pad(this.k('pad'), x, paddings, value);
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
    return gather(this.k('gather'), x, indices, axis);
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, outShape: readonly number[]): TensorInfo {
    return scatterAdd(this.k('scatterAdd'), updates, indices, axis, outShape);
  }

  oneHot(indices: TensorInfo, depth: number, onValue: number, offValue: number): TensorInfo {
    return oneHot(this.k('oneHot'), indices, depth, onValue, offValue);
  }

  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
    return matMul(this.k('matMul'), a, b, transposeA, transposeB);
  }

  fusedMatMul(
    a: TensorInfo,
    b: TensorInfo,
    bias: TensorInfo | null,
    activation: FusedActivation,
    transposeA: boolean,
    transposeB: boolean,
  ): TensorInfo {
    return fusedMatMul(this.k('fusedMatMul'), a, b, bias, activation, transposeA, transposeB);
  }

  conv2d(x: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
    return conv2d(this.k('conv2d'), x, filter, info);
  }

  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
    return conv2dBackpropInput(this.k('conv2dBackpropInput'), dy, filter, info);
  }

  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
    return conv2dBackpropFilter(this.k('conv2dBackpropFilter'), x, dy, info);
  }

  fusedConv2d(x: TensorInfo, filter: TensorInfo, bias: TensorInfo | null, activation: FusedActivation, info: Conv2DInfo): TensorInfo {
    return fusedConv2d(this.k('fusedConv2d'), x, filter, bias, activation, info);
  }

  maxPool(x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return maxPool(this.k('maxPool'), x, info);
  }

  maxPoolGrad(dy: TensorInfo, x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return maxPoolGrad(this.k('maxPoolGrad'), dy, x, info);
  }

  avgPool(x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return avgPool(this.k('avgPool'), x, info);
  }

  avgPoolGrad(dy: TensorInfo, info: Conv2DInfo): TensorInfo {
    return avgPoolGrad(this.k('avgPoolGrad'), dy, info);
  }

  softmax(logits: TensorInfo): TensorInfo {
    return softmax(this.k('softmax'), logits);
  }

  logSoftmax(logits: TensorInfo): TensorInfo {
    return logSoftmax(this.k('logSoftmax'), logits);
  }

  softmaxCrossEntropy(logits: TensorInfo, labels: TensorInfo): TensorInfo {
    return softmaxCrossEntropy(this.k('softmaxCrossEntropy'), logits, labels);
  }
}

function releaseContext(gl: GL): void {
  try {
    const destroy = gl.getExtension('STACKGL_destroy_context' as never) as { destroy(): void } | null;
    if (destroy) {
      destroy.destroy();
      return;
    }
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  } catch {
    // best effort
  }
}

/**
 * headless-gl (8.1.6) finds an array uniform only by `name[0]`: for the plain
 * `name` that WebGL allows (and tfjs uses) it returns null, so every array
 * uniform (shapes, strides, small tensors passed as uniforms) is never set and
 * reads as zero. Retry with `name[0]`, whose location sets the whole array.
 */
function patchUniformArrays(gl: GL): void {
  const original = gl.getUniformLocation.bind(gl);
  gl.getUniformLocation = (program: WebGLProgram, name: string): WebGLUniformLocation | null =>
    original(program, name) ?? (name.endsWith(']') ? null : original(program, `${name}[0]`));
}

/**
 * Create the backend. In browsers: a private canvas, WebGL2 if it has float
 * render targets, else WebGL1 with OES_texture_float. In Node: a headless-gl
 * context (the optional 'gl' package; needs a display, e.g. `xvfb-run -a`).
 * Throws WebGLUnavailableError / WebGLPrecisionError with the reason and the fix.
 */
export async function createWebGLBackend(options: WebGLBackendOptions = {}): Promise<WebGLBackend> {
  if (!options.gl && !options.canvas && isNode()) {
    const gl = await headlessContext(options.webglVersion);
    return new WebGLBackend({ ...options, gl, webglVersion: 1 }, true);
  }
  return new WebGLBackend(options);
}

type CreateGL = (w: number, h: number, attrs?: WebGLContextAttributes) => GL | null;

async function importHeadlessGL(): Promise<CreateGL> {
  const specifier = 'gl'; // a variable, and ignored by name: bundlers must not try to resolve it for browsers
  const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as { default?: CreateGL } & CreateGL;
  return (mod.default ?? mod) as CreateGL;
}

/**
 * headless-gl's WebGL1 context in Node, or a clear error saying why there is
 * none. @internal (`load` is injectable for tests)
 */
export async function headlessContext(version: WebGLVersion | undefined, load: () => Promise<CreateGL> = importHeadlessGL): Promise<GL> {
  if (version === 2) {
    throw new WebGLUnavailableError('webgl backend: WebGL 2 is not available in Node: headless-gl (the `gl` package) implements WebGL 1 only.');
  }
  let createGL: CreateGL;
  try {
    createGL = await load();
  } catch (e) {
    const why = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
    throw new WebGLUnavailableError(
      "webgl backend: in Node this backend runs on headless-gl, the optional 'gl' package, which is not installed or did not " +
        `build (${why}). @polytensor/backend-webgl does not install it for you (it compiles from source). Install it with ` +
        '`npm install gl` (it needs python3, make, g++ and the X11/GL headers: apt-get install pkg-config libx11-dev libxi-dev ' +
        'libxext-dev libgl1-mesa-dev libglu1-mesa-dev) and run under a display (xvfb-run -a), or use another backend in Node ' +
        "(import '@polytensor/backend-wasm').",
    );
  }
  const gl = createGL(1, 1, { alpha: false, antialias: false, depth: false, stencil: false, premultipliedAlpha: false });
  if (gl) patchUniformArrays(gl);
  if (!gl) {
    throw new WebGLUnavailableError(
      'webgl backend: headless-gl could not create a WebGL context: it needs an X display. Run under a virtual one ' +
        '(`xvfb-run -a node …`, or set DISPLAY), or use another backend in Node.',
    );
  }
  return gl;
}
