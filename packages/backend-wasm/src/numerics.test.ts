// Regressions of issue 15 on the kernels themselves (the shared suite,
// tools/vitest/kernel_numerics.ts): tfjs/XNNPACK kernels that drop NaN from
// max pooling, clamp a NaN average to −Infinity, multiply in float32 and lose
// digits in log-softmax near 0. Wide pooling windows take XNNPACK's vector path.
import { expect, it } from 'vitest';
import { kernelNumericsSuite } from '../../../tools/vitest/kernel_numerics.js';
import { createWasmBackend } from './index.js';

kernelNumericsSuite(
  'wasm kernels on the numerics of issue 15',
  { create: createWasmBackend, prodRelError: 2 ** -22, logSoftmaxUlps: 4 },
  ({ backend, t, read }) => {
    it('prod: int32 products still wrap modulo 2^32 (as tfjs does)', () => {
      expect(read(backend().kernels.reduce('prod', t([65536, 65537], [2], 'int32'), [0]))).toEqual([65536]);
    });
  },
);
