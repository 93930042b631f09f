import type { FusedActivation } from '@polytensor/core';
import { expect, inject } from 'vitest';
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

/** The float64 activations a fused program's outputs are checked against (relu passes NaN on). */
export const ACTIVATIONS: Record<FusedActivation, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => (Number.isNaN(v) ? v : v > 0 ? v : 0),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  tanh: Math.tanh,
};

/**
 * Checks a fused program's outputs `got` against `act` of a float64 pre-activation
 * `ref` (values, |terms| sums and the term count of each output's sum): the
 * activations are 1-Lipschitz, so the sum's γₙ bound carries over, plus a few ULP
 * of the activation's own rounding; relu of a negative is +0 (the unary kernel's,
 * where tfjs's fused relu gives −0); the pre-activations must take both signs.
 */
/** γₙ = nu/(1 − nu) for float32's unit roundoff u = 2⁻²⁴: the error bound of an n-term float32 sum. */
const gammaOf = (n: number): number => (n * 2 ** -24) / (1 - n * 2 ** -24);

/** Every finite output within γₙ·Σ|t| of the float64 `ref` (the conformance bound); non-finite ones exactly. */
export function expectNearReference(
  ref: { value: ArrayLike<number>; magnitude: ArrayLike<number>; terms: number },
  got: ArrayLike<number>,
  what: string,
): void {
  const gamma = gammaOf(ref.terms);
  expect(got.length, what).toBe(ref.value.length);
  for (let k = 0; k < ref.value.length; k++) {
    const want = ref.value[k]!;
    if (!Number.isFinite(want)) {
      if (!Object.is(got[k]!, want)) expect.fail(`${what}: element ${k}: got ${got[k]}, float64 ${want}`);
      continue;
    }
    if (!(Math.abs(got[k]! - want) <= gamma * ref.magnitude[k]! + 2 ** -126)) {
      expect.fail(`${what}: element ${k}: got ${got[k]}, float64 ${want} (bound ${gamma * ref.magnitude[k]!})`);
    }
  }
}

export function expectActivatedNear(
  act: FusedActivation,
  ref: { value: ArrayLike<number>; magnitude: ArrayLike<number>; terms: number },
  got: ArrayLike<number>,
): void {
  const gamma = gammaOf(ref.terms);
  let negatives = 0;
  for (let k = 0; k < got.length; k++) {
    const z = ref.value[k]!;
    if (z < 0) negatives++;
    const want = ACTIVATIONS[act](z);
    const tol = gamma * ref.magnitude[k]! + 8 * 2 ** -23 * Math.max(Math.abs(want), 2 ** -100);
    if (!(Math.abs(got[k]! - want) <= tol)) expect.fail(`${act}: element ${k}: got ${got[k]}, float64 ${want} (pre-activation ${z})`);
    if (act === 'relu' && z < 0) expect(Object.is(got[k], 0), `relu of ${z} is +0`).toBe(true);
  }
  expect(negatives).toBeGreaterThan(0);
}

// the seed models (EXPERIMENTS.md E1 and E3) and a learnable stand-in for MNIST
export { bars, seedCnn, seedMlp } from '../../../tools/vitest/seed_models.js';
