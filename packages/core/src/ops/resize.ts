import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { add, mul, sub } from './binary.js';
import { cast } from './cast.js';
import { assertDType, convert, tensor } from './convert.js';
import { gather } from './gather.js';
import { reshape } from './reshape.js';

type Resize = 'resizeBilinear' | 'resizeNearestNeighbor';

/** tfjs' source coordinate scale of one axis: (in−1)/(out−1) with alignCorners (out > 1), else in/out. */
const ratio = (inSize: number, outSize: number, alignCorners: boolean): number =>
  alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;

/** One axis of bilinear resizing, as TensorFlow's kernel: the lower and upper source rows and the weight of the upper. */
function bilinearTaps(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean) {
  const r = ratio(inSize, outSize, alignCorners);
  const lower = new Int32Array(outSize);
  const upper = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const src = halfPixelCenters ? r * (o + 0.5) - 0.5 : r * o;
    lower[o] = Math.max(0, Math.floor(src));
    upper[o] = Math.min(inSize - 1, Math.ceil(src));
    frac[o] = src - lower[o]!;
  }
  return { lower, upper, frac };
}

/** One axis of nearest-neighbour resizing, as TensorFlow's kernel. */
function nearestTaps(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const r = ratio(inSize, outSize, alignCorners);
  const idx = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const src = halfPixelCenters ? r * (o + 0.5) : r * o;
    const near = Math.min(inSize - 1, alignCorners ? Math.round(src) : Math.floor(src));
    idx[o] = halfPixelCenters ? Math.max(0, near) : near;
  }
  return idx;
}

/** Validate and bring images to rank 4; `body` gets [batch, h, w, C] and the new size. */
function resize(
  op: Resize,
  images: TensorLike,
  size: readonly [number, number],
  alignCorners: boolean,
  halfPixelCenters: boolean,
  body: (x: Tensor, h: number, w: number) => Tensor,
): Tensor {
  const [t, own] = convert(op, 'images', images);
  try {
    assertDType(op, 'images', t, ['float32', 'int32']);
    if (t.rank !== 3 && t.rank !== 4)
      throw new PolytensorError(`${op}: images must be rank 4 [batch, height, width, channels] or rank 3 [height, width, channels], got shape ${fmt(t.shape)}`);
    if (!Array.isArray(size) || size.length !== 2 || !size.every((n) => Number.isInteger(n) && n >= 0)) {
      throw new PolytensorError(`${op}: size must be [newHeight, newWidth] (non-negative integers), got ${JSON.stringify(size)}`);
    }
    if (alignCorners && halfPixelCenters)
      throw new PolytensorError(
        `${op}: alignCorners and halfPixelCenters cannot both be true; pass halfPixelCenters only (TensorFlow 2's default for new code)`,
      );
    const [h, w] = t.shape.slice(t.rank - 3, t.rank - 1) as [number, number];
    if ((h === 0 && size[0] > 0) || (w === 0 && size[1] > 0))
      throw new PolytensorError(`${op}: images of shape ${fmt(t.shape)} have no pixels to resize to ${fmt(size)}`);
    return ENGINE.tidy(() => {
      const x4 = t.rank === 3 ? reshape(t, [1, ...t.shape]) : t;
      const y = body(x4, size[0], size[1]);
      return t.rank === 3 ? reshape(y, y.shape.slice(1)) : y;
    });
  } finally {
    if (own) t.dispose();
  }
}

/**
 * Bilinear resize of images [batch, h, w, C] (or [h, w, C]) to `size`
 * [newHeight, newWidth], as TensorFlow's kernel: each output is
 * top + (bottom − top)·rowWeight with top = topLeft + (topRight − topLeft)·colWeight
 * (so an infinite pixel gives NaN where its neighbour is also infinite, as in
 * TensorFlow). A composite of gathers along height and width and the
 * interpolation arithmetic, so its gradient is autodiff's (scatter-adds of the
 * weighted upstream gradient). int32 images give float32.
 * @example image.resizeBilinear(images, [64, 64], false, true) // half-pixel centers, as Keras' Resizing
 */
export function resizeBilinear(images: TensorLike, size: [number, number], alignCorners = false, halfPixelCenters = false): Tensor {
  return resize('resizeBilinear', images, size, alignCorners, halfPixelCenters, (x, nh, nw) => {
    const [, h, w] = x.shape as [number, number, number, number];
    const rows = bilinearTaps(h, nh, alignCorners, halfPixelCenters);
    const cols = bilinearTaps(w, nw, alignCorners, halfPixelCenters);
    const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
    const lerp = (a: Tensor, b: Tensor, weight: Tensor): Tensor => add(a, mul(sub(b, a), weight));
    const colWeight = tensor(cols.frac, [1, 1, nw, 1]);
    const horizontal = (r: Int32Array): Tensor => {
      const band = gather(xf, tensor(r, [nh], 'int32'), 1);
      return lerp(gather(band, tensor(cols.lower, [nw], 'int32'), 2), gather(band, tensor(cols.upper, [nw], 'int32'), 2), colWeight);
    };
    return lerp(horizontal(rows.lower), horizontal(rows.upper), tensor(rows.frac, [1, nh, 1, 1]));
  });
}

/**
 * Nearest-neighbour resize of images [batch, h, w, C] (or [h, w, C]) to
 * `size` [newHeight, newWidth], as TensorFlow's kernel (source index
 * floor(o·ratio), rounded with alignCorners, sampled at pixel centres with
 * halfPixelCenters). Two gathers, so values are copied exactly (dtype kept) and
 * the gradient sums the upstream gradient into each chosen pixel.
 * @example image.resizeNearestNeighbor(images, [56, 56])
 */
export function resizeNearestNeighbor(images: TensorLike, size: [number, number], alignCorners = false, halfPixelCenters = false): Tensor {
  return resize('resizeNearestNeighbor', images, size, alignCorners, halfPixelCenters, (x, nh, nw) => {
    const [, h, w] = x.shape as [number, number, number, number];
    const rows = tensor(nearestTaps(h, nh, alignCorners, halfPixelCenters), [nh], 'int32');
    const cols = tensor(nearestTaps(w, nw, alignCorners, halfPixelCenters), [nw], 'int32');
    return gather(gather(x, rows, 1), cols, 2);
  });
}
