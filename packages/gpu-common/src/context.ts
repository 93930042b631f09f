/**
 * Making and checking a WebGL context for computing in float32: what both
 * WebGL backends need before their first shader. The functions report facts
 * (a context, or why there is none; a problem string, or null); each backend
 * turns them into its own errors, with its own advice.
 */

export type WebGLVersion = 1 | 2;
export type GL = WebGLRenderingContext | WebGL2RenderingContext;
export type AnyCanvas = HTMLCanvasElement | OffscreenCanvas;

/** Attributes of a context that only renders into float textures (the default framebuffer is never read). */
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

/** True in Node (not a browser page, where `window` exists). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return !!p?.versions?.node && typeof (globalThis as { window?: unknown }).window === 'undefined';
}

/** A fresh 1×1 canvas: an OffscreenCanvas where one exists (workers too), else a `<canvas>`; null where neither does. */
export function newCanvas(): AnyCanvas | null {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(1, 1);
  if (typeof document !== 'undefined') return document.createElement('canvas');
  return null;
}

export function isWebGL2(gl: GL): gl is WebGL2RenderingContext {
  return typeof WebGL2RenderingContext !== 'undefined' && gl instanceof WebGL2RenderingContext;
}

/** The version of `gl`: `requested` if given, else 2 for a WebGL2RenderingContext, 1 otherwise (headless-gl). */
export function versionOf(gl: GL, requested?: WebGLVersion): WebGLVersion {
  return requested ?? (isWebGL2(gl) ? 2 : 1);
}

function contextOf(canvas: AnyCanvas, version: WebGLVersion): GL | null {
  const c = canvas as HTMLCanvasElement;
  if (version === 2) return c.getContext('webgl2', CONTEXT_ATTRIBUTES);
  return c.getContext('webgl', CONTEXT_ATTRIBUTES) ?? (c.getContext('experimental-webgl', CONTEXT_ATTRIBUTES) as WebGLRenderingContext | null);
}

export interface MadeContext {
  readonly gl: GL;
  readonly version: WebGLVersion;
  readonly canvas: AnyCanvas | null;
}

/** No context: why, per version tried ('WebGL 2: getContext returned null'), and whether there was no canvas at all. */
export interface NoContext {
  readonly problems: readonly string[];
  readonly noCanvas: boolean;
}

/**
 * A browser context of `version`, or (none asked for) WebGL 2 falling back to
 * WebGL 1: a WebGL 2 context without float32 render targets is dropped for
 * WebGL 1, which may still have them through OES_texture_float. A context of
 * an asked-for version is returned as is: check it with `floatSupportProblem`.
 */
export function browserContext(version?: WebGLVersion, canvas?: AnyCanvas): MadeContext | NoContext {
  const versions: WebGLVersion[] = version ? [version] : [2, 1];
  const problems: string[] = [];
  for (const v of versions) {
    const c = canvas ?? newCanvas();
    if (!c) return { problems: ['no canvas in this environment (no OffscreenCanvas, no document)'], noCanvas: true };
    const gl = contextOf(c, v);
    if (!gl) {
      problems.push(`WebGL ${v}: getContext returned null`);
      continue;
    }
    const missing = version ? null : floatSupportProblem(gl, v);
    if (missing && v === 2) {
      problems.push(`WebGL 2: ${missing}`);
      loseContext(gl);
      continue;
    }
    return { gl, version: v, canvas: c };
  }
  return { problems, noCanvas: false };
}

/** What a backend says when `browserContext` finds no context. */
export interface NoContextMessages {
  /** The environment has no canvas at all. */
  readonly noCanvas: string;
  /** Contexts were tried and refused; `problems` lists why, per version. */
  readonly noWebGL: (problems: string) => string;
}

/** `browserContext`, or the error `fail` makes from the backend's message for what went wrong. */
export function requireBrowserContext(
  version: WebGLVersion | undefined,
  canvas: AnyCanvas | undefined,
  messages: NoContextMessages,
  fail: (message: string) => Error,
): MadeContext {
  const made = browserContext(version, canvas);
  if ('gl' in made) return made;
  throw fail(made.noCanvas ? messages.noCanvas : messages.noWebGL(made.problems.join('; ')));
}

/** Can a float32 RGBA texture be a render target? (the test tfjs, gpu.js and every GPGPU library make) */
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

/**
 * Why this context cannot hold float32 tensors, or null if it can: float
 * textures that can be render targets (WebGL 2: EXT_color_buffer_float;
 * WebGL 1: OES_texture_float, enabling WEBGL_color_buffer_float where
 * offered), and IEEE float32 in fragment shaders (highp mantissa ≥ 23 bits).
 * Half-float-only devices are named as such. Enables the extensions it finds.
 */
export function floatSupportProblem(gl: GL, version: WebGLVersion): string | null {
  const has = (name: string): boolean => (gl.getSupportedExtensions() ?? []).includes(name) && gl.getExtension(name) != null;
  if (version === 2) {
    if (!has('EXT_color_buffer_float')) {
      return has('EXT_color_buffer_half_float')
        ? 'only half-float render targets (EXT_color_buffer_half_float, no EXT_color_buffer_float)'
        : 'no float render targets (no EXT_color_buffer_float)';
    }
  } else if (!has('OES_texture_float')) {
    return has('OES_texture_half_float')
      ? 'only half-float textures (OES_texture_half_float, no OES_texture_float)'
      : 'no float textures (no OES_texture_float)';
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

/** The renderer: the unmasked string where the browser exposes it (e.g. SwiftShader), else RENDERER. */
export function rendererOf(gl: GL): string {
  try {
    const dbg = gl.getExtension('WEBGL_debug_renderer_info');
    return String(dbg ? gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  } catch {
    return 'unknown';
  }
}

/**
 * Release a context now rather than at garbage collection: headless-gl's
 * STACKGL_destroy_context, else WEBGL_lose_context. Best effort.
 */
export function loseContext(gl: GL): void {
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

/** headless-gl's factory, the default export of the `gl` package. */
export type CreateHeadlessGL = (width: number, height: number, attributes?: WebGLContextAttributes) => WebGLRenderingContext | null;

/**
 * A 1×1 headless-gl context (WebGL 1 on Mesa) from the `gl` package's factory,
 * with its array-uniform lookup fixed (`patchUniformArrays`); null when
 * headless-gl cannot make one (it needs an X display). Loading the optional
 * package is the caller's: each backend says in its own words how to install it.
 */
export function headlessGLContext(createGL: CreateHeadlessGL): WebGLRenderingContext | null {
  const gl = createGL(1, 1, CONTEXT_ATTRIBUTES);
  if (gl) patchUniformArrays(gl);
  return gl;
}

/**
 * headless-gl (8.1.6) finds an array uniform only by `name[0]`: for the plain
 * `name` that WebGL allows (and tfjs uses) it returns null, so every array
 * uniform (shapes, strides, small tensors passed as uniforms) is never set and
 * reads as zero. Retry with `name[0]`, whose location sets the whole array.
 */
export function patchUniformArrays(gl: GL): void {
  const original = gl.getUniformLocation.bind(gl);
  gl.getUniformLocation = (program: WebGLProgram, name: string): WebGLUniformLocation | null =>
    original(program, name) ?? (name.endsWith(']') ? null : original(program, `${name}[0]`));
}
