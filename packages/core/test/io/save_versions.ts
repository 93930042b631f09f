/** The weights of version k of the kill-test model (Dense 256 → 128): distinct per version, exact in float32. */
export function versionWeights(k: number): Float32Array[] {
  const kernel = new Float32Array(256 * 128).map((_, i) => k * 0.5 + (i % 1024) / 1024);
  const bias = new Float32Array(128).map((_, i) => -k - i / 128);
  return [kernel, bias];
}
