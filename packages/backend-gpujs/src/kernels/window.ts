// What the pooling kernels (and the convolutions' packers) share: the window
// geometry as float uniforms, the run of a kernel over an NHWC index space,
// and the two window walks as code.
import { sizeOfShape, type Conv2DInfo, type TensorInfo } from '@polytensor/core';
import type { GpuTexture } from '../gpujs.js';
import type { NativeSpec } from '../runtime.js';
import type { GpujsStore } from '../store.js';
import { indexSpace } from '../util/shape.js';

/** The uniform names of a window geometry and the Conv2DInfo field each carries. */
const WINDOW_FIELDS = {
  H: 'inHeight',
  W: 'inWidth',
  C: 'inChannels',
  OH: 'outHeight',
  OW: 'outWidth',
  FH: 'filterHeight',
  FW: 'filterWidth',
  SH: 'strideHeight',
  SW: 'strideWidth',
  DH: 'dilationHeight',
  DW: 'dilationWidth',
  PT: 'padTop',
  PL: 'padLeft',
} as const satisfies Record<string, keyof Conv2DInfo>;

/** A window geometry uniform's name. */
export type WindowUniform = keyof typeof WINDOW_FIELDS;

const ALL_WINDOW_UNIFORMS = Object.keys(WINDOW_FIELDS) as WindowUniform[];

/** The named geometry uniforms of `info` (all of them by default), as (name, value). */
export function windowUniforms<N extends WindowUniform>(info: Conv2DInfo, names: readonly N[] = ALL_WINDOW_UNIFORMS as N[]): Array<readonly [N, number]> {
  return names.map((n) => [n, info[WINDOW_FIELDS[n]]] as const);
}

/**
 * Run a pooling-shaped kernel over NHWC `shape` (index names b, y, x, c), with
 * the window geometry as uniforms and the given texture inputs.
 */
export function runPool(
  s: GpujsStore,
  key: string,
  shape: readonly number[],
  info: Conv2DInfo,
  inputs: ReadonlyArray<readonly [string, GpuTexture]>,
  body: string,
  natives: readonly NativeSpec[] = [],
): GpuTexture {
  const space = indexSpace(shape, ['b', 'y', 'x', 'c'], s.rt.maxTextureSize);
  const uniforms = [...windowUniforms(info), ...space.params];
  return s.rt.run(
    {
      key: `${key}:${space.key}`,
      params: [...inputs.map(([n]) => [n, 'tex'] as const), ...uniforms.map(([n]) => [n, 'float'] as const)],
      body: `${space.prologue}\n${body}`,
      loop: Math.max(info.filterHeight, info.filterWidth),
      natives,
    },
    space.dims,
    [...inputs.map(([, t]) => t), ...uniforms.map(([, v]) => v)],
  );
}

/** A kernel over the output pixels of x's windows (`xs` is x's texture in `body`). */
export function overWindows(s: GpujsStore, key: string, x: TensorInfo, info: Conv2DInfo, body: string): GpuTexture {
  return runPool(s, key, info.outShape, info, [['xs', s.tex(x)]], body);
}

/** A forward pooling kernel: `body` per output pixel (see overWindows); an empty output is empty. */
export function poolForward(s: GpujsStore, key: string, x: TensorInfo, info: Conv2DInfo, body: string): TensorInfo {
  if (sizeOfShape(info.outShape) === 0) return s.outEmpty(info.outShape, 'float32');
  return s.outTex(overWindows(s, key, x, info, body), info.outShape, 'float32');
}

/** A pooling gradient over the input's shape: `run` makes its texture; no windows give zeros, an empty input is empty. */
export function poolGradient(s: GpujsStore, info: Conv2DInfo, run: () => GpuTexture): TensorInfo {
  const n = sizeOfShape(info.inShape);
  if (n === 0) return s.outEmpty(info.inShape, 'float32');
  const tex = sizeOfShape(info.outShape) === 0 ? s.fill(n, 0) : run();
  return s.outTex(tex, info.inShape, 'float32');
}

/** The window loop over real (non-padding) cells of output pixel (y, x); `cell` sees ih, iw and `at` (the flat input index). */
export function windowLoop(cell: string): string {
  return `for (let fh = 0; fh < FH; fh++) {
  const ih = y * SH - PT + fh * DH;
  if (ih >= 0.0 && ih < H) {
    for (let fw = 0; fw < FW; fw++) {
      const iw = x * SW - PL + fw * DW;
      if (iw >= 0.0 && iw < W) {
        const at = ((b * H + ih) * W + iw) * C + c;
        ${cell}
      }
    }
  }
}`;
}

/**
 * JavaScript looping over the output windows that contain input pixel (y, x):
 * oh = (y + pt − fh·dh)/sh when whole and in range, likewise ow. `visit` sees
 * `o`, the flat index of that output element.
 */
export function windowsContaining(visit: string): string {
  return `for (let fh = 0; fh < FH; fh++) {
  const th = y + PT - fh * DH;
  if (th >= 0.0) {
    const oh = qdiv(th, SH);
    if (oh * SH == th && oh < OH) {
      for (let fw = 0; fw < FW; fw++) {
        const tw = x + PL - fw * DW;
        if (tw >= 0.0) {
          const ow = qdiv(tw, SW);
          if (ow * SW == tw && ow < OW) {
            const o = ((b * OH + oh) * OW + ow) * C + c;
            ${visit}
          }
        }
      }
    }
  }
}`;
}
