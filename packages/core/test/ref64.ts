// Float64 forward references for the layers, written plainly for the gradient checks.

export type Act =
  | 'linear'
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'elu'
  | 'softplus'
  | 'leakyRelu'
  | 'relu6'
  | 'selu'
  | 'gelu'
  | 'swish'
  | 'hardSigmoid'
  | 'softsign'
  | 'mish';

/**
 * erf in float64: its Taylor series for |x| ≤ 3 (cancellation error near
 * 1e-12), beyond that 1 - erfc with erfc from its continued fraction
 * (Abramowitz & Stegun 7.1.14), which converges fast for large |x|.
 */
export function erf64(x: number): number {
  const a = Math.abs(x);
  if (a > 3) {
    let tail = 0;
    for (let n = 80; n >= 1; n--) tail = n / 2 / (a + tail);
    return Math.sign(x) * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + tail));
  }
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

export function act64(name: Act, v: number): number {
  switch (name) {
    case 'linear':
      return v;
    case 'relu':
      return Math.max(v, 0);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'tanh':
      return Math.tanh(v);
    case 'elu':
      return v > 0 ? v : Math.expm1(v);
    case 'softplus':
      return Math.log1p(Math.exp(v));
    case 'leakyRelu':
      return v > 0 ? v : 0.3 * v;
    case 'relu6':
      return Math.min(Math.max(v, 0), 6);
    case 'selu':
      return 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v));
    case 'gelu':
      return 0.5 * v * (1 + erf64(v / Math.SQRT2));
    case 'swish':
      return v / (1 + Math.exp(-v));
    case 'hardSigmoid':
      return Math.min(Math.max(0.2 * v + 0.5, 0), 1);
    case 'softsign':
      return v / (1 + Math.abs(v));
    case 'mish':
      return v * Math.tanh(v > 30 ? v : Math.log1p(Math.exp(v)));
  }
}

/** x [n, k] · w [k, m] + b [m] */
export function dense64(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>, n: number, k: number, m: number, act: Act): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let s = b[j]!;
      for (let t = 0; t < k; t++) s += x[i * k + t]! * w[t * m + j]!;
      out.push(act64(act, s));
    }
  return out;
}

/** NHWC conv, HWIO filter, stride s, 'same' or 'valid'. */
export function conv64(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  b: ArrayLike<number>,
  [n, h, wd, c]: readonly [number, number, number, number],
  [fh, fw, , oc]: readonly [number, number, number, number],
  stride: number,
  pad: 'same' | 'valid',
): { out: number[]; shape: number[] } {
  const oh = pad === 'same' ? Math.ceil(h / stride) : Math.floor((h - fh) / stride) + 1;
  const ow = pad === 'same' ? Math.ceil(wd / stride) : Math.floor((wd - fw) / stride) + 1;
  const pt = pad === 'same' ? Math.floor(Math.max(0, (oh - 1) * stride + fh - h) / 2) : 0;
  const pl = pad === 'same' ? Math.floor(Math.max(0, (ow - 1) * stride + fw - wd) / 2) : 0;
  const out: number[] = [];
  for (let bi = 0; bi < n!; bi++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let o = 0; o < oc!; o++) {
          let s = b[o]!;
          for (let di = 0; di < fh!; di++)
            for (let dj = 0; dj < fw!; dj++) {
              const ii = i * stride + di - pt;
              const jj = j * stride + dj - pl;
              if (ii < 0 || jj < 0 || ii >= h! || jj >= wd!) continue;
              for (let ci = 0; ci < c!; ci++) s += x[((bi * h! + ii) * wd! + jj) * c! + ci]! * w[((di * fw! + dj) * c! + ci) * oc! + o]!;
            }
          out.push(s);
        }
  return { out, shape: [n!, oh, ow, oc!] };
}

/** Valid pooling with square window p and stride p. */
export function pool64(x: ArrayLike<number>, [n, h, w, c]: number[], p: number, kind: 'max' | 'avg'): number[] {
  const out: number[] = [];
  const oh = Math.floor(h! / p);
  const ow = Math.floor(w! / p);
  for (let b = 0; b < n!; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ch = 0; ch < c!; ch++) {
          const cells: number[] = [];
          for (let di = 0; di < p; di++) for (let dj = 0; dj < p; dj++) cells.push(x[((b * h! + i * p + di) * w! + j * p + dj) * c! + ch]!);
          out.push(kind === 'max' ? Math.max(...cells) : cells.reduce((a, v) => a + v, 0) / cells.length);
        }
  return out;
}

/** Training-mode batch norm over all axes but the last. */
export function batchNorm64(x: ArrayLike<number>, c: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number): number[] {
  const rows = x.length / c;
  const out = new Array<number>(x.length);
  for (let ch = 0; ch < c; ch++) {
    let m = 0;
    for (let r = 0; r < rows; r++) m += x[r * c + ch]!;
    m /= rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (x[r * c + ch]! - m) ** 2;
    v /= rows;
    for (let r = 0; r < rows; r++) out[r * c + ch] = ((x[r * c + ch]! - m) / Math.sqrt(v + eps)) * gamma[ch]! + beta[ch]!;
  }
  return out;
}
