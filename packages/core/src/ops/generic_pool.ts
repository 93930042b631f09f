import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { add, div, maximum } from './binary.js';
import { computeConv2DInfo, computePool2DInfo, pair, type PaddingSpec } from './conv_util.js';
import { assertDType, withTensors } from './convert.js';
import { pad as padOp } from './pad.js';
import { avgPoolWithInfo, maxPoolWithInfo } from './pool.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';

type Pair = number | [number, number];

/**
 * tfjs' generic 2-D pool: max or average over `windowShape` windows of x
 * [batch, h, w, C] (or [h, w, C]), with `dilations` (gaps between the window's
 * taps) or `strides`, not both above 1. Without dilation it is maxPool/avgPool.
 * With dilation it is the strided taps' running maximum (ties go to the first
 * tap in row-major order, as maxPool's gradient) or their mean, and 'same'
 * pads with zeros that count as values, as TensorFlow's dilated pool does
 * (it pools a space-to-batch of the zero-padded input).
 * @example pool(x, 3, 'max', 'same', 2) // 3x3 max pool with dilation 2: each output sees a 5x5 area
 */
export function pool(
  input: TensorLike,
  windowShape: Pair,
  poolingType: 'avg' | 'max',
  pad: PaddingSpec | number,
  dilations: Pair = 1,
  strides: Pair = 1,
): Tensor {
  const op = 'pool';
  return withTensors(op, { input }, ({ input: x }) => {
    assertDType(op, 'input', x, ['float32']);
    if (poolingType !== 'avg' && poolingType !== 'max')
      throw new PolytensorError(`${op}: poolingType must be 'avg' or 'max', got ${JSON.stringify(poolingType)}`);
    if (x.rank !== 4 && x.rank !== 3)
      throw new PolytensorError(`${op}: input must be rank 4 [batch, h, w, channels] or rank 3 [h, w, channels], got shape ${fmt(x.shape)}`);
    const [fh, fw] = pair(op, 'windowShape', windowShape);
    const [dh, dw] = pair(op, 'dilations', dilations);
    const [sh, sw] = pair(op, 'strides', strides);
    if ((dh > 1 || dw > 1) && (sh > 1 || sw > 1)) {
      throw new PolytensorError(`${op}: strides ${JSON.stringify(strides)} and dilations ${JSON.stringify(dilations)}: either strides or dilations must be 1`);
    }
    let spec: PaddingSpec;
    if (typeof pad === 'number') {
      if (!Number.isInteger(pad) || pad < 0) throw new PolytensorError(`${op}: a numeric padding must be a non-negative integer, got ${pad}`);
      spec =
        pad === 0
          ? 'valid'
          : [
              [pad, pad],
              [pad, pad],
            ];
    } else spec = pad;
    return ENGINE.tidy(() => {
      const x4 = x.rank === 3 ? reshape(x, [1, ...x.shape]) : x;
      let y: Tensor;
      if (dh === 1 && dw === 1) {
        const info = computePool2DInfo(op, x4.shape, [fh, fw], [sh, sw], spec);
        y = poolingType === 'max' ? maxPoolWithInfo(x4, info) : avgPoolWithInfo(x4, info);
      } else {
        if (spec !== 'same' && spec !== 'valid') {
          throw new PolytensorError(`${op}: with dilations > 1 the padding must be 'same' or 'valid' (as in TensorFlow), got ${JSON.stringify(pad)}`);
        }
        // Geometry (and its errors: a window larger than the input) as conv2d's.
        const c = x4.shape[3]!;
        const info = computeConv2DInfo(op, x4.shape, [fh, fw, c, c], 1, spec, [dh, dw]);
        const padded = padOp(x4, [
          [0, 0],
          [info.padTop, info.padBottom],
          [info.padLeft, info.padRight],
          [0, 0],
        ]);
        const b = x4.shape[0]!;
        let acc: Tensor | null = null;
        for (let i = 0; i < fh; i++) {
          for (let j = 0; j < fw; j++) {
            const tap = slice(padded, [0, i * dh, j * dw, 0], [b, info.outHeight, info.outWidth, c]);
            acc = acc === null ? tap : poolingType === 'max' ? maximum(acc, tap) : add(acc, tap);
          }
        }
        y = poolingType === 'max' ? acc! : div(acc!, fh * fw);
      }
      return x.rank === 3 ? reshape(y, y.shape.slice(1)) : y;
    });
  });
}
