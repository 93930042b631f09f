import type { Conv2DInfo, FusedActivation, TensorInfo } from '@polytensor/core';
import type { WebGPUStore } from '../store.js';
import { writeOutput } from './mat_mul_blocked.js';
import { transposeKernel } from './movement.js';

/** Pixels × channels each thread computes (as mat_mul_blocked.ts: no workgroup memory, no barriers). */
const BLOCK = 4;
const LANES = [0, 1, 2, 3];

/**
 * WGSL giving each of the thread's 4 pixels (flat index `pb·4 + i` of a
 * [B, H, W] grid, clamped to the last so reads stay in bounds) its
 * coordinates `b${i}`, `h${i}`, `w${i}`.
 */
function pixelCoords(P: number, H: number, W: number): string {
  return LANES.map(
    (i) =>
      `  let p${i} = min(pb * ${BLOCK} + ${i}, ${P - 1});\n` +
      `  let b${i} = p${i} / ${H * W};\n` +
      `  let h${i} = (p${i} - b${i} * ${H * W}) / ${W};\n` +
      `  let w${i} = p${i} - b${i} * ${H * W} - h${i} * ${W};`,
  ).join('\n');
}

/**
 * The tap loop twice: unguarded where all 4 pixels' taps are real input cells
 * (the interior: one branch per tap, uniform across neighbouring threads,
 * which share their pixels), and with each product selected by its pixel's
 * validity at the borders.
 */
function bothWays(loop: (guard: (product: string, i: number) => string) => string[]): string[] {
  return [
    '      if (v0 && v1 && v2 && v3) {',
    ...loop((product) => product),
    '      } else {',
    ...loop((product, i) => `select(vec4<f32>(0.0), ${product}, v${i})`),
    '      }',
  ];
}

/** The guarded writes of the 4×4 block: pixel p, channel c0 + j of a C-channel output. */
function blockWrites(s: WebGPUStore, P: number, C: number, activation: FusedActivation, bias: boolean): string {
  return LANES.map(
    (i) =>
      `  if (pb * ${BLOCK} + ${i} < ${P}) {\n${LANES.map(
        (j) =>
          `    if (c0 + ${j} < ${C}) { ${writeOutput(s, activation, `acc${i}[${j}]`, bias ? `c0 + ${j}` : null, `(pb * ${BLOCK} + ${i}) * ${C} + c0 + ${j}`)} }`,
      ).join('\n')}\n  }`,
  ).join('\n');
}

/**
 * NHWC conv2d (+ bias, activation), each thread 4 output pixels × 4 output
 * channels: per filter tap and input channel, four x values and one vec4 of
 * the filter (contiguous over output channels) feed 16 products. Taps that
 * fall in the padding are skipped (select of the product, not a multiply by
 * 0, so an infinite weight there adds nothing), as the direct loops do; the
 * sum runs over (fh, fw, ic) in order.
 */
export function conv2dBlocked(
  s: WebGPUStore,
  x: TensorInfo,
  filter: TensorInfo,
  info: Conv2DInfo,
  bias: TensorInfo | null,
  activation: FusedActivation,
  op: string,
): TensorInfo {
  const { inHeight: IH, inWidth: IW, inChannels: IC, outHeight: OH, outWidth: OW, outChannels: OC } = info;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW, padTop: PT, padLeft: PL } = info;
  const P = info.batchSize * OH * OW;
  const PB = Math.ceil(P / BLOCK);
  const CB = Math.ceil(OC / BLOCK);
  const vecF = OC % 4 === 0;
  const fRow = vecF ? `F[(fb + ic * ${OC} + c0) / 4]` : `vec4<f32>(${LANES.map((j) => `F[fb + ic * ${OC} + min(c0 + ${j}, ${OC - 1})]`).join(', ')})`;
  const body = [
    `  if (index >= ${PB * CB}) { return; }`,
    `  let pb = index / ${CB};`,
    `  let c0 = (index - pb * ${CB}) * ${BLOCK};`,
    pixelCoords(P, OH, OW),
    ...LANES.map((i) => `  var acc${i} = vec4<f32>(0.0);`),
    `  for (var fh = 0; fh < ${FH}; fh = fh + 1) {`,
    `    for (var fw = 0; fw < ${FW}; fw = fw + 1) {`,
    ...LANES.map(
      (i) =>
        `      let ih${i} = h${i} * ${SH} - ${PT} + fh * ${DH};\n` +
        `      let iw${i} = w${i} * ${SW} - ${PL} + fw * ${DW};\n` +
        `      let v${i} = ih${i} >= 0 && ih${i} < ${IH} && iw${i} >= 0 && iw${i} < ${IW};\n` +
        `      let x${i} = select(0, ((b${i} * ${IH} + ih${i}) * ${IW} + iw${i}) * ${IC}, v${i});`,
    ),
    `      let fb = (fh * ${FW} + fw) * ${IC * OC};`,
    ...bothWays((guard) => [
      `      for (var ic = 0; ic < ${IC}; ic = ic + 1) {`,
      `        let f = ${fRow};`,
      ...LANES.map((i) => `        acc${i} = acc${i} + ${guard(`X[x${i} + ic] * f`, i)};`),
      '      }',
    ]),
    '    }',
    '  }',
    blockWrites(s, P, OC, activation, bias !== null),
  ].join('\n');
  const names = bias ? ['X', 'F', 'BIAS'] : ['X', 'F'];
  const inputs = bias ? [x, filter, bias] : [x, filter];
  const comps: (1 | 4)[] = bias ? [1, vecF ? 4 : 1, 1] : [1, vecF ? 4 : 1];
  return s.run(op, names, inputs, info.outShape, 'float32', body, '', undefined, { inputComponents: comps, threads: PB * CB });
}

/**
 * dx[b, ih, iw, ic] = Σ over (fh, fw, oc) of dy[b, oh, ow, oc]·filter[fh, fw, ic, oc]
 * where ih = oh·SH − PT + fh·DH (and so for columns): each thread 4 input
 * pixels × 4 input channels, summing in (fh, fw, oc) order. The filter is
 * first transposed to [fh, fw, oc, ic] (a small pass), so that for each oc
 * the thread's 4 input channels are one vec4 and neighbouring threads read
 * neighbouring vec4s, while the 4 dy values are shared: the forward
 * program's pattern, with the roles of the channels swapped.
 */
export function conv2dBackpropInputBlocked(s: WebGPUStore, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { inHeight: IH, inWidth: IW, inChannels: IC, outHeight: OH, outWidth: OW, outChannels: OC } = info;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW, padTop: PT, padLeft: PL } = info;
  const P = info.batchSize * IH * IW;
  const PB = Math.ceil(P / BLOCK);
  const CB = Math.ceil(IC / BLOCK);
  const vec = IC % 4 === 0;
  const g = vec ? `FT[(fb + oc * ${IC} + c0) / 4]` : `vec4<f32>(${LANES.map((j) => `FT[fb + oc * ${IC} + min(c0 + ${j}, ${IC - 1})]`).join(', ')})`;
  const inner = bothWays((guard) => [
    `      for (var oc = 0; oc < ${OC}; oc = oc + 1) {`,
    `        let g = ${g};`,
    ...LANES.map((i) => `        acc${i} = acc${i} + ${guard(`DY[y${i} + oc] * g`, i)};`),
    '      }',
  ]);
  const body = [
    `  if (index >= ${PB * CB}) { return; }`,
    `  let pb = index / ${CB};`,
    `  let c0 = (index - pb * ${CB}) * ${BLOCK};`,
    pixelCoords(P, IH, IW),
    ...LANES.map((i) => `  var acc${i} = vec4<f32>(0.0);`),
    `  for (var fh = 0; fh < ${FH}; fh = fh + 1) {`,
    `    for (var fw = 0; fw < ${FW}; fw = fw + 1) {`,
    ...LANES.map(
      (i) =>
        `      let th${i} = h${i} + ${PT} - fh * ${DH};\n` +
        `      let tw${i} = w${i} + ${PL} - fw * ${DW};\n` +
        `      let oh${i} = th${i} / ${SH};\n` +
        `      let ow${i} = tw${i} / ${SW};\n` +
        `      let v${i} = th${i} >= 0 && tw${i} >= 0 && th${i} % ${SH} == 0 && tw${i} % ${SW} == 0 && oh${i} < ${OH} && ow${i} < ${OW};\n` +
        `      let y${i} = select(0, ((b${i} * ${OH} + oh${i}) * ${OW} + ow${i}) * ${OC}, v${i});`,
    ),
    `      let fb = (fh * ${FW} + fw) * ${IC * OC};`,
    ...inner,
    '    }',
    '  }',
    blockWrites(s, P, IC, 'linear', false),
  ].join('\n');
  const ft = transposeKernel(s, filter, [0, 1, 3, 2]);
  try {
    return s.run('conv2dBackpropInput', ['DY', 'FT'], [dy, ft], info.inShape, 'float32', body, '', undefined, {
      inputComponents: [1, vec ? 4 : 1],
      threads: PB * CB,
    });
  } finally {
    s.disposeTemp(ft);
  }
}
