/**
 * tfjs' `tf.image` namespace (core exports it as `image`): image ops, NHWC.
 * @example image.resizeBilinear(images, [32, 32]); image.flipLeftRight(images)
 */
export { flipLeftRight } from './flip_left_right.js';
export { resizeBilinear, resizeNearestNeighbor } from './resize.js';
