import { ENGINE } from '../engine/engine.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { convert } from './convert.js';
import { reshape } from './reshape.js';

/**
 * @internal tfjs's single-image convenience for the 2-D image ops: an input of
 * rank 3 [h, w, c] runs as a batch of one and the result comes back without
 * its batch axis ([oh, ow, oc]); any other rank goes to `run` unchanged (whose
 * checks then name the shape). Gradients flow through the two reshapes.
 */
export function imageAsBatch(op: string, x: TensorLike, run: (x: Tensor) => Tensor): Tensor {
  const [t, owned] = convert(op, 'x', x);
  try {
    if (t.rank !== 3) return run(t);
    return ENGINE.tidy(() => {
      const y = run(reshape(t, [1, ...t.shape]));
      return reshape(y, y.shape.slice(1));
    });
  } finally {
    if (owned) t.dispose();
  }
}
