import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { add } from './binary.js';
import { greater } from './compare.js';
import { axisGeometry } from './conv3d.js';
import { pair } from './conv_util.js';
import { assertDType, withTensors } from './convert.js';
import { fill } from './creation.js';
import { pad as padOp } from './pad.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';
import { where } from './where.js';

/**
 * Grayscale morphological dilation (TensorFlow's dilation2d): out[b, y, x, c] =
 * max over taps (i, j) of x[b, y·sh + i·dh − padTop, x·sw + j·dw − padLeft, c] + filter[i, j, c],
 * over the taps inside the image. x [batch, h, w, C] (or [h, w, C]), filter
 * [fh, fw, C]. As TensorFlow's kernel, a NaN sum never wins (the comparison is
 * `>`), ties go to the first tap in row-major order (where the gradient goes),
 * and a window with nothing else gives −∞. A composite: a running `where` over
 * the taps' strided slices.
 * @example dilation2d(images, structuringElement, 1, 'same')
 */
export function dilation2d(
  x: TensorLike,
  filter: TensorLike,
  strides: number | [number, number] = 1,
  pad: 'valid' | 'same' = 'valid',
  dilations: number | [number, number] = 1,
  dataFormat: 'NHWC' = 'NHWC',
): Tensor {
  const op = 'dilation2d';
  return withTensors(op, { x, filter }, (t) => {
    assertDType(op, 'x', t.x, ['float32']);
    assertDType(op, 'filter', t.filter, ['float32']);
    if (dataFormat !== 'NHWC') throw new PolytensorError(`${op}: dataFormat '${dataFormat}' is not supported; polytensor is channels-last only: pass 'NHWC'`);
    if (t.x.rank !== 4 && t.x.rank !== 3)
      throw new PolytensorError(`${op}: x must be rank 4 [batch, height, width, channels] or rank 3, got shape ${fmt(t.x.shape)}`);
    if (t.filter.rank !== 3) throw new PolytensorError(`${op}: filter must be rank 3 [filterHeight, filterWidth, channels], got shape ${fmt(t.filter.shape)}`);
    if (pad !== 'same' && pad !== 'valid') throw new PolytensorError(`${op}: padding must be 'same' or 'valid', got ${JSON.stringify(pad)}`);
    const unbatched = t.x.rank === 3;
    const [b, h, w, c] = (unbatched ? [1, ...t.x.shape] : t.x.shape) as [number, number, number, number];
    const [fh, fw, fc] = t.filter.shape as [number, number, number];
    if (fc !== c) throw new PolytensorError(`${op}: x has ${c} channels but the filter has ${fc}; filter must be [fh, fw, ${c}]`);
    const [sh, sw] = pair(op, 'strides', strides);
    const [dh, dw] = pair(op, 'dilations', dilations);
    const rows = axisGeometry(op, h, fh, sh, dh, pad, 'height');
    const cols = axisGeometry(op, w, fw, sw, dw, pad, 'width');
    const [oh, ow] = [rows.out, cols.out];
    return ENGINE.tidy(() => {
      const x4 = unbatched ? reshape(t.x, [1, h, w, c]) : t.x;
      // −∞ padding: a padded tap's sum is −∞ (or NaN), which never wins; extra cells at the end keep the strided reshape whole.
      const padded = padOp(
        x4,
        [
          [0, 0],
          [rows.before, Math.max(0, (fh - 1) * dh + oh * sh - rows.before - h)],
          [cols.before, Math.max(0, (fw - 1) * dw + ow * sw - cols.before - w)],
          [0, 0],
        ],
        Number.NEGATIVE_INFINITY,
      );
      let acc: Tensor = fill([1, 1, 1, 1], Number.NEGATIVE_INFINITY);
      for (let i = 0; i < fh; i++) {
        for (let j = 0; j < fw; j++) {
          let tap = slice(padded, [0, i * dh, j * dw, 0], [b, oh * sh, ow * sw, c]);
          if (sh > 1 || sw > 1) tap = reshape(slice(reshape(tap, [b, oh, sh, ow, sw, c]), [0, 0, 0, 0, 0, 0], [b, oh, 1, ow, 1, c]), [b, oh, ow, c]);
          const value = add(tap, reshape(slice(t.filter, [i, j, 0], [1, 1, c]), [c]));
          acc = where(greater(value, acc), value, acc);
        }
      }
      return unbatched ? reshape(acc, [oh, ow, c]) : acc;
    });
  });
}
