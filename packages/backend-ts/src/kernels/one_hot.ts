/** [...indices.shape, depth] float32: onValue at each in-range index, offValue everywhere else. */
export function oneHot(indices: Int32Array, depth: number, onValue: number, offValue: number): Float32Array {
  const out = new Float32Array(indices.length * depth);
  if (!Object.is(offValue, 0)) out.fill(offValue);
  for (let i = 0; i < indices.length; i++) {
    const idx = indices[i]!;
    if (idx >= 0 && idx < depth) out[i * depth + idx] = onValue;
  }
  return out;
}
