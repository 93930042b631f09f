import { floatSupportProblem, rendererOf, requireBrowserContext, type GL, type MadeContext, type WebGLVersion } from '@polytensor/gpu-common';
import { WebGLContextLostError, WebGLPrecisionError, WebGLUnavailableError } from './errors.js';

export type { GL, MadeContext, WebGLVersion };

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
  /**
   * Where kernel philoxUniform (randomUniform's float32 draws, dropout masks)
   * runs: 'gpu', a fragment program (WebGL 2 only; no upload), or 'host',
   * core's host draw handed to the GPU on first use. Default: 'gpu' on WebGL 2
   * with a hardware renderer, 'host' on WebGL 1 and on software renderers
   * such as SwiftShader, where the host draw is faster. Same values either way.
   */
  random?: WebGLRandomRoute;
}

/** Where kernel philoxUniform draws: a fragment program, or the host (see `WebGLBackendOptions.random`). */
export type WebGLRandomRoute = 'gpu' | 'host';

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

/**
 * A browser context (gpu-common's `browserContext`: the asked-for version, or
 * WebGL 2 falling back to WebGL 1), or WebGLUnavailableError saying why not.
 */
export function makeBrowserContext(options: WebGLBackendOptions): MadeContext {
  return requireBrowserContext(
    options.webglVersion,
    options.canvas,
    {
      noCanvas:
        'webgl backend: no canvas in this environment (no OffscreenCanvas, no document). In Node, pass a headless-gl ' +
        "context (`createWebGLBackend({ gl })`), or use `createWebGLBackend()` with the optional 'gl' package installed and a display (xvfb-run).",
      noWebGL: (problems) =>
        `webgl backend: could not create a WebGL context (${problems}). ` +
        'Is WebGL enabled? Headless Chromium needs a GPU or SwiftShader (--use-angle=swiftshader --enable-unsafe-swiftshader).',
    },
    (message) => new WebGLUnavailableError(message),
  );
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

export function describeContext(gl: GL, version: WebGLVersion, subnormals: 'kept' | 'flushed', floatDownload: boolean, arithmeticUlp: 0 | 1): WebGLPrecision {
  const renderer = rendererOf(gl);
  const f = gl.getShaderPrecisionFormat(gl.FRAGMENT_SHADER, gl.HIGH_FLOAT);
  const i = gl.getShaderPrecisionFormat(gl.FRAGMENT_SHADER, gl.HIGH_INT);
  const exts = gl.getSupportedExtensions() ?? [];
  const floatRenderTarget =
    version === 2
      ? 'EXT_color_buffer_float'
      : exts.includes('WEBGL_color_buffer_float')
        ? 'WEBGL_color_buffer_float'
        : 'OES_texture_float (framebuffer complete)';
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
