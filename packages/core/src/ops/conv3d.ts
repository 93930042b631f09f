import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { add } from './binary.js';
import { conv2dWithInfo } from './conv2d.js';
import { computeConv2DInfo } from './conv_util.js';
import { assertDType, withTensors } from './convert.js';
import { pad as padOp } from './pad.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';

export type Triple = number | [number, number, number];

/** @internal a positive-integer [depth, height, width] triple. */
export function triple(op: string, name: string, v: Triple): [number, number, number] {
  const t: [number, number, number] = typeof v === 'number' ? [v, v, v] : Array.isArray(v) && v.length === 3 ? [v[0], v[1], v[2]] : [Number.NaN, 0, 0];
  if (!t.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new PolytensorError(`${op}: ${name} must be a positive integer or [depth, height, width] of them, got ${JSON.stringify(v)}`);
  }
  return t;
}

/** @internal TensorFlow's output size and leading padding of one axis ('same': out = ceil(in / stride), the odd cell at the end). */
export function axisGeometry(op: string, inSize: number, window: number, stride: number, dilation: number, pad: 'same' | 'valid' | number, axis: string) {
  const eff = (window - 1) * dilation + 1;
  let out: number;
  let before: number;
  if (pad === 'same') {
    out = Math.ceil(inSize / stride);
    before = Math.floor(Math.max(0, (out - 1) * stride + eff - inSize) / 2);
  } else {
    const p = pad === 'valid' ? 0 : pad;
    out = Math.floor((inSize + 2 * p - eff) / stride) + 1;
    before = p;
  }
  if (out <= 0) {
    throw new PolytensorError(
      `${op}: the window's ${axis} (${window}, dilation ${dilation}) is larger than the padded input's (${inSize}); use padding 'same' or a smaller window`,
    );
  }
  return { out, before };
}

/**
 * 3-D convolution: x [batch, depth, h, w, inC] (or without batch) with filter
 * [fd, fh, fw, inC, outC] → [batch, outD, outH, outW, outC] (NDHWC only).
 * A composite: for each of the fd depth taps, conv2d of the (strided) depth
 * slices, all batched as one [batch·outD, h, w, inC] conv2d, summed; so the
 * conv2d kernels and their gradients serve. Strides and dilations cannot both
 * exceed 1.
 * @example conv3d(volumes, kernel, 1, 'same') // [2, 8, 16, 16, 1] * [3, 3, 3, 1, 4] → [2, 8, 16, 16, 4]
 */
export function conv3d(
  x: TensorLike,
  filter: TensorLike,
  strides: Triple = 1,
  pad: 'valid' | 'same' = 'valid',
  dataFormat: 'NDHWC' = 'NDHWC',
  dilations: Triple = 1,
): Tensor {
  const op = 'conv3d';
  return withTensors(op, { x, filter }, (t) => {
    assertDType(op, 'x', t.x, ['float32']);
    assertDType(op, 'filter', t.filter, ['float32']);
    if (dataFormat !== 'NDHWC') throw new PolytensorError(`${op}: dataFormat '${dataFormat}' is not supported; polytensor is channels-last only: pass 'NDHWC'`);
    if (t.x.rank !== 5 && t.x.rank !== 4)
      throw new PolytensorError(`${op}: x must be rank 5 [batch, depth, height, width, channels] or rank 4, got shape ${fmt(t.x.shape)}`);
    if (t.filter.rank !== 5) {
      throw new PolytensorError(
        `${op}: filter must be rank 5 [filterDepth, filterHeight, filterWidth, inChannels, outChannels], got shape ${fmt(t.filter.shape)}`,
      );
    }
    if (pad !== 'same' && pad !== 'valid') throw new PolytensorError(`${op}: padding must be 'same' or 'valid', got ${JSON.stringify(pad)}`);
    const unbatched = t.x.rank === 4;
    const [b, d, h, w, c] = (unbatched ? [1, ...t.x.shape] : t.x.shape) as [number, number, number, number, number];
    const [fd, fh, fw, fc, o] = t.filter.shape as [number, number, number, number, number];
    if (fc !== c) throw new PolytensorError(`${op}: x has ${c} channels but the filter expects ${fc}: x ${fmt(t.x.shape)}, filter ${fmt(t.filter.shape)}`);
    const [sd, sh, sw] = triple(op, 'strides', strides);
    const [dd, dh, dw] = triple(op, 'dilations', dilations);
    if ((sd > 1 || sh > 1 || sw > 1) && (dd > 1 || dh > 1 || dw > 1)) {
      throw new PolytensorError(`${op}: strides ${JSON.stringify(strides)} and dilations ${JSON.stringify(dilations)}: either strides or dilations must be 1`);
    }
    const depth = axisGeometry(op, d, fd, sd, dd, pad, 'depth');
    const od = depth.out;
    const info = computeConv2DInfo(op, [b * od, h, w, c], [fh, fw, c, o], [sh, sw], pad, [dh, dw]);
    return ENGINE.tidy(() => {
      const x5 = unbatched ? reshape(t.x, [1, d, h, w, c]) : t.x;
      // Zero depth padding: a tap in it adds 0·weight. Extra rows at the end are never read (they keep the strided reshape whole).
      const need = (fd - 1) * dd + od * sd;
      const padded = padOp(x5, [
        [0, 0],
        [depth.before, Math.max(0, need - depth.before - d)],
        [0, 0],
        [0, 0],
        [0, 0],
      ]);
      let out: Tensor | null = null;
      for (let k = 0; k < fd; k++) {
        let taps = slice(padded, [0, k * dd, 0, 0, 0], [b, od * sd, h, w, c]);
        if (sd > 1) taps = slice(reshape(taps, [b, od, sd, h, w, c]), [0, 0, 0, 0, 0, 0], [b, od, 1, h, w, c]);
        const weights = reshape(slice(t.filter, [k, 0, 0, 0, 0], [1, fh, fw, c, o]), [fh, fw, c, o]);
        const y = conv2dWithInfo(reshape(taps, [b * od, h, w, c]), weights, info);
        out = out ? add(out, y) : y;
      }
      return reshape(out!, unbatched ? [od, info.outHeight, info.outWidth, o] : [b, od, info.outHeight, info.outWidth, o]);
    });
  });
}
