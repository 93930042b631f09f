// Regressions of issue 15 on this backend's kernels (the shared suite,
// tools/vitest/kernel_numerics.ts): tfjs's MaxPool skipped NaN cells and
// started from −1e20, prod multiplied in float32, and log-softmax took the
// log of a float32 sum. WebGL 2 and 1 in Chromium, WebGL 1 on headless-gl.
import { kernelNumericsSuite } from '../../../tools/vitest/kernel_numerics.js';
import { newBackend } from './test_util.js';

kernelNumericsSuite('webgl kernels on the numerics of issue 15', { create: newBackend, prodRelError: 2 ** -21, logSoftmaxUlps: 16 });
