import { broadcastStrides, type TensorInfo } from '@polytensor/core';
import { broadcastMode, coordsSnippet, dotStrides, type BroadcastMode, type Uniform } from '../programs.js';

/**
 * Shared plumbing of the broadcasting elementwise kernels (binary, where):
 * per input, GLSL that reads its value for output index `i`, plus the
 * uniforms (output shape, input strides) that make one compiled program serve
 * every shape of a given rank and broadcast pattern.
 */
export interface ElementwisePlan {
  /** GLSL declaring `float <name>v` for each input, given `int i`. */
  readonly reads: string;
  readonly uniforms: Uniform[];
  readonly values: number[][];
  /** Part of the program's identity (appears in the GLSL, so it keys the shader cache). */
  readonly key: string;
}

export function elementwisePlan(names: readonly string[], inputs: readonly TensorInfo[], outShape: readonly number[]): ElementwisePlan {
  const rank = Math.max(1, outShape.length);
  const shape = outShape.length ? [...outShape] : [1];
  const modes: BroadcastMode[] = inputs.map((t) => broadcastMode(t.shape, outShape));
  const uniforms: Uniform[] = [];
  const values: number[][] = [];
  const needCoords = modes.includes('bcast');
  if (needCoords) {
    uniforms.push({ name: 'ptOutShape', type: 'int', arrayIndex: rank });
    values.push(shape);
  }
  const lines: string[] = [];
  if (needCoords) lines.push(coordsSnippet(rank, 'ptOutShape'));
  names.forEach((n, k) => {
    const getter = `get${n.charAt(0).toUpperCase()}${n.slice(1)}`;
    const mode = modes[k]!;
    if (mode === 'same') lines.push(`float ${n}v = ${getter}(i);`);
    else if (mode === 'scalar') lines.push(`float ${n}v = ${getter}(0);`);
    else {
      const s = `ptStrides_${n}`;
      uniforms.push({ name: s, type: 'int', arrayIndex: rank });
      const st = broadcastStrides(inputs[k]!.shape, shape);
      values.push(st);
      lines.push(`float ${n}v = ${getter}(${dotStrides(rank, s)});`);
    }
  });
  return { reads: lines.join('\n'), uniforms, values, key: modes.join(',') };
}
