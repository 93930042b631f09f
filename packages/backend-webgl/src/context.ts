import { WebGLContextLostError, WebGLPrecisionError, WebGLUnavailableError } from './errors.js';

export type WebGLVersion = 1 | 2;
export type GL = WebGLRenderingContext | WebGL2RenderingContext;

/** How to get a context. With none of these, the backend makes its own canvas (WebGL2, else WebGL1). */
export interface WebGLBackendOptions {
  /** Force WebGL 2 or WebGL 1. Default: 2 where available, else 1. */
  webglVersion?: WebGLVersion;
  /** Draw on this canvas instead of a private OffscreenCanvas / `<canvas>`. */
  canvas?: HTMLCanvasElement | OffscreenCanvas;
  /**
   * Use this context as is (e.g. one from headless-gl in Node). Its version is
   * `webglVersion` (default: 2 if it is a WebGL2RenderingContext, else 1).
   */
  gl?: GL;
}

/** What the context offers, as the backend reports it (`backend.precision`). */
export interface WebGLPrecision {
  readonly webglVersion: WebGLVersion;
  /** The unmasked renderer string where the browser exposes it (e.g. SwiftShader). */
  readonly renderer: string;
  /** Bits of the float textures tensors live in: always 32 (half-float-only devices are refused). */
  readonly textureFloatBits: 32;
  /** Mantissa bits of highp float in fragment shaders (23 = IEEE float32). */
  readonly shaderFloatMantissaBits: number;
  /** Bits of highp int in fragment shaders (index arithmetic). */
  readonly shaderIntBits: number;
  /** How float32 render targets are enabled. */
  readonly floatRenderTarget: string;
  /** readPixels can return float32 directly; otherwise values are byte-encoded in a shader before download. */
  readonly floatDownload: boolean;
  /** Subnormal float32 values survive arithmetic in shaders (measured at start-up). */
  readonly subnormals: 'kept' | 'flushed';
  /** + − × ÷ √ measured correctly rounded (0) or not (1: declared as `numerics.arithmeticUlp`). */
  readonly arithmeticUlp: 0 | 1;
}

export const CONTEXT_ATTRIBUTES: WebGLContextAttributes = {
  alpha: false,
  antialias: false,
  premultipliedAlpha: false,
  preserveDrawingBuffer: false,
  depth: false,
  stencil: false,
  // Software renderers (SwiftShader, llvmpipe) are what CI and headless machines have.
  failIfMajorPerformanceCaveat: false,
};

type AnyCanvas = HTMLCanvasElement | OffscreenCanvas;

function newCanvas(): AnyCanvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(1, 1);
  if (typeof document !== 'undefined') return document.createElement('canvas');
  throw new WebGLUnavailableError(
    'webgl backend: no canvas in this environment (no OffscreenCanvas, no document). In Node, pass a headless-gl ' +
      "context (`createWebGLBackend({ gl })`), or use `createWebGLBackend()` with the optional 'gl' package installed and a display (xvfb-run).",
  );
}

function contextOf(canvas: AnyCanvas, version: WebGLVersion): GL | null {
  const c = canvas as HTMLCanvasElement;
  if (version === 2) return c.getContext('webgl2', CONTEXT_ATTRIBUTES);
  return (c.getContext('webgl', CONTEXT_ATTRIBUTES) ??
    (c.getContext('experimental-webgl', CONTEXT_ATTRIBUTES) as WebGLRenderingContext | null));
}

export interface MadeContext {
  readonly gl: GL;
  readonly version: WebGLVersion;
  readonly canvas: AnyCanvas | null;
}

/** A browser context: the requested version, or WebGL2 falling back to WebGL1. */
export function browserContext(options: WebGLBackendOptions): MadeContext {
  const versions: WebGLVersion[] = options.webglVersion ? [options.webglVersion] : [2, 1];
  const problems: string[] = [];
  for (const version of versions) {
    const canvas = options.canvas ?? newCanvas();
    const gl = contextOf(canvas, version);
    if (!gl) {
      problems.push(`WebGL ${version}: getContext returned null`);
      continue;
    }
    const missing = floatSupportProblem(gl, version);
    if (missing && !options.webglVersion && version === 2) {
      // WebGL2 without float render targets: WebGL1 with OES_texture_float may still work.
      problems.push(`WebGL 2: ${missing}`);
      loseQuietly(gl);
      continue;
    }
    return { gl, version, canvas };
  }
  throw new WebGLUnavailableError(
    `webgl backend: could not create a WebGL context (${problems.join('; ')}). ` +
      'Is WebGL enabled? Headless Chromium needs a GPU or SwiftShader (--use-angle=swiftshader --enable-unsafe-swiftshader).',
  );
}

function loseQuietly(gl: GL): void {
  try {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  } catch {
    // best effort
  }
}

function isWebGL2(gl: GL): gl is WebGL2RenderingContext {
  return typeof WebGL2RenderingContext !== 'undefined' && gl instanceof WebGL2RenderingContext;
}

export function versionOf(gl: GL, requested: WebGLVersion | undefined): WebGLVersion {
  return requested ?? (isWebGL2(gl) ? 2 : 1);
}

/** Can a float32 RGBA texture be a render target? (the test tfjs and every GPGPU library uses) */
function floatFramebufferComplete(gl: GL, version: WebGLVersion): boolean {
  const tex = gl.createTexture();
  const fb = gl.createFramebuffer();
  try {
    gl.bindTexture(gl.TEXTURE_2D, tex);
    const internal = version === 2 ? (gl as WebGL2RenderingContext).RGBA32F : gl.RGBA;
    gl.texImage2D(gl.TEXTURE_2D, 0, internal, 1, 1, 0, gl.RGBA, gl.FLOAT, null);
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex, 0);
    return gl.checkFramebufferStatus(gl.FRAMEBUFFER) === gl.FRAMEBUFFER_COMPLETE;
  } finally {
    gl.bindTexture(gl.TEXTURE_2D, null);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.deleteTexture(tex);
    gl.deleteFramebuffer(fb);
  }
}

/** Why this context cannot hold float32 tensors, or null if it can. */
export function floatSupportProblem(gl: GL, version: WebGLVersion): string | null {
  const has = (name: string): boolean => (gl.getSupportedExtensions() ?? []).includes(name) && gl.getExtension(name) != null;
  if (version === 2) {
    if (!has('EXT_color_buffer_float')) {
      return has('EXT_color_buffer_half_float')
        ? 'only half-float render targets (EXT_color_buffer_half_float, no EXT_color_buffer_float)'
        : 'no float render targets (no EXT_color_buffer_float)';
    }
  } else if (!has('OES_texture_float')) {
    return has('OES_texture_half_float') ? 'only half-float textures (OES_texture_half_float, no OES_texture_float)' : 'no float textures (no OES_texture_float)';
  } else {
    has('WEBGL_color_buffer_float'); // enable it where offered
  }
  if (!floatFramebufferComplete(gl, version)) {
    return 'float32 textures cannot be render targets (framebuffer incomplete)';
  }
  const highp = gl.getShaderPrecisionFormat(gl.FRAGMENT_SHADER, gl.HIGH_FLOAT);
  if (!highp || highp.precision < 23) {
    return `fragment shaders have no IEEE float32 (highp mantissa ${highp ? highp.precision : 0} bits)`;
  }
  return null;
}

/** Throw the clear error for a context that cannot hold float32 tensors. */
export function requireFloat32(gl: GL, version: WebGLVersion): void {
  const problem = floatSupportProblem(gl, version);
  if (problem) {
    throw new WebGLPrecisionError(
      `webgl backend: this WebGL ${version} context has ${problem}. polytensor tensors are IEEE float32 and this ` +
        'backend refuses to compute them in half precision (a half-float device would silently lose 13 bits of ' +
        "every value). Use another backend on this device (e.g. 'wasm' or 'ts').",
    );
  }
}

/**
 * Can readPixels return float32 from a float framebuffer? WebGL2 with
 * EXT_color_buffer_float and WebGL1 with WEBGL_color_buffer_float promise it;
 * headless-gl supports it without advertising the extension, so WebGL1
 * contexts are also tested directly (one 1×1 read of NaN, −0, and a value
 * that does not survive byte encoding).
 */
export function floatReadback(gl: GL, version: WebGLVersion): boolean {
  if (version === 2 || (gl.getSupportedExtensions() ?? []).includes('WEBGL_color_buffer_float')) return true;
  const tex = gl.createTexture();
  const fb = gl.createFramebuffer();
  try {
    gl.bindTexture(gl.TEXTURE_2D, tex);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    const probe = new Float32Array([NaN, -0, 3.0000002384185791, -1e-30]);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.FLOAT, probe);
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex, 0);
    if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) return false;
    while (gl.getError() !== gl.NO_ERROR) {
      // clear earlier errors
    }
    const out = new Float32Array(4);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, out);
    if (gl.getError() !== gl.NO_ERROR) return false;
    return Number.isNaN(out[0]) && Object.is(out[1], -0) && out[2] === probe[2] && out[3] === probe[3];
  } catch {
    return false;
  } finally {
    gl.bindTexture(gl.TEXTURE_2D, null);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.deleteTexture(tex);
    gl.deleteFramebuffer(fb);
  }
}

export function describeContext(
  gl: GL,
  version: WebGLVersion,
  subnormals: 'kept' | 'flushed',
  floatDownload: boolean,
  arithmeticUlp: 0 | 1,
): WebGLPrecision {
  const dbg = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(dbg ? gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  const f = gl.getShaderPrecisionFormat(gl.FRAGMENT_SHADER, gl.HIGH_FLOAT);
  const i = gl.getShaderPrecisionFormat(gl.FRAGMENT_SHADER, gl.HIGH_INT);
  const exts = gl.getSupportedExtensions() ?? [];
  const floatRenderTarget =
    version === 2 ? 'EXT_color_buffer_float' : exts.includes('WEBGL_color_buffer_float') ? 'WEBGL_color_buffer_float' : 'OES_texture_float (framebuffer complete)';
  return {
    webglVersion: version,
    renderer,
    textureFloatBits: 32,
    shaderFloatMantissaBits: f ? f.precision : 0,
    shaderIntBits: i ? i.rangeMax + 1 : 0,
    floatRenderTarget,
    floatDownload,
    subnormals,
    arithmeticUlp,
  };
}

/**
 * Watches for context loss. `check()` throws WebGLContextLostError once the
 * context is gone; `lost` resolves then (pending reads race against it, so
 * nothing waits forever on a fence that will never signal).
 */
export class ContextWatch {
  private isLost = false;
  private resolveLost!: () => void;
  readonly lost: Promise<void>;
  private readonly onLost = (ev: Event): void => {
    ev.preventDefault();
    this.markLost();
  };

  constructor(
    private readonly gl: GL,
    private readonly canvas: EventTarget | null,
  ) {
    this.lost = new Promise<void>((resolve) => (this.resolveLost = resolve));
    canvas?.addEventListener('webglcontextlost', this.onLost, false);
  }

  private markLost(): void {
    if (this.isLost) return;
    this.isLost = true;
    this.resolveLost();
  }

  /** True once the context is lost (event seen, or the context says so). */
  get contextLost(): boolean {
    if (!this.isLost && typeof this.gl.isContextLost === 'function' && this.gl.isContextLost()) this.markLost();
    return this.isLost;
  }

  check(op: string): void {
    if (this.contextLost) {
      throw new WebGLContextLostError(
        `webgl backend: ${op}: the WebGL context was lost (GPU reset, driver crash, or WEBGL_lose_context); every tensor ` +
          'on this backend is gone. Create a new backend and re-create the tensors (e.g. reload the model weights).',
      );
    }
  }

  dispose(): void {
    this.canvas?.removeEventListener('webglcontextlost', this.onLost, false);
  }
}
