// Where gpu.js gets its WebGL context. The backend makes the context itself
// (headless-gl in Node, a canvas in the browser) and hands it to gpu.js, so it
// knows exactly what it got: gpu.js's own auto mode would silently pick its
// WebAssembly or CPU mode when no context can be made, which this backend
// refuses (docs/design.md §10). gpu.js's CPU mode is available, explicitly.
import {
  requireBrowserContext,
  floatSupportProblem,
  headlessGLContext,
  isNode,
  isWebGL2,
  loseContext,
  rendererOf,
  type AnyCanvas,
  type CreateHeadlessGL,
  type GL,
} from '@polytensor/gpu-common';
import { GpujsUnavailableError } from './errors.js';
import { GPU, type GpuInstance } from './gpujs.js';

/**
 * - 'auto' (default): headless-gl in Node; WebGL 2, else WebGL 1, in a browser.
 * - 'headlessgl': Node only, through the optional `gl` package (needs an X display: Xvfb).
 * - 'webgl2' / 'webgl': a browser context of that version.
 * - 'cpu': gpu.js's CPU mode (kernels run as JavaScript). Only when asked for.
 */
export type GpujsMode = 'auto' | 'headlessgl' | 'webgl2' | 'webgl' | 'cpu';

export interface GpujsBackendOptions {
  mode?: GpujsMode;
  /** Use this WebGL context (a headless-gl context in Node, or a browser context). */
  context?: WebGLRenderingContext | WebGL2RenderingContext;
  /** The canvas of `context`, or a canvas to draw on (browser). */
  canvas?: HTMLCanvasElement | OffscreenCanvas;
}

/** What the backend runs on, as reported by `backend.info`. */
export interface GpujsInfo {
  /** The gpu.js kernel class in use: 'headlessgl', 'webgl2', 'webgl' or 'cpu'. */
  readonly mode: 'headlessgl' | 'webgl2' | 'webgl' | 'cpu';
  /** GLSL ES 3.00 (texelFetch) or 1.00. */
  readonly glslVersion: 3 | 1 | null;
  /** Storage precision: always 'single' (float32 textures); gpu.js's 8-bit 'unsigned' packing is never used (see makeGpu). */
  readonly precision: 'single';
  /** The renderer string (e.g. 'ANGLE' for headless-gl on Mesa, SwiftShader in Chromium). */
  readonly renderer: string;
  readonly maxTextureSize: number;
}

export interface MadeGpu {
  readonly gpu: GpuInstance;
  readonly gl: GL | null;
  readonly info: GpujsInfo;
  /** Release the context (best effort). */
  readonly destroyContext: () => void;
}

interface NodeProcess {
  readonly versions?: { readonly node?: string };
  readonly env?: Record<string, string | undefined>;
  readonly platform?: string;
  getBuiltinModule?: (name: string) => unknown;
}

/** Node's `process` when running in Node (not a browser page), else null. */
function nodeProcess(): NodeProcess | null {
  return isNode() ? ((globalThis as { process?: NodeProcess }).process ?? null) : null;
}

/** Load the optional `gl` package (headless-gl) synchronously in Node. */
function loadHeadlessGl(proc: NodeProcess): CreateHeadlessGL {
  const mod = proc.getBuiltinModule?.('module') as { createRequire?: (from: string) => (id: string) => unknown } | undefined;
  if (!mod?.createRequire) {
    throw new GpujsUnavailableError(
      'gpujs backend: cannot load headless-gl: this Node has no process.getBuiltinModule (Node ≥ 20.16 needed). ' +
        "Upgrade Node, or pass a context: createGpujsBackend({ context: require('gl')(1, 1) }).",
    );
  }
  const require = mod.createRequire(import.meta.url);
  try {
    return require('gl') as CreateHeadlessGL;
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new GpujsUnavailableError(
      `gpujs backend: the optional dependency 'gl' (headless-gl) is not installed or its native build failed (${why}). ` +
        'In Node this backend runs on headless-gl: install it with `npm install gl` (it builds from source and needs python3, make, g++ ' +
        'and the X/GL dev packages: apt-get install libxi-dev libglu1-mesa-dev libglew-dev libx11-dev pkg-config), ' +
        "or opt in to gpu.js's CPU mode with createGpujsBackend({ mode: 'cpu' }).",
    );
  }
}

function headlessContext(proc: NodeProcess): GL {
  const gl = headlessGLContext(loadHeadlessGl(proc));
  if (gl) return gl;
  const display = proc.env?.['DISPLAY'];
  const cause = display
    ? `headless-gl returned no WebGL context on DISPLAY=${display} (is that X server running and does it offer GLX? Mesa's libGL installed?)`
    : 'there is no X display (DISPLAY is unset), and headless-gl (the `gl` package) needs one to create a context';
  throw new GpujsUnavailableError(
    `gpujs backend: no GPU context in Node: ${cause}. Run under a virtual display: \`xvfb-run -a node …\` ` +
      "(apt-get install xvfb), or opt in to gpu.js's CPU mode with createGpujsBackend({ mode: 'cpu' }). " +
      "It does not fall back to gpu.js's WebAssembly/CPU modes by itself.",
  );
}

function makeBrowserContext(mode: 'auto' | 'webgl2' | 'webgl', canvas?: AnyCanvas): { gl: GL; canvas: AnyCanvas | null } {
  return requireBrowserContext(
    mode === 'webgl2' ? 2 : mode === 'webgl' ? 1 : undefined,
    canvas,
    {
      noCanvas:
        'gpujs backend: no canvas in this environment (no document, no OffscreenCanvas), so no WebGL context. ' +
        "In Node the backend uses headless-gl; elsewhere pass { context } or opt in to { mode: 'cpu' }.",
      noWebGL: (problems) =>
        `gpujs backend: no WebGL in this browser (${problems}). Enable WebGL (hardware acceleration) or, in headless ` +
        'Chromium without a GPU, start it with SwiftShader: --use-angle=swiftshader --enable-unsafe-swiftshader. ' +
        "gpu.js's CPU mode is available explicitly: createGpujsBackend({ mode: 'cpu' }).",
    },
    (message) => new GpujsUnavailableError(message),
  );
}

/** Make the GPU instance for `options`, or throw a GpujsUnavailableError naming the cause and the fix. */
export function makeGpu(options: GpujsBackendOptions = {}): MadeGpu {
  const mode = options.mode ?? 'auto';
  if (mode === 'cpu') {
    const gpu = new GPU({ mode: 'cpu' });
    return {
      gpu,
      gl: null,
      info: { mode: 'cpu', glslVersion: null, precision: 'single', renderer: 'gpu.js CPU mode (JavaScript)', maxTextureSize: 1 << 14 },
      destroyContext: () => {},
    };
  }
  const proc = nodeProcess();
  let gl: GL;
  let canvas: unknown;
  if (options.context) {
    gl = options.context;
    canvas = options.canvas ?? (gl as { canvas?: unknown }).canvas ?? {};
  } else if (proc) {
    if (mode === 'webgl2' || mode === 'webgl') {
      throw new GpujsUnavailableError(`gpujs backend: mode '${mode}' needs a browser; in Node the backend runs on headless-gl (mode 'headlessgl' or 'auto').`);
    }
    gl = headlessContext(proc);
    canvas = {};
  } else {
    if (mode === 'headlessgl') {
      throw new GpujsUnavailableError("gpujs backend: mode 'headlessgl' is for Node; in a browser use 'auto', 'webgl2' or 'webgl'.");
    }
    const made = makeBrowserContext(mode, options.canvas);
    gl = made.gl;
    canvas = made.canvas ?? {};
  }
  const webgl2 = isWebGL2(gl);
  const problem = floatSupportProblem(gl, webgl2 ? 2 : 1);
  if (problem) {
    if (!options.context) loseContext(gl);
    // gpu.js would fall back to its 'unsigned' precision (each float32 packed into 8-bit RGBA), which cannot
    // hold NaN, ±Infinity, −0 or subnormals: refuse rather than compute something else than the contract.
    throw new GpujsUnavailableError(
      `gpujs backend: this ${webgl2 ? 'WebGL 2' : 'WebGL 1'} context has ${problem}, and gpu.js's 8-bit 'unsigned' packing ` +
        "cannot hold the contract's float32 values. Use a device with float textures, another backend, or createGpujsBackend({ mode: 'cpu' }).",
    );
  }
  let gpu: GpuInstance;
  try {
    gpu = new GPU({ context: gl, canvas });
  } catch (e) {
    if (!options.context) loseContext(gl);
    throw new GpujsUnavailableError(`gpujs backend: gpu.js rejected the WebGL context: ${e instanceof Error ? e.message : String(e)}`);
  }
  const kernelName = gpu.Kernel.name;
  const kernelMode = kernelName === 'HeadlessGLKernel' ? 'headlessgl' : kernelName === 'WebGL2Kernel' ? 'webgl2' : 'webgl';
  return {
    gpu,
    gl,
    info: {
      mode: kernelMode,
      glslVersion: webgl2 ? 3 : 1,
      precision: 'single',
      renderer: rendererOf(gl),
      maxTextureSize: Number(gl.getParameter(gl.MAX_TEXTURE_SIZE)),
    },
    destroyContext: () => {
      if (!options.context) loseContext(gl);
    },
  };
}
