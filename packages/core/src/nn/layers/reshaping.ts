// Layers that move, pad, crop or repeat values without weights:
// ZeroPadding2D, Cropping2D, UpSampling2D, RepeatVector, Permute.
import { PolytensorError } from '../../errors.js';
import { mul } from '../../ops/binary.js';
import { tensor } from '../../ops/convert.js';
import { ones } from '../../ops/creation.js';
import { matMul } from '../../ops/mat_mul.js';
import { pad } from '../../ops/pad.js';
import { expandDims, reshape } from '../../ops/reshape.js';
import { slice } from '../../ops/slice.js';
import { transpose } from '../../ops/transpose.js';
import type { Tensor } from '../../tensor.js';
import {
  Layer,
  channelsLast,
  formatShape,
  pairOf,
  positiveInt,
  showArg,
  type DataFormat,
  type LayerArgs,
  type LayerConfig,
  type Shape,
  type WeightShape,
} from './layer.js';

type Sides = [[number, number], [number, number]];
/** A padding or cropping amount: n (all sides), [rows, cols], or [[top, bottom], [left, right]]. */
export type SidesSpec = number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];

function sidesOf(layer: string, what: string, v: SidesSpec): Sides {
  const ok = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
  if (ok(v))
    return [
      [v, v],
      [v, v],
    ];
  if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1]))
    return [
      [v[0], v[0]],
      [v[1], v[1]],
    ];
  if (Array.isArray(v) && v.length === 2 && v.every((p) => Array.isArray(p) && p.length === 2 && p.every(ok))) {
    const [a, b] = v as readonly [readonly [number, number], readonly [number, number]];
    return [
      [a[0], a[1]],
      [b[0], b[1]],
    ];
  }
  throw new PolytensorError(`${layer}: ${what} must be n, [rows, cols] or [[top, bottom], [left, right]] of integers ≥ 0, got ${JSON.stringify(v)}`);
}

/** Arguments shared by the NHWC layers here. */
export interface Spatial2DArgs extends LayerArgs {
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: DataFormat;
}

/** Shape checks shared by the NHWC layers here. */
abstract class Spatial2D extends Layer {
  constructor(args: Spatial2DArgs) {
    super(args);
    channelsLast(this.name, args.dataFormat);
  }
  override weightShapes(inputShape: Shape): WeightShape[] {
    if (inputShape.length !== 4)
      throw new PolytensorError(`${this.name} (${this.className}): needs NHWC inputs [batch, height, width, channels], got ${formatShape(inputShape)}`);
    return [];
  }
  override build(inputShape: Shape): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape);
  }
}

export interface ZeroPadding2DArgs extends Spatial2DArgs {
  /** Default 1. */
  padding?: SidesSpec;
}

/**
 * Adds rows and columns of zeros around each image.
 * @example new ZeroPadding2D({ padding: [[1, 0], [2, 2]] }) // one row on top, two columns each side
 */
export class ZeroPadding2D extends Spatial2D {
  static readonly className: string = 'ZeroPadding2D';
  readonly padding: Sides;
  constructor(args: ZeroPadding2DArgs = {}) {
    super(args);
    this.padding = sidesOf(this.name, 'padding', args.padding ?? 1);
  }
  computeOutputShape(s: Shape): Shape {
    this.weightShapes(s);
    const [[t, b], [l, r]] = this.padding;
    return [s[0] ?? null, s[1] === null ? null : s[1]! + t + b, s[2] === null ? null : s[2]! + l + r, s[3] ?? null];
  }
  protected call(x: Tensor): Tensor {
    return pad(x, [[0, 0], this.padding[0], this.padding[1], [0, 0]]);
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), padding: this.padding, dataFormat: 'channelsLast' };
  }
}

export interface Cropping2DArgs extends Spatial2DArgs {
  /** Default 0. */
  cropping?: SidesSpec;
}

/** Removes rows and columns from the edges of each image. */
export class Cropping2D extends Spatial2D {
  static readonly className: string = 'Cropping2D';
  readonly cropping: Sides;
  constructor(args: Cropping2DArgs = {}) {
    super(args);
    this.cropping = sidesOf(this.name, 'cropping', args.cropping ?? 0);
  }
  computeOutputShape(s: Shape): Shape {
    this.weightShapes(s);
    const [[t, b], [l, r]] = this.cropping;
    const h = s[1] === null ? null : s[1]! - t - b;
    const w = s[2] === null ? null : s[2]! - l - r;
    if ((h !== null && h <= 0) || (w !== null && w <= 0)) {
      throw new PolytensorError(`${this.name} (Cropping2D): cropping ${JSON.stringify(this.cropping)} leaves nothing of ${formatShape(s)}`);
    }
    return [s[0] ?? null, h, w, s[3] ?? null];
  }
  protected call(x: Tensor): Tensor {
    const [[t, b], [l, r]] = this.cropping;
    const [n, h, w, c] = x.shape as [number, number, number, number];
    return slice(x, [0, t, l, 0], [n, h - t - b, w - l - r, c]);
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), cropping: this.cropping, dataFormat: 'channelsLast' };
  }
}

export interface UpSampling2DArgs extends Spatial2DArgs {
  /** Repeats of rows and columns; default [2, 2]. */
  size?: number | [number, number];
  /** 'nearest' (default: each value repeated) or 'bilinear' (Keras' tf.image.resize: half-pixel centres, edges clamped). */
  interpolation?: 'nearest' | 'bilinear';
}

/**
 * The [outSize, inSize] matrix of bilinear resizing by an integer `scale`, as
 * tf.image.resize (Keras' UpSampling2D) computes it: output i samples the input
 * at (i + 0.5) / scale - 0.5, clamped to the edge pixels. tfjs' resizeBilinear
 * (no half-pixel centres) samples at i / scale instead, so tfjs-layers differs.
 */
function bilinearWeights(inSize: number, scale: number): number[] {
  const w = new Array<number>(inSize * scale * inSize).fill(0);
  for (let i = 0; i < inSize * scale; i++) {
    const src = (i + 0.5) / scale - 0.5;
    const below = Math.floor(src);
    const t = src - below;
    w[i * inSize + Math.max(below, 0)]! += 1 - t;
    w[i * inSize + Math.min(below + 1, inSize - 1)]! += t;
  }
  return w;
}

/**
 * Upsamples each image by integer factors `size`: 'nearest' repeats each row
 * and column, 'bilinear' interpolates between neighbours (Keras' formula).
 * @example new UpSampling2D({ size: 2, interpolation: 'bilinear' }) // [b, 8, 8, c] → [b, 16, 16, c]
 */
export class UpSampling2D extends Spatial2D {
  static readonly className: string = 'UpSampling2D';
  readonly size: [number, number];
  readonly interpolation: 'nearest' | 'bilinear';
  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    this.size = pairOf(this.name, 'size', args.size ?? 2);
    this.interpolation = args.interpolation ?? 'nearest';
    if (this.interpolation !== 'nearest' && this.interpolation !== 'bilinear') {
      throw new PolytensorError(`${this.name}: interpolation ${showArg(args.interpolation)} is not supported; use 'nearest' or 'bilinear'`);
    }
  }
  computeOutputShape(s: Shape): Shape {
    this.weightShapes(s);
    const [sh, sw] = this.size;
    return [s[0] ?? null, s[1] === null ? null : s[1]! * sh, s[2] === null ? null : s[2]! * sw, s[3] ?? null];
  }
  protected call(x: Tensor): Tensor {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const [sh, sw] = this.size;
    if (this.interpolation === 'bilinear') {
      // Separable: rows mix by an [h·sh, h] matrix, then columns by a [w·sw, w] one (two matMuls; autodiff gives the gradient).
      const rows = matMul(tensor(bilinearWeights(h, sh), [h * sh, h]), reshape(x, [n, h, w * c]));
      const cols = matMul(tensor(bilinearWeights(w, sw), [w * sw, w]), reshape(rows, [n * h * sh, w, c]));
      return reshape(cols, [n, h * sh, w * sw, c]);
    }
    // [n, h, 1, w, 1, c] times ones [1, 1, sh, 1, sw, 1]: each value repeated; its gradient sums the copies.
    const spread = mul(reshape(x, [n, h, 1, w, 1, c]), ones([1, 1, sh, 1, sw, 1]));
    return reshape(spread, [n, h * sh, w * sw, c]);
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), size: this.size, interpolation: this.interpolation, dataFormat: 'channelsLast' };
  }
}

export interface RepeatVectorArgs extends LayerArgs {
  n: number;
}

/** [batch, features] → [batch, n, features]: the vector repeated n times. */
export class RepeatVector extends Layer {
  static readonly className: string = 'RepeatVector';
  readonly n: number;
  constructor(args: RepeatVectorArgs) {
    super(args);
    this.n = positiveInt(this.name, 'n', args?.n);
  }
  override weightShapes(s: Shape): WeightShape[] {
    if (s.length !== 2) throw new PolytensorError(`${this.name} (RepeatVector): needs inputs [batch, features], got ${formatShape(s)}`);
    return [];
  }
  override build(s: Shape): void {
    this.weightShapes(s);
    super.build(s);
  }
  computeOutputShape(s: Shape): Shape {
    this.weightShapes(s);
    return [s[0] ?? null, this.n, s[1] ?? null];
  }
  protected call(x: Tensor): Tensor {
    return mul(expandDims(x, 1), ones([1, this.n, 1]));
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), n: this.n };
  }
}

export interface PermuteArgs extends LayerArgs {
  /** The new order of the non-batch axes, 1-based as Keras (e.g. [2, 1] swaps them). */
  dims: number[];
}

/**
 * Reorders the axes after the batch.
 * @example new Permute({ dims: [2, 1] }) // [batch, steps, features] → [batch, features, steps]
 */
export class Permute extends Layer {
  static readonly className: string = 'Permute';
  readonly dims: number[];
  constructor(args: PermuteArgs) {
    super(args);
    const d: unknown = args?.dims;
    const sorted = Array.isArray(d) ? [...d].sort((a, b) => a - b) : [];
    if (!Array.isArray(d) || d.length === 0 || !sorted.every((v, i) => v === i + 1)) {
      throw new PolytensorError(`${this.name}: dims must be a permutation of 1..n (1-based, the batch axis excluded), got ${JSON.stringify(d)}`);
    }
    this.dims = [...(d as number[])];
  }
  override weightShapes(s: Shape): WeightShape[] {
    if (s.length !== this.dims.length + 1)
      throw new PolytensorError(`${this.name} (Permute): dims ${JSON.stringify(this.dims)} need inputs of rank ${this.dims.length + 1}, got ${formatShape(s)}`);
    return [];
  }
  override build(s: Shape): void {
    this.weightShapes(s);
    super.build(s);
  }
  computeOutputShape(s: Shape): Shape {
    this.weightShapes(s);
    return [s[0] ?? null, ...this.dims.map((d) => s[d] ?? null)];
  }
  protected call(x: Tensor): Tensor {
    return transpose(x, [0, ...this.dims]);
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), dims: this.dims };
  }
}
