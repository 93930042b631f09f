import { inject } from 'vitest';
import { createWebGLBackend, type WebGLBackend } from './index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The WebGL version this test project forces (chromium-webgl2: 2; chromium-webgl1 and node: 1). */
    webglVersion: 1 | 2;
  }
}

/** The WebGL version of the current test project. */
export function projectWebGLVersion(): 1 | 2 {
  return inject('webglVersion');
}

/** A backend on the project's WebGL version (headless-gl in Node). */
export function newBackend(): Promise<WebGLBackend> {
  return createWebGLBackend({ webglVersion: projectWebGLVersion() });
}

/**
 * Call `seen` with the class name of every program `gl` runs, through tfjs's
 * runWebGLProgram or this package's own dispatch (dispatch.ts); returns the undo.
 */
export function watchPrograms(gl: WebGLBackend, seen: (program: string) => void): () => void {
  const tf = gl.store.tf;
  const run = tf.runWebGLProgram.bind(tf);
  tf.runWebGLProgram = ((p: { constructor: { name: string } }, ...rest: unknown[]) => {
    seen(p.constructor.name);
    return (run as (...a: unknown[]) => unknown)(p, ...rest);
  }) as typeof tf.runWebGLProgram;
  gl.store.dispatch.observer = seen;
  return () => {
    tf.runWebGLProgram = run;
    gl.store.dispatch.observer = null;
  };
}

// the seed models (EXPERIMENTS.md E1 and E3) and a learnable stand-in for MNIST
export { bars, seedCnn, seedMlp } from '../../../tools/vitest/seed_models.js';
