// Layers that move, pad, crop or repeat values, and the identities at inference.
import { PolytensorError, type Cropping2D, type Permute, type RepeatVector, type Reshape, type UpSampling2D, type ZeroPadding2D } from '@polytensor/core';
import { reshape, toChannelsFirst, toChannelsLast, transpose, unsqueeze } from '../ops.js';
import type { Converter, LayerCall } from './types.js';

/** Dropout at inference, and an InputLayer: the value itself. */
export const identity: Converter = ({ inputs }) => [inputs[0]!];

export const flatten: Converter = ({ g, layer, inputs }) => [g.op1('Flatten', [inputs[0]!], layer.name, { axis: 1 })];

/** 0 keeps the batch dimension as it comes. */
export const reshapeLayer: Converter = ({ g, layer, inputs }: LayerCall<Reshape>) => [reshape(g, inputs[0]!, [0, ...layer.targetShape], layer.name)];

export const permute: Converter = ({ g, layer, inputs }: LayerCall<Permute>) => [transpose(g, inputs[0]!, [0, ...layer.dims], layer.name)];

/** [b, f] → [b, 1, f] broadcast to [b, n, f]. */
export const repeatVector: Converter = ({ g, layer, inputs }: LayerCall<RepeatVector>) => [
  g.op1('Expand', [unsqueeze(g, inputs[0]!, [1], layer.name), g.ints([1, layer.n, 1])], layer.name),
];

export const zeroPadding2d: Converter = ({ g, layer, inputs }: LayerCall<ZeroPadding2D>) => {
  const [[t, b], [l, r]] = layer.padding;
  return [g.op1('Pad', [inputs[0]!, g.ints([0, t, l, 0, 0, b, r, 0])], layer.name)];
};

/** Ends counted from the end (−bottom, −right), so any image size works. */
export const cropping2d: Converter = ({ g, layer, inputs }: LayerCall<Cropping2D>) => {
  const [[t, b], [l, r]] = layer.cropping;
  const end = (n: number): number => (n > 0 ? -n : Number.MAX_SAFE_INTEGER);
  return [g.op1('Slice', [inputs[0]!, g.ints([t, l]), g.ints([end(b), end(r)]), g.ints([1, 2])], layer.name)];
};

/**
 * Resize, channels-first. 'nearest' repeats values: source index ⌊i / scale⌋
 * ('asymmetric', 'floor'). 'bilinear' samples at (i + 0.5) / scale − 0.5,
 * clamped at the edges, as Keras ('half_pixel').
 */
export const upSampling2d: Converter = ({ g, layer, inputs }: LayerCall<UpSampling2D>) => {
  const p = layer.name;
  const scales = g.constant([1, 1, ...layer.size]);
  const attrs =
    layer.interpolation === 'nearest'
      ? { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }
      : layer.interpolation === 'bilinear'
        ? { mode: 'linear', coordinate_transformation_mode: 'half_pixel' }
        : null;
  if (!attrs) throw new PolytensorError(`exportOnnx: ${p} (UpSampling2D): interpolation '${layer.interpolation}' has no ONNX form here`);
  const y = g.op1('Resize', [toChannelsFirst(g, inputs[0]!, 4, p), '', scales], p, attrs);
  return [toChannelsLast(g, y, 4, p)];
};
