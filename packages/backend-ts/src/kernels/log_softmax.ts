/** log-softmax over the last axis: x − rowMax − log Σ exp(x − rowMax), in double. */
export function logSoftmax(x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(x.length);
  if (n === 0) return out;
  for (let base = 0; base < x.length; base += n) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, x[base + j]!);
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(x[base + j]! - m);
    const lse = Math.log(s);
    for (let j = 0; j < n; j++) out[base + j] = x[base + j]! - m - lse;
  }
  return out;
}
