/** One case per pooling kernel against the float64 reference; the callers choose the inputs and names. */
import type { Conv2DInfo } from '@polytensor/core';
import type { HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import { kernelCase, type KernelSpec } from './harness.js';
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

/** A pooling kernel whose outputs are sums (avgPool and the gradients), judged by their terms; `extraTerms` for avgPool's division. */
function accumulatedCase<K extends 'avgPool' | 'maxPoolGrad' | 'avgPoolGrad'>(
  kernel: K,
  name: string,
  gens: readonly Gen[],
  call: KernelSpec['call'],
  reference: (xs: readonly HostTensor[]) => ref.Accumulated,
  shape: readonly number[],
  extraTerms = 0,
): ConformanceCase<K> {
  return kernelCase({
    kernel,
    name,
    inputs: (r) => gens.map((g) => g(r)),
    call,
    expect: (xs, num) => {
      const a = reference(xs);
      return { shape, dtype: 'float32', ref: a.out.values, judge: accumulationJudge(a, num, extraTerms) };
    },
  });
}

/** avgPool: a sum of the window and one division. */
export const avgPoolCase = (name: string, info: Conv2DInfo, x: Gen): ConformanceCase<'avgPool'> =>
  accumulatedCase(
    'avgPool',
    name,
    [x],
    (b, [t]) => b.kernels.avgPool(t!, info),
    ([t]) => ref.avgPool(t!, info),
    info.outShape,
    1,
  );

/** maxPoolGrad: dy routed to each window's first max, summed where windows overlap. */
export const maxPoolGradCase = (name: string, info: Conv2DInfo, dy: Gen, x: Gen): ConformanceCase<'maxPoolGrad'> =>
  accumulatedCase(
    'maxPoolGrad',
    name,
    [dy, x],
    (b, [g, t]) => b.kernels.maxPoolGrad(g!, t!, info),
    ([g, t]) => ref.maxPoolGrad(g!, t!, info),
    info.inShape,
  );

/** avgPoolGrad: dy spread evenly over each window, summed where windows overlap. */
export const avgPoolGradCase = (name: string, info: Conv2DInfo, dy: Gen): ConformanceCase<'avgPoolGrad'> =>
  accumulatedCase(
    'avgPoolGrad',
    name,
    [dy],
    (b, [g]) => b.kernels.avgPoolGrad(g!, info),
    ([g]) => ref.avgPoolGrad(g!, info),
    info.inShape,
    1,
  );
