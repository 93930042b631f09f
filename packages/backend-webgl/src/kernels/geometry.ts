// The GLSL of this package's own conv/pool programs (tfjs has no program for
// these cases or computes them differently from the contract): the window
// geometry as uniforms, the decoding of an output index, and the two window
// walks, built as code so every program reads the geometry the same way.
import { sizeOfShape, type Conv2DInfo, type TensorInfo } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { loopBound } from './reduce_util.js';

/** The geometry uniforms of these programs (read by `GEOMETRY_LOCALS`). */
const GEOMETRY_UNIFORMS = [
  { name: 'ptIn', type: 'ivec4' as const },
  { name: 'ptOut', type: 'ivec4' as const },
  { name: 'ptFilt', type: 'ivec4' as const },
  { name: 'ptDil', type: 'ivec4' as const },
];

/** The values of `GEOMETRY_UNIFORMS` for `info`. */
function geometryValues(info: Conv2DInfo): number[][] {
  return [
    [info.batchSize, info.inHeight, info.inWidth, info.inChannels],
    [info.outHeight, info.outWidth, info.outChannels, 0],
    [info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth],
    [info.dilationHeight, info.dilationWidth, info.padTop, info.padLeft],
  ];
}

/** GLSL locals for the geometry (after `GEOMETRY_UNIFORMS`). */
const GEOMETRY_LOCALS = `
  int B = ptIn.x; int inH = ptIn.y; int inW = ptIn.z; int inC = ptIn.w;
  int outH = ptOut.x; int outW = ptOut.y; int outC = ptOut.z;
  int FH = ptFilt.x; int FW = ptFilt.y; int SH = ptFilt.z; int SW = ptFilt.w;
  int DH = ptDil.x; int DW = ptDil.y; int PT = ptDil.z; int PL = ptDil.w;
`;

/**
 * GLSL that splits the output index `o` into four coordinates, outermost first
 * (`names`), over the sizes of the inner three (`dims`, GLSL expressions):
 * names [b, r, c, d] over [inH, inW, inC] decodes an NHWC input index.
 */
function decodeIndex(names: readonly [string, string, string, string], dims: readonly [string, string, string]): string {
  const [n0, n1, n2, n3] = names;
  const [d1, d2, d3] = dims;
  return `int ${n3} = o - (o / ${d3}) * ${d3}; int t = o / ${d3};
      int ${n2} = t - (t / ${d2}) * ${d2}; t = t / ${d2};
      int ${n1} = t - (t / ${d1}) * ${d1}; int ${n0} = t / ${d1};`;
}

/** Output index decodings of the programs below: an NHWC input or output cell, an HWIO filter tap. */
export const DECODE = {
  /** (b, r, c, d): an input cell. */
  input: decodeIndex(['b', 'r', 'c', 'd'], ['inH', 'inW', 'inC']),
  /** (b, yr, yc, d): an output cell. */
  output: decodeIndex(['b', 'yr', 'yc', 'd'], ['outH', 'outW', 'outC']),
  /** (fh, fw, d1, d2): a filter tap. */
  filter: decodeIndex(['fh', 'fw', 'd1', 'd2'], ['FW', 'inC', 'outC']),
} as const;

/**
 * The GLSL names of one window axis: tap f of F (dilation D), input
 * coordinate x of inN, window y of outN with stride S and padding P; x0 is the
 * first input coordinate of window y.
 */
interface Axis {
  readonly f: string;
  readonly F: string;
  readonly D: string;
  readonly x: string;
  readonly inN: string;
  readonly x0: string;
  readonly y: string;
  readonly outN: string;
  readonly S: string;
  readonly P: string;
}

const ROWS: Axis = { f: 'fh', F: 'FH', D: 'DH', x: 'r', inN: 'inH', x0: 'r0', y: 'yr', outN: 'outH', S: 'SH', P: 'PT' };
const COLS: Axis = { f: 'fw', F: 'FW', D: 'DW', x: 'c', inN: 'inW', x0: 'c0', y: 'yc', outN: 'outW', S: 'SW', P: 'PL' };

/** The tap loop of one axis (bounded by LF, ended at F); `body` runs per tap. */
function tapLoop(LF: number, a: Axis, body: string): string {
  return `for (int ${a.f} = 0; ${a.f} < ${LF}; ${a.f}++) {
        if (${a.f} >= ${a.F}) break;
        ${body}
      }`;
}

/** A tap's offset along an axis: f·D for a dilated walk, f when the dilation is 1 by construction (pools). */
function tapOffset(a: Axis, dilated: boolean): string {
  return dilated ? `${a.f} * ${a.D}` : a.f;
}

/** One axis of windowCells: the input coordinate of each tap, padding skipped. */
function cellAxis(LF: number, dilated: boolean, a: Axis, body: string): string {
  return tapLoop(
    LF,
    a,
    `int ${a.x} = ${a.x0} + ${tapOffset(a, dilated)};
        if (${a.x} < 0 || ${a.x} >= ${a.inN}) continue;
        ${body}`,
  );
}

/**
 * GLSL: for output cell (b, yr, yc, d), each real (non-padding) input cell of
 * its window, in row-major order, as `float v` (the input x's value) with the
 * tap (fh, fw) in scope; `cell` runs for each. LF bounds the filter loops.
 */
export function windowCells(LF: number, dilated: boolean, cell: string): string {
  const inner = `float v = getX(((b * inH + r) * inW + c) * inC + d);
          ${cell}`;
  return `int r0 = yr * SH - PT; int c0 = yc * SW - PL;
      ${cellAxis(LF, dilated, ROWS, cellAxis(LF, dilated, COLS, inner))}`;
}

/** One axis of windowsCovering: the window whose tap f lands on x, when there is one (taps past the first negative are none). */
function coveringAxis(LF: number, dilated: boolean, a: Axis, body: string): string {
  return tapLoop(
    LF,
    a,
    `int ${a.y}s = ${a.x} + ${a.P} - ${tapOffset(a, dilated)};
        if (${a.y}s < 0) break;
        int ${a.y} = ${a.y}s / ${a.S};
        if (${a.y} * ${a.S} != ${a.y}s || ${a.y} >= ${a.outN}) continue;
        ${body}`,
  );
}

/**
 * GLSL: for input cell (b, r, c), each output cell (yr, yc) whose window holds
 * it, through tap (fh, fw): yr = (r + PT − fh·DH)/SH when whole and in range,
 * likewise yc. `row` runs once per window row (yr known), `cell` per window.
 */
export function windowsCovering(LF: number, dilated: boolean, row: string, cell: string): string {
  return coveringAxis(LF, dilated, ROWS, `${row}\n        ${coveringAxis(LF, dilated, COLS, cell)}`);
}

/** The loop bound of a walk over the filter window. */
export function filterLoopBound(info: Conv2DInfo): number {
  return loopBound(Math.max(info.filterHeight, info.filterWidth));
}

/**
 * Run a geometry program: one fragment per element of float32 `shape`, whose
 * `main` has the geometry locals and the output index `o`, then `body` (which
 * calls setOutput). `names` are the GLSL names of `inputs` (read as getName).
 */
export function runGeometry(
  s: WebGLStore,
  op: string,
  names: readonly string[],
  inputs: readonly TensorInfo[],
  shape: readonly number[],
  info: Conv2DInfo,
  body: string,
): TensorInfo {
  const main = `
    void main() {
      ${GEOMETRY_LOCALS}
      int o = getOutputCoords();
      ${body}
    }`;
  const out = s.flat(op, names, inputs, sizeOfShape(shape), 'float32', main, GEOMETRY_UNIFORMS, geometryValues(info));
  return s.wrap(out, shape, 'float32');
}
