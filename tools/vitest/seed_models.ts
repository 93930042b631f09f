// Test data for the backends' training tests: the seed models come from
// @polytensor/models (one definition everywhere); `bars` is a learnable
// stand-in for MNIST, so tests download nothing.
export { seedCnn, seedMlp } from '@polytensor/models';

/**
 * n 28×28 images: image i shows class `classOf(i)` (default i mod 10) as a
 * bright horizontal bar at rows 2k+3..2k+4 over faint deterministic noise.
 */
export function bars(n: number, classOf: (i: number) => number = (i) => i % 10, seed = 12345): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  let s = seed;
  const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  for (let i = 0; i < n; i++) {
    const k = classOf(i);
    y[i] = k;
    for (let p = 0; p < 784; p++) x[i * 784 + p] = 0.1 * rnd();
    for (const row of [2 * k + 3, 2 * k + 4]) for (let c = 4; c < 24; c++) x[i * 784 + row * 28 + c] = 1;
  }
  return { x, y };
}
