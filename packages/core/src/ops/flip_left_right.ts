import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { convert, tensor } from './convert.js';
import { gather } from './gather.js';
import { ENGINE } from '../engine/engine.js';

/**
 * Mirror images [batch, h, w, C] left to right (the width axis reversed), any
 * dtype; a gather, so values are copied exactly and the gradient is flipped back.
 * @example image.flipLeftRight(images)
 */
export function flipLeftRight(image: TensorLike): Tensor {
  const op = 'flipLeftRight';
  const [t, own] = convert(op, 'image', image, 'float32');
  try {
    if (t.rank !== 4) throw new PolytensorError(`${op}: image must be rank 4 [batch, height, width, channels], got shape ${fmt(t.shape)}`);
    const w = t.shape[2]!;
    return ENGINE.tidy(() =>
      gather(
        t,
        tensor(
          Int32Array.from({ length: w }, (_, i) => w - 1 - i),
          [w],
          'int32',
        ),
        2,
      ),
    );
  } finally {
    if (own) t.dispose();
  }
}
