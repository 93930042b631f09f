import { flipLeftRight } from './flip_left_right.js';
import { resizeBilinear, resizeNearestNeighbor } from './resize.js';

/**
 * tfjs' `tf.image` namespace: image ops, NHWC.
 * @example image.resizeBilinear(images, [32, 32]); image.flipLeftRight(images)
 */
export const image = { resizeBilinear, resizeNearestNeighbor, flipLeftRight } as const;
