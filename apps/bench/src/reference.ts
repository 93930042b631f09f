/**
 * Float64 reference kernels in plain loops, written for the workloads' sizes
 * (loop orders keep the innermost loop contiguous). Each accumulation can also
 * return Σ|terms| per output element, which the gate's γ_n bound needs.
 * Independent of every backend and of both libraries.
 */

export interface Accumulated {
  out: Float64Array;
  /** Σ|terms| per element (null when not requested). */
  absSum: Float64Array | null;
  /** The largest number of terms summed into one element. */
  n: number;
}

/** C = A·B with A [M, K], B [K, N] (row-major). */
export function matMul(a: ArrayLike<number>, b: ArrayLike<number>, M: number, K: number, N: number, withAbs = true): Accumulated {
  const out = new Float64Array(M * N);
  const abs = withAbs ? new Float64Array(M * N) : null;
  const brow = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    const o = i * N;
    for (let k = 0; k < K; k++) {
      const aik = a[i * K + k]!;
      if (aik === 0) continue;
      const bo = k * N;
      for (let j = 0; j < N; j++) brow[j] = b[bo + j]!;
      for (let j = 0; j < N; j++) out[o + j] += aik * brow[j]!;
      if (abs) {
        const aa = Math.abs(aik);
        for (let j = 0; j < N; j++) abs[o + j] += aa * Math.abs(brow[j]!);
      }
    }
  }
  return { out, absSum: abs, n: K };
}

/** Geometry of a stride-1, SAME-padded convolution (odd filter sizes), NHWC input, HWIO filter. */
export interface ConvGeom {
  B: number;
  H: number;
  W: number;
  C: number;
  /** Output channels. */
  O: number;
  F: number;
}

const pad = (g: ConvGeom): number => (g.F - 1) >> 1;

/** y[b,i,j,o] = Σ_{fy,fx,c} x[b, i+fy-p, j+fx-p, c] · w[fy,fx,c,o]. */
export function conv2d(x: ArrayLike<number>, w: ArrayLike<number>, g: ConvGeom, withAbs = true): Accumulated {
  const { B, H, W, C, O, F } = g;
  const p = pad(g);
  const out = new Float64Array(B * H * W * O);
  const abs = withAbs ? new Float64Array(out.length) : null;
  const w64 = Float64Array.from(w);
  const wAbs = withAbs ? w64.map(Math.abs) : null;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        const o0 = ((b * H + i) * W + j) * O;
        for (let fy = 0; fy < F; fy++) {
          const yi = i + fy - p;
          if (yi < 0 || yi >= H) continue;
          for (let fx = 0; fx < F; fx++) {
            const xj = j + fx - p;
            if (xj < 0 || xj >= W) continue;
            const x0 = ((b * H + yi) * W + xj) * C;
            for (let c = 0; c < C; c++) {
              const xv = x[x0 + c]!;
              if (xv === 0) continue;
              const w0 = ((fy * F + fx) * C + c) * O;
              for (let o = 0; o < O; o++) out[o0 + o] += xv * w64[w0 + o]!;
              if (abs && wAbs) {
                const xa = Math.abs(xv);
                for (let o = 0; o < O; o++) abs[o0 + o] += xa * wAbs[w0 + o]!;
              }
            }
          }
        }
      }
    }
  }
  return { out, absSum: abs, n: F * F * C };
}

/** dx[b,yi,xj,c] = Σ_{fy,fx,o} dy[b, yi-fy+p, xj-fx+p, o] · w[fy,fx,c,o]. */
export function conv2dBackpropInput(dy: ArrayLike<number>, w: ArrayLike<number>, g: ConvGeom, withAbs = true): Accumulated {
  const { B, H, W, C, O, F } = g;
  const p = pad(g);
  const out = new Float64Array(B * H * W * C);
  const abs = withAbs ? new Float64Array(out.length) : null;
  const w64 = Float64Array.from(w);
  const dyRow = new Float64Array(O);
  const dyAbs = new Float64Array(O);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        const d0 = ((b * H + i) * W + j) * O;
        for (let o = 0; o < O; o++) {
          dyRow[o] = dy[d0 + o]!;
          dyAbs[o] = Math.abs(dyRow[o]!);
        }
        for (let fy = 0; fy < F; fy++) {
          const yi = i + fy - p;
          if (yi < 0 || yi >= H) continue;
          for (let fx = 0; fx < F; fx++) {
            const xj = j + fx - p;
            if (xj < 0 || xj >= W) continue;
            const x0 = ((b * H + yi) * W + xj) * C;
            for (let c = 0; c < C; c++) {
              const w0 = ((fy * F + fx) * C + c) * O;
              let s = 0;
              for (let o = 0; o < O; o++) s += dyRow[o]! * w64[w0 + o]!;
              out[x0 + c] += s;
              if (abs) {
                let sa = 0;
                for (let o = 0; o < O; o++) sa += dyAbs[o]! * Math.abs(w64[w0 + o]!);
                abs[x0 + c] += sa;
              }
            }
          }
        }
      }
    }
  }
  return { out, absSum: abs, n: F * F * O };
}

/** dw[fy,fx,c,o] = Σ_{b,i,j} x[b, i+fy-p, j+fx-p, c] · dy[b,i,j,o]. */
export function conv2dBackpropFilter(x: ArrayLike<number>, dy: ArrayLike<number>, g: ConvGeom, withAbs = true): Accumulated {
  const { B, H, W, C, O, F } = g;
  const p = pad(g);
  const out = new Float64Array(F * F * C * O);
  const abs = withAbs ? new Float64Array(out.length) : null;
  const dyRow = new Float64Array(O);
  const dyAbs = new Float64Array(O);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        const d0 = ((b * H + i) * W + j) * O;
        for (let o = 0; o < O; o++) {
          dyRow[o] = dy[d0 + o]!;
          dyAbs[o] = Math.abs(dyRow[o]!);
        }
        for (let fy = 0; fy < F; fy++) {
          const yi = i + fy - p;
          if (yi < 0 || yi >= H) continue;
          for (let fx = 0; fx < F; fx++) {
            const xj = j + fx - p;
            if (xj < 0 || xj >= W) continue;
            const x0 = ((b * H + yi) * W + xj) * C;
            for (let c = 0; c < C; c++) {
              const xv = x[x0 + c]!;
              if (xv === 0) continue;
              const w0 = ((fy * F + fx) * C + c) * O;
              for (let o = 0; o < O; o++) out[w0 + o] += xv * dyRow[o]!;
              if (abs) {
                const xa = Math.abs(xv);
                for (let o = 0; o < O; o++) abs[w0 + o] += xa * dyAbs[o]!;
              }
            }
          }
        }
      }
    }
  }
  return { out, absSum: abs, n: B * H * W };
}

/** Row sums of x [rows, n] (last axis), with Σ|x|. */
export function sumLastAxis(x: ArrayLike<number>, rows: number, n: number): Accumulated {
  const out = new Float64Array(rows);
  const abs = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    let a = 0;
    for (let j = 0; j < n; j++) {
      const v = x[r * n + j]!;
      s += v;
      a += Math.abs(v);
    }
    out[r] = s;
    abs[r] = a;
  }
  return { out, absSum: abs, n };
}

export function add(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + b[i]!;
  return out;
}

export function exp(a: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.exp(a[i]!);
  return out;
}
