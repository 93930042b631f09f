/**
 * Pooling windows holding NaN or ±Infinity. The contract (README): a NaN in a
 * window makes maxPool's output NaN, as max propagates it; ±Infinity are
 * ordinary values. avgPool follows IEEE sums: NaN, or +Infinity with
 * −Infinity, gives NaN. maxPoolGrad routes to the first max also when it is
 * ±Infinity (windows with NaN are not pinned for the gradient). The channel
 * counts cover vector widths (1, 3, 8, 17).
 */
import { computePool2DInfo, type Conv2DInfo, type PaddingSpec } from '@polytensor/core';
import { host, shapeStr, sizeOf, type HostTensor } from '../host.js';
import type { Rng } from '../rng.js';
import { avgPoolCase, avgPoolGradCase, maxPoolCase, maxPoolGradCase } from './pool_kernels.js';
import type { ConformanceCase } from './types.js';
import { uniformTensor } from './values.js';

interface Geometry {
  readonly x: [number, number, number, number];
  readonly size: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: PaddingSpec;
}

// biome-ignore format: geometry tables read best one case per line
const GEOMETRIES: readonly Geometry[] = [
  { x: [1, 5, 5, 8], size: 3, strides: 1, pad: 'same' },
  { x: [2, 7, 6, 3], size: 2, strides: 2, pad: 'valid' },
  { x: [1, 6, 7, 17], size: [2, 3], strides: [1, 2], pad: 'valid' },
  { x: [1, 5, 5, 1], size: 3, strides: 2, pad: [[1, 1], [0, 1]] },
  { x: [1, 4, 4, 3], size: 1, strides: 2, pad: 'valid' },
];

/** Random values with NaN / ±Inf at about one cell in eight (`nan: false`: ±Inf only). */
function sprinkled(shape: readonly number[], nan: boolean) {
  const specials = nan ? [NaN, Infinity, -Infinity] : [Infinity, -Infinity];
  return (r: Rng): HostTensor =>
    host(
      shape,
      r.array(sizeOf(shape), (q) => (q.bool(0.125) ? q.pick(specials) : q.float(-2, 2))),
    );
}

/** Rows of three cells, one window each: NaN first, middle, last; ±Inf; +Inf with −Inf. */
const ROWS: readonly (readonly number[])[] = [
  [NaN, 1, 2],
  [1, NaN, 2],
  [1, 2, NaN],
  [NaN, NaN, NaN],
  [Infinity, 1, 2],
  [1, 2, -Infinity],
  [-Infinity, -Infinity, -Infinity],
  [Infinity, -Infinity, 1],
];

function cases(name: string, info: Conv2DInfo, x: (r: Rng) => HostTensor, xNoNaN: (r: Rng) => HostTensor): ConformanceCase[] {
  return [
    maxPoolCase(name, info, x),
    avgPoolCase(name, info, x),
    maxPoolGradCase(`${name} (±Inf only)`, info, uniformTensor(info.outShape, -2, 2), xNoNaN),
    avgPoolGradCase(`${name} (in dy)`, info, sprinkled(info.outShape, true)),
  ];
}

function geometryCases(g: Geometry): ConformanceCase[] {
  const info = computePool2DInfo('conformance', g.x, g.size, g.strides, g.pad);
  const pad = typeof g.pad === 'string' ? g.pad : JSON.stringify(g.pad);
  const name = `NaN, ±Inf in windows: x ${shapeStr(g.x)} window ${JSON.stringify(g.size)} strides ${JSON.stringify(g.strides)} ${pad}`;
  return cases(name, info, sprinkled(info.inShape, true), sprinkled(info.inShape, false));
}

function rowCases(): ConformanceCase[] {
  const shape: [number, number, number, number] = [1, ROWS.length, 3, 1];
  const info = computePool2DInfo('conformance', shape, [1, 3], 1, 'valid');
  const x = (): HostTensor => host(shape, ROWS.flat());
  const noNaN = (): HostTensor =>
    host(
      shape,
      ROWS.flat().map((v) => (Number.isNaN(v) ? 0.5 : v)),
    );
  return cases('NaN first/middle/last, ±Inf, +Inf with −Inf: one [1,3] window per row', info, x, noNaN);
}

/** maxPool, avgPool and both gradients with NaN / ±Infinity inside windows. */
export const poolSpecialCases: readonly ConformanceCase[] = [...rowCases(), ...GEOMETRIES.flatMap(geometryCases)];
