import { getBackend, registerBackend, removeBackend, setBackend } from '@polytensor/core';
import { createWebGPUBackend, type WebGPUBackend } from './backend.js';
import type { WebGPUBackendOptions } from './device.js';

/**
 * After the device was lost: drop the dead `webgpu` backend and make it again
 * on a fresh device, as the active backend. Tensors of the old backend are
 * gone (re-create them, e.g. load the model's weights again).
 * @example
 * if ((getBackend() as WebGPUBackend).deviceLost) await restoreWebGPUBackend();
 */
export async function restoreWebGPUBackend(options: WebGPUBackendOptions = {}, priority = 4): Promise<WebGPUBackend> {
  removeBackend('webgpu');
  registerBackend('webgpu', () => createWebGPUBackend(options), priority);
  await setBackend('webgpu');
  return getBackend() as WebGPUBackend;
}
