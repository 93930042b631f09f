import { sizeOfShape, type Conv2DInfo, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { GpuTexture } from '../gpujs.js';
import type { NativeSpec } from '../runtime.js';
import type { GpujsStore } from '../store.js';
import { indexSpace, type IndexSpace } from '../util/shape.js';

/** Uniforms of a pooling window geometry. */
export function poolUniforms(info: Conv2DInfo): Array<readonly [string, number]> {
  return [
    ['H', info.inHeight],
    ['W', info.inWidth],
    ['C', info.inChannels],
    ['OH', info.outHeight],
    ['OW', info.outWidth],
    ['FH', info.filterHeight],
    ['FW', info.filterWidth],
    ['SH', info.strideHeight],
    ['SW', info.strideWidth],
    ['DH', info.dilationHeight],
    ['DW', info.dilationWidth],
    ['PT', info.padTop],
    ['PL', info.padLeft],
  ];
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
  body: (space: IndexSpace) => string,
  natives: readonly NativeSpec[] = [],
): GpuTexture {
  const space = indexSpace(shape, ['b', 'y', 'x', 'c'], s.rt.maxTextureSize);
  const uniforms = [...poolUniforms(info), ...space.params];
  return s.rt.run(
    {
      key: `${key}:${space.key}`,
      params: [...inputs.map(([n]) => [n, 'tex'] as const), ...uniforms.map(([n]) => [n, 'float'] as const)],
      body: `${space.prologue}\n${body(space)}`,
      loop: Math.max(info.filterHeight, info.filterWidth),
      natives,
    },
    space.dims,
    [...inputs.map(([, t]) => t), ...uniforms.map(([, v]) => v)],
  );
}

/** The window loop over real (non-padding) cells of output pixel (y, x); `cell` sees ih, iw and `v` (the value). */
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
 * Max over each window's real cells (−Infinity for a window of only padding).
 * A NaN anywhere in the window makes the result NaN (m = v + m spreads it), as
 * the max reduction does.
 */
export function maxPool(s: GpujsStore, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  if (sizeOfShape(info.outShape) === 0) return s.outEmpty(info.outShape, 'float32');
  const tex = runPool(
    s,
    'maxPool',
    info.outShape,
    info,
    [['xs', s.tex(x)]],
    () => `let m = -kc[1];
${windowLoop('const v = rd(xs, at);\n        if (v != v || m != m) { m = v + m; } else if (v > m) { m = v; }')}
return m;`,
  );
  return s.outTex(tex, info.outShape, 'float32');
}

/** The contract-level kernel. */
export const maxPoolKernel: KernelImpl<'maxPool', GpujsStore> = maxPool;
