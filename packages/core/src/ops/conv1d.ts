import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { conv2dWithInfo } from './conv2d.js';
import { computeConv2DInfo, formatThenDilations } from './conv_util.js';
import { assertDType, withTensors } from './convert.js';
import { reshape } from './reshape.js';

/** 'same' / 'valid' as in TensorFlow, a number of zeros on both sides, or explicit [left, right]. */
export type Padding1D = 'same' | 'valid' | number | readonly [number, number];

function positive(op: string, name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new PolytensorError(`${op}: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return v as number;
}

/**
 * 1-D convolution: x [batch, width, inC] (or [width, inC]) with filter
 * [filterWidth, inC, outC] → [batch, outWidth, outC]. Runs as conv2d on
 * [batch, 1, width, inC], so conv2d's kernels and gradients serve. tfjs'
 * signature: `dataFormat` (only 'NWC') comes before `dilation`; a number there
 * is taken as the dilation. Stride and dilation cannot both exceed 1.
 * @example conv1d(signal, kernel, 1, 'same') // [8, 100, 3] * [5, 3, 16] → [8, 100, 16]
 * @example conv1d(signal, kernel, 1, [4, 0], 'NWC', 2) // dilation 2, padded on the left only (causal for a width-3 filter)
 */
export function conv1d(x: TensorLike, filter: TensorLike, stride = 1, pad: Padding1D = 'valid', dataFormat: 'NWC' | number = 'NWC', dilation?: number): Tensor {
  const op = 'conv1d';
  return withTensors(op, { x, filter }, (t) => {
    assertDType(op, 'x', t.x, ['float32']);
    assertDType(op, 'filter', t.filter, ['float32']);
    if (t.x.rank !== 3 && t.x.rank !== 2) {
      throw new PolytensorError(`${op}: x must be rank 3 [batch, width, channels] or rank 2 [width, channels], got shape ${fmt(t.x.shape)}`);
    }
    if (t.filter.rank !== 3) {
      throw new PolytensorError(`${op}: filter must be rank 3 [filterWidth, inChannels, outChannels], got shape ${fmt(t.filter.shape)}`);
    }
    const unbatched = t.x.rank === 2;
    const [batch, width, inC] = (unbatched ? [1, ...t.x.shape] : t.x.shape) as [number, number, number];
    const [fw, fIn, outC] = t.filter.shape as [number, number, number];
    if (fIn !== inC) {
      throw new PolytensorError(`${op}: x has ${inC} channels but the filter expects ${fIn}: x ${fmt(t.x.shape)}, filter ${fmt(t.filter.shape)}`);
    }
    const s = positive(op, 'stride', stride);
    const d = positive(op, 'dilation', formatThenDilations(op, dataFormat, dilation, 'NWC', 1));
    let pad2: 'same' | 'valid' | [[number, number], [number, number]];
    const explicit: 'same' | 'valid' | readonly number[] = typeof pad === 'number' ? [pad, pad] : pad;
    if (explicit === 'same' || explicit === 'valid') pad2 = explicit;
    else if (Array.isArray(explicit) && explicit.length === 2 && explicit.every((n) => Number.isInteger(n) && n >= 0)) {
      pad2 = [
        [0, 0],
        [explicit[0]!, explicit[1]!],
      ];
    } else {
      throw new PolytensorError(`${op}: padding must be 'same', 'valid', a number or [left, right] of non-negative integers, got ${JSON.stringify(pad)}`);
    }
    const padded = width + (Array.isArray(pad2) ? pad2[1][0] + pad2[1][1] : 0);
    if (pad2 !== 'same' && (fw - 1) * d + 1 > padded) {
      throw new PolytensorError(
        `${op}: the filter (width ${fw}, dilation ${d}) is wider than the padded input (width ${padded}); use padding 'same' or a smaller filter`,
      );
    }
    const info = computeConv2DInfo(op, [batch, 1, width, inC], [1, fw, inC, outC], [1, s], pad2, [1, d]);
    return ENGINE.tidy(() => {
      const y = conv2dWithInfo(reshape(t.x, [batch, 1, width, inC]), reshape(t.filter, [1, fw, inC, outC]), info);
      return reshape(y, unbatched ? [info.outWidth, outC] : [batch, info.outWidth, outC]);
    });
  });
}
