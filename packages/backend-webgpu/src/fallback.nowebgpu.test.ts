// Chromium without the WebGPU flags has no adapter: creating the backend fails
// with the reason, and ready() falls back to the next imported backend.
import { expect, it } from 'vitest';
import '@polytensor/backend-ts';
import { getBackend, ready } from '@polytensor/core';
import { createWebGPUBackend, WebGPUUnavailableError } from './index.js';

it('no adapter: createWebGPUBackend says why; ready() falls back to the next backend (ts here)', async () => {
  const e = await createWebGPUBackend().catch((err: unknown) => err);
  expect(e).toBeInstanceOf(WebGPUUnavailableError);
  expect((e as Error).message).toMatch(/no adapter|no navigator\.gpu/);
  const b = await ready();
  expect(b.name).toBe('ts');
  expect(getBackend().name).toBe('ts');
});
