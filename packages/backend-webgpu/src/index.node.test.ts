// In Node there is no navigator.gpu (no WebGPU binding is installed): a clear
// error that says so and names the backends that run in Node.
import { expect, it } from 'vitest';
import { createWebGPUBackend, WebGPUUnavailableError } from './index.js';

it('Node: WebGPUUnavailableError naming Node and the wasm backend', async () => {
  const e = await createWebGPUBackend().catch((err: unknown) => err);
  expect(e).toBeInstanceOf(WebGPUUnavailableError);
  expect((e as Error).message).toMatch(/no navigator\.gpu in Node.*backend-wasm/);
});
