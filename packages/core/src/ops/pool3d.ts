import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { axisGeometry, type Triple, triple } from './conv3d.js';
import { computePool2DInfo, type PaddingSpec } from './conv_util.js';
import { assertDType, convert } from './convert.js';
import { avgPoolWithInfo, maxPoolWithInfo } from './pool.js';
import { reshape } from './reshape.js';

type Op = 'maxPool3d' | 'avgPool3d';

/**
 * 3-D pooling as two 2-D pools: over (h, w) of every depth slice
 * ([batch·depth, h, w, C]), then over depth ([batch, depth, outH·outW, C] with a
 * [fd, 1] window). Max of maxes is the max of the box (ties: the first in
 * (depth, h, w) order, as each stage takes its first); for the mean, the real
 * (h, w) cells are the same at every depth, so the mean of means is the mean
 * of the box's real cells, as TensorFlow's.
 */
function pool3d(
  op: Op,
  x: TensorLike,
  filterSize: Triple,
  strides: Triple | undefined,
  pad: 'valid' | 'same' | number,
  dimRoundingMode: unknown,
  dataFormat: string,
): Tensor {
  const [t, own] = convert(op, 'x', x);
  try {
    assertDType(op, 'x', t, ['float32']);
    if (dataFormat !== 'NDHWC') throw new PolytensorError(`${op}: dataFormat '${dataFormat}' is not supported; polytensor is channels-last only: pass 'NDHWC'`);
    if (dimRoundingMode !== undefined)
      throw new PolytensorError(`${op}: dimRoundingMode is not supported; pass undefined and 'same', 'valid' or a padding that fits`);
    if (t.rank !== 5 && t.rank !== 4)
      throw new PolytensorError(`${op}: x must be rank 5 [batch, depth, height, width, channels] or rank 4, got shape ${fmt(t.shape)}`);
    if (!(pad === 'same' || pad === 'valid' || (Number.isInteger(pad) && (pad as number) >= 0))) {
      throw new PolytensorError(`${op}: padding must be 'same', 'valid' or a non-negative integer, got ${JSON.stringify(pad)}`);
    }
    const unbatched = t.rank === 4;
    const [b, d, h, w, c] = (unbatched ? [1, ...t.shape] : t.shape) as [number, number, number, number, number];
    const [fd, fh, fw] = triple(op, 'filterSize', filterSize);
    const [sd, sh, sw] = triple(op, 'strides', strides ?? filterSize);
    const n = typeof pad === 'number' ? pad : 0;
    const padHW: PaddingSpec =
      typeof pad === 'number'
        ? [
            [n, n],
            [n, n],
          ]
        : pad;
    const padD: PaddingSpec =
      typeof pad === 'number'
        ? [
            [n, n],
            [0, 0],
          ]
        : pad;
    axisGeometry(op, d, fd, sd, 1, pad, 'depth'); // its error names the depth axis
    const hw = computePool2DInfo(op, [b * d, h, w, c], [fh, fw], [sh, sw], padHW);
    const depth = computePool2DInfo(op, [b, d, hw.outHeight * hw.outWidth, c], [fd, 1], [sd, 1], padD);
    const run = op === 'maxPool3d' ? maxPoolWithInfo : avgPoolWithInfo;
    return ENGINE.tidy(() => {
      const planes = run(reshape(t, [b * d, h, w, c]), hw);
      const y = run(reshape(planes, [b, d, hw.outHeight * hw.outWidth, c]), depth);
      const od = depth.outHeight;
      return reshape(y, unbatched ? [od, hw.outHeight, hw.outWidth, c] : [b, od, hw.outHeight, hw.outWidth, c]);
    });
  } finally {
    if (own) t.dispose();
  }
}

/**
 * Max over [fd, fh, fw] windows of x [batch, depth, h, w, C] (NDHWC; or
 * without batch); padding cells are skipped. strides default to filterSize.
 * @example maxPool3d(volumes, 2, 2, 'valid') // [1, 8, 8, 8, 3] → [1, 4, 4, 4, 3]
 */
export function maxPool3d(
  x: TensorLike,
  filterSize: Triple = [1, 1, 1],
  strides?: Triple,
  pad: 'valid' | 'same' | number = 'valid',
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
  dataFormat: 'NDHWC' = 'NDHWC',
): Tensor {
  return pool3d('maxPool3d', x, filterSize, strides, pad, dimRoundingMode, dataFormat);
}

/**
 * Mean over [fd, fh, fw] windows of x [batch, depth, h, w, C] (NDHWC; or
 * without batch), counting only real (not padding) cells.
 * @example avgPool3d(volumes, [2, 3, 3], 1, 'same')
 */
export function avgPool3d(
  x: TensorLike,
  filterSize: Triple = [1, 1, 1],
  strides?: Triple,
  pad: 'valid' | 'same' | number = 'valid',
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
  dataFormat: 'NDHWC' = 'NDHWC',
): Tensor {
  return pool3d('avgPool3d', x, filterSize, strides, pad, dimRoundingMode, dataFormat);
}
