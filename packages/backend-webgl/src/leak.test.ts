// No texture leak over 1,000 training steps (the shared suite,
// tools/vitest/training_leak.ts): core's tensor and buffer counts, this
// backend's data ids, tfjs's texture-store entries, the texture manager's
// used/free texture counts and the compiled programs are all flat after
// warm-up. The model is tiny (SwiftShader is slow) but exercises every path a
// training step takes: dense + conv forward and backward, pooling, softmax
// cross-entropy, Adam's update, the loss read back every step.
import { tinyCnnCase, trainingLeakSuite } from '../../../tools/vitest/training_leak.js';
import { newBackend } from './test_util.js';

trainingLeakSuite('data ids and textures stay flat', {
  create: newBackend,
  ...tinyCnnCase({ inputShape: [6, 6, 1], filters: 4, hidden: 8, hiddenActivation: 'tanh', classes: 3, learningRate: 0.01 }),
  batch: 6,
  nonZero: ['texturesInUse', 'compiledPrograms'],
});
