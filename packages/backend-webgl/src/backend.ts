import { defineBackend, type Backend, type BackendLimits, type BackendNumerics, type KernelImpls, type OptimizerCapability } from '@polytensor/core';
import { floatReadback, headlessGLContext, isNode, loseContext, versionOf, type CreateHeadlessGL } from '@polytensor/gpu-common';
import { calibrate } from './calibrate.js';
import {
  ContextWatch,
  describeContext,
  makeBrowserContext,
  requireFloat32,
  type GL,
  type MadeContext,
  type WebGLBackendOptions,
  type WebGLPrecision,
  type WebGLRandomRoute,
  type WebGLVersion,
} from './context.js';
import { WebGLBackendError, WebGLUnavailableError } from './errors.js';
import { argReduceKernel } from './kernels/arg_reduce.js';
import { avgPoolKernel } from './kernels/avg_pool.js';
import { avgPoolGradKernel } from './kernels/avg_pool_grad.js';
import { binaryKernel } from './kernels/binary.js';
import { castKernel } from './kernels/cast.js';
import { concatKernel } from './kernels/concat.js';
import { conv2dKernel } from './kernels/conv2d.js';
import { conv2dBackpropFilterKernel } from './kernels/conv2d_backprop_filter.js';
import { conv2dBackpropInputKernel } from './kernels/conv2d_backprop_input.js';
import { fusedConv2dKernel } from './kernels/fused_conv2d.js';
import { fusedMatMulKernel } from './kernels/fused_mat_mul.js';
import { gatherKernel } from './kernels/gather.js';
import { logSoftmaxKernel } from './kernels/log_softmax.js';
import { matMulKernel } from './kernels/mat_mul.js';
import { maxPoolKernel } from './kernels/max_pool.js';
import { maxPoolGradKernel } from './kernels/max_pool_grad.js';
import { oneHotKernel } from './kernels/one_hot.js';
import { optimizerUpdateKernel } from './kernels/optimizer_update.js';
import { padKernel } from './kernels/pad.js';
import { philoxUniformKernel, randomRoute, withRandomRoute } from './kernels/philox_uniform.js';
import { reduceKernel } from './kernels/reduce.js';
import { scatterAddKernel } from './kernels/scatter_add.js';
import { sliceKernel } from './kernels/slice.js';
import { softmaxKernel } from './kernels/softmax.js';
import { softmaxCrossEntropyKernel } from './kernels/softmax_cross_entropy.js';
import { transposeKernel } from './kernels/transpose.js';
import { unaryKernel } from './kernels/unary.js';
import { unaryGradKernel } from './kernels/unary_grad.js';
import { whereKernel } from './kernels/where.js';
import { WebGLStore } from './store.js';
import { deletePrograms, env, GPGPUContext, setWebGLContext, TfWebGL } from './tfjs.js';

/**
 * Every kernel of the table, on WebGL (src/kernels/<name>.ts): tfjs's shaders
 * where they compute what the contract pins (matMul, conv2d, avgPool, gather,
 * slice, concat, the fused matmul/conv), this package's programs for the rest
 * (README, "Kernels: whose shader runs"). Importing it makes no context.
 */
export const WEBGL_KERNELS: KernelImpls<WebGLStore> = {
  unary: unaryKernel,
  binary: binaryKernel,
  where: whereKernel,
  cast: castKernel,
  reduce: reduceKernel,
  argReduce: argReduceKernel,
  transpose: transposeKernel,
  slice: sliceKernel,
  concat: concatKernel,
  pad: padKernel,
  gather: gatherKernel,
  scatterAdd: scatterAddKernel,
  oneHot: oneHotKernel,
  matMul: matMulKernel,
  conv2d: conv2dKernel,
  conv2dBackpropInput: conv2dBackpropInputKernel,
  conv2dBackpropFilter: conv2dBackpropFilterKernel,
  maxPool: maxPoolKernel,
  maxPoolGrad: maxPoolGradKernel,
  avgPool: avgPoolKernel,
  avgPoolGrad: avgPoolGradKernel,
  softmax: softmaxKernel,
  logSoftmax: logSoftmaxKernel,
  fusedMatMul: fusedMatMulKernel,
  fusedConv2d: fusedConv2dKernel,
  softmaxCrossEntropy: softmaxCrossEntropyKernel,
  unaryGrad: unaryGradKernel,
  // the fragment program; on WebGL 1 and software renderers the host draw (withRandomRoute)
  philoxUniform: philoxUniformKernel,
};

/**
 * The optimizer capability on WebGL (src/kernels/optimizer_update.ts): one
 * program per output of each variable's step, bit-identical to core's
 * composite. Given a backend's storage; exported beside WEBGL_KERNELS so tools
 * that cannot make a context (the kernel reference) see that webgl has it.
 */
export const WEBGL_OPTIMIZER: (store: WebGLStore) => OptimizerCapability = optimizerUpdateKernel;

/** polytensor's WebGL backend: a core `Backend` plus what it knows about its context. */
export interface WebGLBackend extends Backend {
  /** What one tensor may hold on this context (core checks every new tensor against it). */
  limits(): BackendLimits;
  /** Measured at start-up (see `precision`); the conformance report prints it. */
  readonly numerics: BackendNumerics;
  /**
   * What this device does with floats, measured at start-up (calibrate.ts):
   * subnormals flushed or kept; arithmetic correctly rounded (0) or within
   * 1 ULP. No transcendental bounds beyond the suite's: the shaders'
   * exp/log/sin/… are gpu-common's float32 math library, not GLSL's.
   */
  readonly precision: WebGLPrecision;
  readonly webglVersion: WebGLVersion;
  /** The GL context (for interop, e.g. drawing a tensor). */
  readonly gl: GL;
  /** True once the WebGL context is lost (every later call throws WebGLContextLostError). */
  readonly contextLost: boolean;
  /** Where kernel philoxUniform (randomUniform, dropout masks) draws: a fragment program or the host (`WebGLBackendOptions.random`). */
  readonly random: WebGLRandomRoute;
  /** @internal the storage its kernels run on (tests read where a buffer lives) */
  readonly store: WebGLStore;
}

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

/**
 * The backend on a context: tfjs's backend object (MathBackendWebGL, with
 * its texture manager and shader cache) on it, the float behaviour measured,
 * and every kernel of WEBGL_KERNELS bound through `defineBackend`. Synchronous
 * (createWebGLBackend is async only to load headless-gl in Node). Releases the
 * context on dispose when `ownsContext`.
 */
export function webglBackendOn(made: MadeContext, ownsContext: boolean, askedRandom?: WebGLRandomRoute): WebGLBackend {
  const { gl, version } = made;
  if (liveCount > 0 && liveVersion !== version) {
    throw new WebGLBackendError(
      `webgl backend: a WebGL ${liveVersion} backend is already live in this page; tfjs's WebGL flags are page-wide, ` +
        `so a WebGL ${version} backend cannot run beside it. Dispose it first.`,
    );
  }
  requireFloat32(gl, version);
  let random: WebGLRandomRoute;
  try {
    random = randomRoute(gl, version, askedRandom);
  } catch (e) {
    if (ownsContext) loseContext(gl);
    throw e;
  }
  prepareState(gl);
  const floatDownload = floatReadback(gl, version);
  configureTfjs(gl, version, floatDownload);
  setWebGLContext(version, gl);
  const gpgpu = new GPGPUContext(gl);
  // tfjs's own 'webgl' backend, if the page also uses raw tfjs, must not adopt this context.
  if (!isNode()) setWebGLContext(version, null as unknown as WebGLRenderingContext);
  const tf = new TfWebGL(gpgpu);
  const watch = new ContextWatch(gl, (made.canvas as unknown as EventTarget | null) ?? null);
  const store = new WebGLStore(tf, watch, version);
  liveVersion = version;
  liveCount++;
  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    liveCount--;
    const lost = watch.contextLost;
    watch.dispose();
    store.disposeAll();
    if (!lost) {
      try {
        deletePrograms(tf);
        tf.dispose();
        (gpgpu as unknown as { program: unknown }).program = null;
        gpgpu.dispose();
      } catch {
        // the context went away meanwhile: nothing left to free
      }
    }
    if (ownsContext) loseContext(gl);
  };
  let cal: ReturnType<typeof calibrate>;
  try {
    cal = calibrate(store);
  } catch (e) {
    dispose();
    throw e;
  }
  const maxTexture = Number(gl.getParameter(gl.MAX_TEXTURE_SIZE));
  const limits: BackendLimits = Object.freeze({
    // tfjs lays a tensor out in one texture of at most MAX_TEXTURE_SIZE² texels, one value per texel
    // unpacked (four per texel packed, with shapes padded to even sizes: never fewer values).
    maxTensorElements: maxTexture * maxTexture,
    source: `this GPU's MAX_TEXTURE_SIZE ${maxTexture}: one tensor fits one ${maxTexture}×${maxTexture} texture; WebGL does not tell how much GPU memory there is`,
  });
  const backend = defineBackend({
    name: 'webgl',
    storage: store,
    kernels: withRandomRoute(WEBGL_KERNELS, random),
    optimizer: WEBGL_OPTIMIZER(store),
    numerics: { flushesSubnormals: cal.flushesSubnormals, arithmeticUlp: cal.arithmeticUlp },
    // One tensor: what one texture of this context holds. All tensors: unknown to WebGL, so not limited here.
    limits: () => limits,
    dispose,
  });
  const precision = describeContext(gl, version, cal.flushesSubnormals ? 'flushed' : 'kept', floatDownload, cal.arithmeticUlp);
  return Object.defineProperties(backend as WebGLBackend, {
    precision: { value: precision, enumerable: true },
    webglVersion: { value: version, enumerable: true },
    gl: { value: gl, enumerable: true },
    contextLost: { get: () => watch.contextLost, enumerable: true },
    random: { value: random, enumerable: true },
    store: { value: store },
  });
}

/**
 * Create the backend. In browsers: a private canvas, WebGL2 if it has float
 * render targets, else WebGL1 with OES_texture_float. In Node: a headless-gl
 * context (the optional 'gl' package; needs a display, e.g. `xvfb-run -a`).
 * With `options.gl`, that context as is (not released on dispose).
 * Throws WebGLUnavailableError / WebGLPrecisionError with the reason and the fix.
 */
export async function createWebGLBackend(options: WebGLBackendOptions = {}): Promise<WebGLBackend> {
  if (options.gl) {
    const gl = options.gl;
    return webglBackendOn(
      { gl, version: versionOf(gl, options.webglVersion), canvas: (gl.canvas as HTMLCanvasElement | undefined) ?? null },
      false,
      options.random,
    );
  }
  if (!options.canvas && isNode()) {
    const gl = await headlessContext(options.webglVersion);
    return webglBackendOn({ gl, version: 1, canvas: null }, true, options.random);
  }
  return webglBackendOn(makeBrowserContext(options), true, options.random);
}

async function importHeadlessGL(): Promise<CreateHeadlessGL> {
  const specifier = 'gl'; // a variable, and ignored by name: bundlers must not try to resolve it for browsers
  const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as { default?: CreateHeadlessGL } & CreateHeadlessGL;
  return (mod.default ?? mod) as CreateHeadlessGL;
}

/**
 * headless-gl's WebGL1 context in Node, or a clear error saying why there is
 * none. @internal (`load` is injectable for tests)
 */
export async function headlessContext(version: WebGLVersion | undefined, load: () => Promise<CreateHeadlessGL> = importHeadlessGL): Promise<GL> {
  if (version === 2) {
    throw new WebGLUnavailableError('webgl backend: WebGL 2 is not available in Node: headless-gl (the `gl` package) implements WebGL 1 only.');
  }
  let createGL: CreateHeadlessGL;
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
  const gl = headlessGLContext(createGL);
  if (!gl) {
    throw new WebGLUnavailableError(
      'webgl backend: headless-gl could not create a WebGL context: it needs an X display. Run under a virtual one ' +
        '(`xvfb-run -a node …`, or set DISPLAY), or use another backend in Node.',
    );
  }
  return gl;
}
