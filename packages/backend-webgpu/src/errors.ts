import { PolytensorError } from '@polytensor/core';

/**
 * The errors this backend throws on purpose. Each says what happened and what
 * to do about it; all extend `WebGPUBackendError` (a `PolytensorError`) so
 * callers can catch them as a family.
 */
export class WebGPUBackendError extends PolytensorError {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * No WebGPU here: no `navigator.gpu` (Node, an older browser, an insecure
 * http:// page, WebGPU switched off), no adapter (blocklisted GPU, no
 * driver), or the adapter refused a device. The message names which.
 */
export class WebGPUUnavailableError extends WebGPUBackendError {}

/**
 * The GPU device was lost (driver reset, GPU process crash, `device.destroy()`).
 * Every buffer on it is gone: create a new backend (`createWebGPUBackend()`,
 * or `setBackend('webgpu')` again after `removeBackend`/re-register) and
 * re-upload the model's weights.
 */
export class WebGPUDeviceLostError extends WebGPUBackendError {}
