/**
 * C += A·B for strided float32 operands, accumulating in float64.
 *
 *   A[i, k] = a[aOff + i·aRs + k·aCs]   (i < m, k < k)
 *   B[k, j] = b[bOff + k·bRs + j·bCs]   (k < k, j < n)
 *   C[i, j] = c[cOff + i·n + j]         (row-major, contiguous)
 *
 * Strides express transposes without copies. The core is a 4×4 register tile
 * (16 scalar accumulators, dot-product form, so each loaded value is used four
 * times) inside cache blocks of KB×NB of B. Partial sums stay in doubles, so
 * the only float32 rounding is the caller's final store: far inside the γ_n bound.
 */
export function gemm(
  m: number,
  n: number,
  kk: number,
  a: Float32Array,
  aOff: number,
  aRs: number,
  aCs: number,
  b: Float32Array,
  bOff: number,
  bRs: number,
  bCs: number,
  c: Float64Array,
  cOff: number,
): void {
  const KB = 256;
  const NB = 64;
  for (let j0 = 0; j0 < n; j0 += NB) {
    const j1 = Math.min(n, j0 + NB);
    for (let k0 = 0; k0 < kk; k0 += KB) {
      const k1 = Math.min(kk, k0 + KB);
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        let j = j0;
        for (; j + 4 <= j1; j += 4) {
          let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
          let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
          let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
          let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
          let pa = aOff + i * aRs + k0 * aCs;
          let pb = bOff + k0 * bRs + j * bCs;
          for (let k = k0; k < k1; k++) {
            const a0 = a[pa]!, a1 = a[pa + aRs]!, a2 = a[pa + 2 * aRs]!, a3 = a[pa + 3 * aRs]!;
            const b0 = b[pb]!, b1 = b[pb + bCs]!, b2 = b[pb + 2 * bCs]!, b3 = b[pb + 3 * bCs]!;
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            pa += aCs;
            pb += bRs;
          }
          let pc = cOff + i * n + j;
          c[pc] += c00; c[pc + 1] += c01; c[pc + 2] += c02; c[pc + 3] += c03;
          pc += n;
          c[pc] += c10; c[pc + 1] += c11; c[pc + 2] += c12; c[pc + 3] += c13;
          pc += n;
          c[pc] += c20; c[pc + 1] += c21; c[pc + 2] += c22; c[pc + 3] += c23;
          pc += n;
          c[pc] += c30; c[pc + 1] += c31; c[pc + 2] += c32; c[pc + 3] += c33;
        }
        if (j < j1) dots(i, i + 4, j, j1, k0, k1, n, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff);
      }
      if (i < m) dots(i, m, j0, j1, k0, k1, n, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff);
    }
  }
}

/** Plain dot products for the ragged edges the 4×4 tile does not cover. */
function dots(
  i0: number, i1: number, j0: number, j1: number, k0: number, k1: number, n: number,
  a: Float32Array, aOff: number, aRs: number, aCs: number,
  b: Float32Array, bOff: number, bRs: number, bCs: number,
  c: Float64Array, cOff: number,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s = 0;
      let pa = aOff + i * aRs + k0 * aCs;
      let pb = bOff + k0 * bRs + j * bCs;
      for (let k = k0; k < k1; k++) {
        s += a[pa]! * b[pb]!;
        pa += aCs;
        pb += bRs;
      }
      c[cOff + i * n + j] += s;
    }
  }
}
