// The 1-D Winograd (modified Toom–Cook) matrices of F(m, 3) for m + 1 finite
// interpolation points and the point at infinity, so that a correlation of d
// (length m + 2) with g (length 3) is y = Aᵀ[(G g) ⊙ (Bᵀ d)]:
//   Aᵀ[i][j] = p_j^i,  Aᵀ[i][∞] = [i = m − 1]
//   G[j][k]  = p_j^k / Π_{l≠j}(p_j − p_l),  G[∞][k] = [k = 2]
//   Bᵀ[j][·] = coefficients of Π_{l≠j}(x − p_l),  Bᵀ[∞][·] = those of Π_l(x − p_l)
// (Bᵀ is the transposed interpolation matrix, its normalisation moved into G,
// which this package applies in double.) Used by gen-winograd-simd.mjs and by
// winograd-error.mjs; `check` verifies the identity numerically.

/** Coefficients (lowest degree first) of Π (x − r) over `roots`. */
function monic(roots) {
  let c = [1];
  for (const r of roots) {
    const next = new Array(c.length + 1).fill(0);
    for (let i = 0; i < c.length; i++) {
      next[i + 1] += c[i];
      next[i] -= r * c[i];
    }
    c = next;
  }
  return c;
}

/** { AT (m × α), G (α × 3), BT (α × α) } for finite `points` (m + 1 of them) and ∞, α = m + 2. */
export function winogradMatrices(points) {
  const m = points.length - 1;
  const alpha = m + 2;
  const AT = Array.from({ length: m }, (_, i) => [...points.map((p) => p ** i), i === m - 1 ? 1 : 0]);
  const G = points.map((p, j) => {
    const norm = points.reduce((acc, q, l) => (l === j ? acc : acc * (p - q)), 1);
    return [1, p, p * p].map((v) => v / norm);
  });
  G.push([0, 0, 1]);
  const BT = points.map((_, j) => monic(points.filter((_, l) => l !== j)).concat([0]));
  BT.push(monic(points));
  for (const row of BT) if (row.length !== alpha) throw new Error('BT row length');
  check({ AT, G, BT });
  return { AT, G, BT };
}

/** Throws unless Aᵀ[(G g) ⊙ (Bᵀ d)] is the correlation of d with g for unit g and d. */
function check({ AT, G, BT }) {
  const m = AT.length;
  const alpha = BT.length;
  for (let k = 0; k < 3; k++)
    for (let l = 0; l < alpha; l++)
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let j = 0; j < alpha; j++) s += AT[i][j] * G[j][k] * BT[j][l];
        const want = l === i + k ? 1 : 0;
        if (Math.abs(s - want) > 1e-9) throw new Error(`Winograd identity fails at i=${i} k=${k} l=${l}: ${s}`);
      }
}
