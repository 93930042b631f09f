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
      for (let j = 0; j < N; j++) out[o + j]! += aik * brow[j]!;
      if (abs) {
        const aa = Math.abs(aik);
        for (let j = 0; j < N; j++) abs[o + j]! += aa * Math.abs(brow[j]!);
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

/**
 * Visits every tap of a stride-1, SAME-padded convolution that lands inside
 * the image: for output pixel (b, i, j) and filter position (fy, fx), the
 * offsets of the input pixel (× C), the output pixel (× O) and the filter
 * position (× C·O). The three convolution kernels differ only in what they
 * accumulate at a tap.
 */
function forEachTap(g: ConvGeom, tap: (x0: number, y0: number, w0: number) => void): void {
  const { B, H, W, C, O, F } = g;
  const p = (F - 1) >> 1;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        const y0 = ((b * H + i) * W + j) * O;
        for (let fy = 0; fy < F; fy++) {
          const yi = i + fy - p;
          if (yi < 0 || yi >= H) continue;
          for (let fx = 0; fx < F; fx++) {
            const xj = j + fx - p;
            if (xj < 0 || xj >= W) continue;
            tap(((b * H + yi) * W + xj) * C, y0, (fy * F + fx) * C * O);
          }
        }
      }
    }
  }
}

/** y[b,i,j,o] = Σ_{fy,fx,c} x[b, i+fy-p, j+fx-p, c] · w[fy,fx,c,o]. */
export function conv2d(x: ArrayLike<number>, w: ArrayLike<number>, g: ConvGeom, withAbs = true): Accumulated {
  const { C, O } = g;
  const out = new Float64Array(g.B * g.H * g.W * O);
  const abs = withAbs ? new Float64Array(out.length) : null;
  const w64 = Float64Array.from(w);
  const wAbs = withAbs ? w64.map(Math.abs) : null;
  forEachTap(g, (x0, y0, w0) => {
    for (let c = 0; c < C; c++) {
      const xv = x[x0 + c]!;
      if (xv === 0) continue;
      const wc = w0 + c * O;
      for (let o = 0; o < O; o++) out[y0 + o]! += xv * w64[wc + o]!;
      if (abs && wAbs) {
        const xa = Math.abs(xv);
        for (let o = 0; o < O; o++) abs[y0 + o]! += xa * wAbs[wc + o]!;
      }
    }
  });
  return { out, absSum: abs, n: g.F * g.F * C };
}

/** dx[b,yi,xj,c] = Σ_{fy,fx,o} dy[b, yi-fy+p, xj-fx+p, o] · w[fy,fx,c,o]. */
export function conv2dBackpropInput(dy: ArrayLike<number>, w: ArrayLike<number>, g: ConvGeom, withAbs = true): Accumulated {
  const { C, O } = g;
  const out = new Float64Array(g.B * g.H * g.W * C);
  const abs = withAbs ? new Float64Array(out.length) : null;
  const w64 = Float64Array.from(w);
  const dy64 = Float64Array.from(dy);
  const dyAbs = withAbs ? dy64.map(Math.abs) : null;
  forEachTap(g, (x0, y0, w0) => {
    for (let c = 0; c < C; c++) {
      const wc = w0 + c * O;
      let s = 0;
      for (let o = 0; o < O; o++) s += dy64[y0 + o]! * w64[wc + o]!;
      out[x0 + c]! += s;
      if (abs && dyAbs) {
        let sa = 0;
        for (let o = 0; o < O; o++) sa += dyAbs[y0 + o]! * Math.abs(w64[wc + o]!);
        abs[x0 + c]! += sa;
      }
    }
  });
  return { out, absSum: abs, n: g.F * g.F * O };
}

/** dw[fy,fx,c,o] = Σ_{b,i,j} x[b, i+fy-p, j+fx-p, c] · dy[b,i,j,o]. */
export function conv2dBackpropFilter(x: ArrayLike<number>, dy: ArrayLike<number>, g: ConvGeom, withAbs = true): Accumulated {
  const { C, O } = g;
  const out = new Float64Array(g.F * g.F * C * O);
  const abs = withAbs ? new Float64Array(out.length) : null;
  const dy64 = Float64Array.from(dy);
  const dyAbs = withAbs ? dy64.map(Math.abs) : null;
  forEachTap(g, (x0, y0, w0) => {
    for (let c = 0; c < C; c++) {
      const xv = x[x0 + c]!;
      if (xv === 0) continue;
      const wc = w0 + c * O;
      for (let o = 0; o < O; o++) out[wc + o]! += xv * dy64[y0 + o]!;
      if (abs && dyAbs) {
        const xa = Math.abs(xv);
        for (let o = 0; o < O; o++) abs[wc + o]! += xa * dyAbs[y0 + o]!;
      }
    }
  });
  return { out, absSum: abs, n: g.B * g.H * g.W };
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
