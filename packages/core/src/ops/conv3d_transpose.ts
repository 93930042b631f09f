import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { arraysEqual, fmt } from '../util/shape.js';
import { add } from './binary.js';
import { backpropInput, withFloat32 } from './conv2d.js';
import { axisGeometry, type Triple, triple } from './conv3d.js';
import { computeConv2DInfo } from './conv_util.js';
import { pad as padOp } from './pad.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';

/**
 * Transposed 3-D convolution: the gradient of conv3d with respect to its
 * input. x [batch, d, h, w, inC] (or without batch), filter [fd, fh, fw, outC, inC]
 * → `outputShape` [batch, outD, outH, outW, outC], whose conv3d with this
 * filter, strides and padding must give x's shape. A composite: for each depth
 * tap, conv2d's input-gradient kernel on the batched depth planes, spread back
 * to depth o·stride + tap and summed; gradients from those ops.
 * @example conv3dTranspose(x, filter, [1, 8, 8, 8, 4], 2, 'same') // x [1, 4, 4, 4, 16], filter [3, 3, 3, 4, 16]
 */
export function conv3dTranspose(
  x: TensorLike,
  filter: TensorLike,
  outputShape: [number, number, number, number, number] | [number, number, number, number],
  strides: Triple = 1,
  pad: 'valid' | 'same' = 'valid',
): Tensor {
  const op = 'conv3dTranspose';
  return withFloat32(op, { x, filter }, (t) => {
    if (t.x.rank !== 5 && t.x.rank !== 4)
      throw new PolytensorError(`${op}: x must be rank 5 [batch, depth, height, width, channels] or rank 4, got shape ${fmt(t.x.shape)}`);
    if (t.filter.rank !== 5) {
      throw new PolytensorError(
        `${op}: filter must be rank 5 [filterDepth, filterHeight, filterWidth, outChannels, inChannels], got shape ${fmt(t.filter.shape)}`,
      );
    }
    const unbatched = t.x.rank === 4;
    if (!Array.isArray(outputShape) || outputShape.length !== t.x.rank || !outputShape.every((n) => Number.isInteger(n) && n >= 0)) {
      throw new PolytensorError(
        `${op}: outputShape must be ${t.x.rank} non-negative integers like x's shape ${fmt(t.x.shape)}, got ${JSON.stringify(outputShape)}`,
      );
    }
    if (pad !== 'same' && pad !== 'valid') throw new PolytensorError(`${op}: padding must be 'same' or 'valid', got ${JSON.stringify(pad)}`);
    const [b, d, h, w, inC] = (unbatched ? [1, ...t.x.shape] : t.x.shape) as [number, number, number, number, number];
    const [B, D, H, W, outC] = (unbatched ? [1, ...outputShape] : outputShape) as [number, number, number, number, number];
    const [fd, fh, fw, fOut, fIn] = t.filter.shape as [number, number, number, number, number];
    if (fIn !== inC) throw new PolytensorError(`${op}: x has ${inC} channels but the filter's last dimension (inChannels) is ${fIn}`);
    if (B !== b || outC !== fOut) {
      throw new PolytensorError(
        `${op}: outputShape ${fmt(outputShape)} must have x's batch (${b}) and the filter's outChannels (${fOut}, its fourth dimension)`,
      );
    }
    const [sd, sh, sw] = triple(op, 'strides', strides);
    const depth = axisGeometry(op, D, fd, sd, 1, pad, 'depth');
    const info = computeConv2DInfo(op, [b * d, H, W, outC], [fh, fw, outC, inC], [sh, sw], pad);
    if (depth.out !== d || !arraysEqual(info.outShape, [b * d, h, w, inC])) {
      throw new PolytensorError(
        `${op}: outputShape ${fmt(outputShape)} does not fit x ${fmt(t.x.shape)}: a conv3d of that shape with this filter, strides ` +
          `${JSON.stringify(strides)} and padding '${pad}' gives depth ${depth.out}, height ${info.outHeight}, width ${info.outWidth}; ` +
          `choose an outputShape whose conv3d gives x's depth, height and width`,
      );
    }
    return ENGINE.tidy(() => {
      const planes = reshape(t.x, [b * d, h, w, inC]);
      // Each tap fills padded depth rows o·sd + k; their sum covers d·sd + fd − 1 rows, enough for [before, before + D).
      let sumPadded: Tensor | null = null;
      for (let k = 0; k < fd; k++) {
        const weights = reshape(slice(t.filter, [k, 0, 0, 0, 0], [1, fh, fw, outC, inC]), [fh, fw, outC, inC]);
        let g = reshape(backpropInput(planes, weights, info), [b, d, 1, H, W, outC]);
        // row o goes to padded depth o·sd + k: sd − 1 zero rows after each, then k before all
        g = reshape(
          padOp(g, [
            [0, 0],
            [0, 0],
            [0, sd - 1],
            [0, 0],
            [0, 0],
            [0, 0],
          ]),
          [b, d * sd, H, W, outC],
        );
        g = padOp(g, [
          [0, 0],
          [k, fd - 1 - k],
          [0, 0],
          [0, 0],
          [0, 0],
        ]);
        sumPadded = sumPadded ? add(sumPadded, g) : g;
      }
      const out = slice(sumPadded!, [0, depth.before, 0, 0, 0], [b, D, H, W, outC]);
      return unbatched ? reshape(out, [D, H, W, outC]) : out;
    });
  });
}
