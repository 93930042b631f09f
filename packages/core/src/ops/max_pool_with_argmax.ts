import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { greater, less, logicalAnd, logicalOr } from './compare.js';
import { computePool2DInfo, type PaddingSpec } from './conv_util.js';
import { assertDType, convert, tensor } from './convert.js';
import { fill } from './creation.js';
import { pad as padOp } from './pad.js';
import { maxPoolWithInfo } from './pool.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';
import { isNaN as isNaNOp, logicalNot } from './unary.js';
import { where } from './where.js';

type Pair = number | [number, number];

/**
 * maxPool that also says where each maximum came from: `result` is
 * maxPool(x, filterSize, strides, pad) (differentiable, as maxPool), `indexes`
 * (int32, no gradient) the flat index of the chosen input element, as
 * TensorFlow's: (y·width + x)·channels + c, plus batch·height·width·channels
 * when `includeBatchInIndex`. Ties go to the first element of the window in
 * row-major order; a NaN in the window is chosen (the result is NaN).
 * The indexes are a composite over the window's taps (a running argmax with
 * `where`), never pointing into the padding.
 * @example const { result, indexes } = maxPoolWithArgmax(images, 2, 2, 'same');
 */
export function maxPoolWithArgmax(
  x: TensorLike,
  filterSize: Pair,
  strides: Pair,
  pad: 'valid' | 'same' | number,
  includeBatchInIndex = false,
): { result: Tensor; indexes: Tensor } {
  const op = 'maxPoolWithArgmax';
  const [t, own] = convert(op, 'x', x);
  try {
    assertDType(op, 'x', t, ['float32']);
    if (t.rank !== 4) throw new PolytensorError(`${op}: x must be rank 4 [batch, height, width, channels], got shape ${fmt(t.shape)}`);
    let spec: PaddingSpec;
    if (typeof pad === 'number') {
      if (!Number.isInteger(pad) || pad < 0) throw new PolytensorError(`${op}: a numeric padding must be a non-negative integer, got ${pad}`);
      spec = [
        [pad, pad],
        [pad, pad],
      ];
    } else if (pad === 'same' || pad === 'valid') spec = pad;
    else throw new PolytensorError(`${op}: padding must be 'same', 'valid' or a number, got ${JSON.stringify(pad)}`);
    const info = computePool2DInfo(op, t.shape, filterSize, strides, spec);
    const { batchSize: b, inHeight: H, inWidth: W, inChannels: C, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
    const result = maxPoolWithInfo(t, info);
    const indexes = ENGINE.tidy(() => {
      const needH = info.filterHeight - 1 + oh * sh;
      const needW = info.filterWidth - 1 + ow * sw;
      const padded = padOp(t, [
        [0, 0],
        [info.padTop, Math.max(0, needH - info.padTop - H)],
        [info.padLeft, Math.max(0, needW - info.padLeft - W)],
        [0, 0],
      ]);
      const nb = includeBatchInIndex ? b : 1;
      let best: Tensor = fill([1, 1, 1, 1], Number.NEGATIVE_INFINITY);
      let bestIdx: Tensor = fill([1, 1, 1, 1], -1, 'int32');
      for (let i = 0; i < info.filterHeight; i++) {
        for (let j = 0; j < info.filterWidth; j++) {
          let tap = slice(padded, [0, i, j, 0], [b, oh * sh, ow * sw, C]);
          if (sh > 1 || sw > 1) tap = reshape(slice(reshape(tap, [b, oh, sh, ow, sw, C]), [0, 0, 0, 0, 0, 0], [b, oh, 1, ow, 1, C]), [b, oh, ow, C]);
          // This tap's input position for every output, and whether it is inside the image (host arithmetic: exact).
          const idx = new Int32Array(nb * oh * ow * C);
          const valid = new Uint8Array(oh * ow);
          for (let y = 0; y < oh; y++) {
            for (let z = 0; z < ow; z++) {
              const r = y * sh - info.padTop + i;
              const c = z * sw - info.padLeft + j;
              valid[y * ow + z] = r >= 0 && r < H && c >= 0 && c < W ? 1 : 0;
              for (let n = 0; n < nb; n++) for (let ch = 0; ch < C; ch++) idx[((n * oh + y) * ow + z) * C + ch] = ((n * H + r) * W + c) * C + ch;
            }
          }
          const inside = tensor(valid, [1, oh, ow, 1], 'bool');
          const better = logicalOr(logicalOr(less(bestIdx, 0), greater(tap, best)), logicalAnd(isNaNOp(tap), logicalNot(isNaNOp(best))));
          const take = logicalAnd(inside, better);
          best = where(take, tap, best);
          bestIdx = where(take, tensor(idx, [nb, oh, ow, C], 'int32'), bestIdx);
        }
      }
      return bestIdx; // [b, oh, ow, C]: `take` carries the batch
    });
    return { result, indexes };
  } finally {
    if (own) t.dispose();
  }
}
