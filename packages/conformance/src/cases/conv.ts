import { computeConv2DInfo, computePool2DInfo, type Conv2DInfo, type FusedActivation, type PaddingSpec } from '@polytensor/core';
import { host, shapeStr, sizeOf, type HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import { kernelCase } from './harness.js';
import { accumulationJudge, fusedJudge } from './judges.js';
import { avgPoolCase, avgPoolGradCase, maxPoolCase, maxPoolGradCase } from './pool_kernels.js';
import type { ConformanceCase } from './types.js';
import { uniformTensor } from './values.js';

const rand = (shape: readonly number[]) => uniformTensor(shape, -2, 2);

interface ConvGeometry {
  readonly x: [number, number, number, number];
  readonly f: [number, number, number, number];
  readonly strides: number | [number, number];
  readonly pad: PaddingSpec;
  readonly dilations?: number | [number, number];
}

/** Explicit, uneven padding with stride 2: checked plain and fused. */
// biome-ignore format: a padding matrix reads best on one line
const EXPLICIT_PAD: ConvGeometry = { x: [1, 6, 6, 2], f: [2, 2, 2, 3], strides: 2, pad: [[1, 2], [0, 1]] };

const CONVS: readonly ConvGeometry[] = [
  { x: [1, 5, 5, 1], f: [3, 3, 1, 1], strides: 1, pad: 'valid' },
  { x: [2, 6, 7, 3], f: [3, 2, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 7, 7, 2], f: [3, 3, 2, 3], strides: 2, pad: 'same' },
  { x: [1, 9, 8, 2], f: [3, 3, 2, 2], strides: 1, pad: 'valid', dilations: 2 },
  { x: [1, 8, 8, 2], f: [3, 2, 2, 2], strides: 1, pad: 'same', dilations: [2, 3] },
  EXPLICIT_PAD,
  { x: [1, 4, 4, 3], f: [1, 1, 3, 5], strides: 1, pad: 'valid' },
  { x: [3, 5, 6, 4], f: [4, 4, 4, 2], strides: [2, 3], pad: 'same' },
  { x: [1, 2, 2, 1], f: [3, 3, 1, 2], strides: 1, pad: 'same' },
  { x: [0, 4, 4, 2], f: [3, 3, 2, 2], strides: 1, pad: 'same' },
];

function describeGeometry(g: ConvGeometry): string {
  const pad = typeof g.pad === 'string' ? g.pad : JSON.stringify(g.pad);
  const dil = g.dilations && g.dilations !== 1 ? ` dilations ${JSON.stringify(g.dilations)}` : '';
  return `x ${shapeStr(g.x)} filter ${shapeStr(g.f)} strides ${JSON.stringify(g.strides)} ${pad}${dil}`;
}

function infoOf(g: ConvGeometry): Conv2DInfo {
  return computeConv2DInfo('conformance', g.x, g.f, g.strides, g.pad, g.dilations ?? 1);
}

/** conv2d and its two gradients: the shapes of their two inputs and of their output, and their float64 reference. */
const CONV_KERNELS = [
  { kernel: 'conv2d', inputs: ['inShape', 'filterShape'], out: 'outShape', reference: ref.conv2d },
  { kernel: 'conv2dBackpropInput', inputs: ['outShape', 'filterShape'], out: 'inShape', reference: ref.conv2dBackpropInput },
  { kernel: 'conv2dBackpropFilter', inputs: ['inShape', 'outShape'], out: 'filterShape', reference: ref.conv2dBackpropFilter },
] as const;

function convCases(g: ConvGeometry): ConformanceCase[] {
  const info = infoOf(g);
  const name = describeGeometry(g);
  return CONV_KERNELS.map(({ kernel, inputs: [p, q], out, reference }) =>
    kernelCase({
      kernel,
      name,
      inputs: (r) => [rand(info[p])(r), rand(info[q])(r)],
      call: (b, [u, v]) => b.kernels[kernel](u!, v!, info),
      expect: ([u, v], num) => {
        const a = reference(u!, v!, info);
        return { shape: info[out], dtype: 'float32', ref: a.out.values, judge: accumulationJudge(a, num) };
      },
    }),
  );
}

export const convCases2d: readonly ConformanceCase[] = CONVS.flatMap(convCases);

/** fusedConv2d: strides, SAME / VALID / explicit padding, dilations, with and without bias, every activation. */
const FUSED_CONVS: ReadonlyArray<readonly [ConvGeometry, FusedActivation, boolean]> = [
  [{ x: [1, 5, 5, 2], f: [3, 3, 2, 3], strides: 1, pad: 'valid' }, 'linear', false],
  [{ x: [2, 6, 7, 3], f: [3, 2, 3, 4], strides: 1, pad: 'same' }, 'linear', true],
  [{ x: [2, 7, 7, 2], f: [3, 3, 2, 3], strides: 2, pad: 'same' }, 'relu', true],
  [{ x: [1, 9, 8, 2], f: [3, 3, 2, 2], strides: 1, pad: 'valid', dilations: 2 }, 'relu', false],
  [{ x: [1, 8, 8, 2], f: [3, 2, 2, 2], strides: 1, pad: 'same', dilations: [2, 3] }, 'sigmoid', true],
  [EXPLICIT_PAD, 'sigmoid', false],
  [{ x: [3, 5, 6, 4], f: [4, 4, 4, 2], strides: [2, 3], pad: 'same' }, 'tanh', true],
  [{ x: [1, 4, 4, 3], f: [1, 1, 3, 5], strides: 1, pad: 'valid' }, 'tanh', false],
  [{ x: [0, 4, 4, 2], f: [3, 3, 2, 2], strides: 1, pad: 'same' }, 'relu', true],
];

function fusedConvCase(g: ConvGeometry, act: FusedActivation, withBias: boolean): ConformanceCase<'fusedConv2d'> {
  const info = infoOf(g);
  return kernelCase({
    kernel: 'fusedConv2d',
    name: `${act}${withBias ? ' + bias' : ''} ${describeGeometry(g)}`,
    inputs: (r) => [rand(info.inShape)(r), rand(info.filterShape)(r), ...(withBias ? [rand([info.outChannels])(r)] : [])],
    call: (b, [x, f, bias]) => b.kernels.fusedConv2d(x!, f!, bias ?? null, act, info),
    expect: ([x, f, bias], num) => {
      const a = ref.fusedConv2d(x!, f!, bias ?? null, act, info);
      return { shape: info.outShape, dtype: 'float32', ref: a.out.values, judge: fusedJudge(a, act, num) };
    },
  });
}

export const fusedConv2dCases: readonly ConformanceCase<'fusedConv2d'>[] = FUSED_CONVS.map(([g, act, bias]) => fusedConvCase(g, act, bias));

interface PoolGeometry {
  readonly x: [number, number, number, number];
  readonly size: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: PaddingSpec;
  /** Integer-valued inputs so windows hold ties (maxPoolGrad must route to the first). */
  readonly ties?: boolean;
}

// biome-ignore format: geometry tables read best one case per line
const POOLS: readonly PoolGeometry[] = [
  { x: [1, 4, 4, 1], size: 2, strides: 2, pad: 'valid' },
  { x: [2, 5, 5, 3], size: 3, strides: 1, pad: 'same' },
  { x: [2, 7, 6, 2], size: 3, strides: 2, pad: 'same' },
  { x: [1, 6, 7, 2], size: [2, 3], strides: [1, 2], pad: 'valid' },
  { x: [1, 5, 5, 1], size: 2, strides: 1, pad: [[1, 1], [1, 0]] },
  { x: [1, 6, 6, 2], size: 3, strides: 1, pad: 'same', ties: true },
  { x: [0, 4, 4, 2], size: 2, strides: 2, pad: 'same' },
];

function poolCases(g: PoolGeometry): ConformanceCase[] {
  const info = computePool2DInfo('conformance', g.x, g.size, g.strides, g.pad);
  const pad = typeof g.pad === 'string' ? g.pad : JSON.stringify(g.pad);
  const name = `x ${shapeStr(g.x)} window ${JSON.stringify(g.size)} strides ${JSON.stringify(g.strides)} ${pad}${g.ties ? ' with ties' : ''}`;
  const xGen = (r: Rng): HostTensor =>
    g.ties
      ? host(
          info.inShape,
          r.array(sizeOf(info.inShape), (q) => q.int(-1, 1)),
        )
      : rand(info.inShape)(r);
  const cases: ConformanceCase[] = [maxPoolCase(name, info, xGen), maxPoolGradCase(name, info, rand(info.outShape), xGen)];
  if (!g.ties) cases.push(avgPoolCase(name, info, xGen), avgPoolGradCase(name, info, rand(info.outShape)));
  return cases;
}

export const poolCases2d: readonly ConformanceCase[] = POOLS.flatMap(poolCases);
