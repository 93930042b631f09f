/** One case per pooling kernel against the float64 reference; the callers choose the inputs and names. */
import type { Conv2DInfo } from '@polytensor/core';
import type { HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import { kernelCase } from './harness.js';
import { accumulationJudge } from './judges.js';
import type { ConformanceCase } from './types.js';

type Gen = (r: Rng) => HostTensor;

/** maxPool: exact (it selects an input). */
export const maxPoolCase = (name: string, info: Conv2DInfo, x: Gen): ConformanceCase<'maxPool'> =>
  kernelCase({
    kernel: 'maxPool',
    name,
    inputs: (r) => [x(r)],
    call: (b, [t]) => b.kernels.maxPool(t!, info),
    expect: ([t]) => ({ shape: info.outShape, dtype: 'float32', ref: ref.maxPool(t!, info).values, judge: { kind: 'exact', signedZero: false } }),
  });

/** avgPool: a sum of the window and one division. */
export const avgPoolCase = (name: string, info: Conv2DInfo, x: Gen): ConformanceCase<'avgPool'> =>
  kernelCase({
    kernel: 'avgPool',
    name,
    inputs: (r) => [x(r)],
    call: (b, [t]) => b.kernels.avgPool(t!, info),
    expect: ([t], num) => {
      const a = ref.avgPool(t!, info);
      return { shape: info.outShape, dtype: 'float32', ref: a.out.values, judge: accumulationJudge(a, num, 1) };
    },
  });

/** maxPoolGrad: dy routed to each window's first max, summed where windows overlap. */
export const maxPoolGradCase = (name: string, info: Conv2DInfo, dy: Gen, x: Gen): ConformanceCase<'maxPoolGrad'> =>
  kernelCase({
    kernel: 'maxPoolGrad',
    name,
    inputs: (r) => [dy(r), x(r)],
    call: (b, [g, t]) => b.kernels.maxPoolGrad(g!, t!, info),
    expect: ([g, t], num) => {
      const a = ref.maxPoolGrad(g!, t!, info);
      return { shape: info.inShape, dtype: 'float32', ref: a.out.values, judge: accumulationJudge(a, num) };
    },
  });

/** avgPoolGrad: dy spread evenly over each window, summed where windows overlap. */
export const avgPoolGradCase = (name: string, info: Conv2DInfo, dy: Gen): ConformanceCase<'avgPoolGrad'> =>
  kernelCase({
    kernel: 'avgPoolGrad',
    name,
    inputs: (r) => [dy(r)],
    call: (b, [g]) => b.kernels.avgPoolGrad(g!, info),
    expect: ([g], num) => {
      const a = ref.avgPoolGrad(g!, info);
      return { shape: info.inShape, dtype: 'float32', ref: a.out.values, judge: accumulationJudge(a, num, 1) };
    },
  });
