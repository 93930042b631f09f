/**
 * The errors this backend throws on purpose. Each says what happened and what
 * to do about it; all extend `WebGLBackendError` so callers can catch them as
 * a family.
 */
export class WebGLBackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** No WebGL context could be made (no browser canvas, no display for headless-gl, WebGL disabled). */
export class WebGLUnavailableError extends WebGLBackendError {}

/**
 * The context exists but cannot hold float32 tensors: no float textures, only
 * half-float (16-bit) render targets, or no highp float in fragment shaders.
 * polytensor's numerics assume IEEE float32, so the backend refuses rather than
 * silently computing in half precision.
 */
export class WebGLPrecisionError extends WebGLBackendError {}

/**
 * The GPU context was lost (driver reset, tab in the background too long,
 * `WEBGL_lose_context`). Every buffer on the GPU is gone; the backend cannot
 * continue. Create a new backend (and re-upload the model's weights).
 */
export class WebGLContextLostError extends WebGLBackendError {}
