// No GPU buffer leak over 1,000 training steps (the shared suite,
// tools/vitest/training_leak.ts): core's tensor and buffer counts, this
// backend's data ids, tfjs's tensor-map entries, the buffer manager's
// used/free buffer counts and bytes, and the compiled pipelines are all flat
// after warm-up. The model is tiny (SwiftShader is slow) but exercises every
// path a training step takes: dense + conv forward and backward, pooling,
// softmax cross-entropy, Adam's update, the loss read back every step.
import { tinyCnnCase, trainingLeakSuite } from '../../../tools/vitest/training_leak.js';
import { newBackend } from './test_util.js';

trainingLeakSuite('data ids and GPU buffers stay flat', {
  create: newBackend,
  ...tinyCnnCase({ inputShape: [6, 6, 1], filters: 4, hidden: 8, hiddenActivation: 'tanh', classes: 3, learningRate: 0.01 }),
  batch: 6,
  nonZero: ['buffersInUse', 'compiledPipelines'],
});
