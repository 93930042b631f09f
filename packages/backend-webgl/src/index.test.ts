// Importing the package registers 'webgl' with core at priority 3 (above
// wasm's 2 and ts's 1): core's default backend wherever WebGL initialises.
import { afterAll, describe, expect, it } from 'vitest';
import { add, getBackend, matMul, ready, registeredBackends, removeBackend, setBackend, tensor, tidy } from '@polytensor/core';
import './index.js';
import type { WebGLBackend } from './index.js';

describe('@polytensor/backend-webgl', () => {
  afterAll(() => removeBackend('webgl')); // frees the instance core made (and its context)

  it('registers itself as core default backend and computes through core ops', async () => {
    expect(registeredBackends()).toContain('webgl');
    await ready();
    await setBackend('webgl');
    const b = getBackend();
    expect(b.name).toBe('webgl');
    const out = tidy(() => {
      const a = tensor([1, 2, 3, 4], [2, 2]);
      return add(matMul(a, a), tensor([0.5, -0.5], [2]));
    });
    expect(Array.from(out.dataSync())).toEqual([7.5, 9.5, 15.5, 21.5]);
    out.dispose();
  });

  it('default context: WebGL 2 where the browser has it (headless-gl WebGL 1 in Node)', async () => {
    await setBackend('webgl');
    const b = getBackend() as unknown as WebGLBackend;
    const expected = typeof window === 'undefined' ? 1 : 2;
    expect(b.webglVersion).toBe(expected);
  });
});
