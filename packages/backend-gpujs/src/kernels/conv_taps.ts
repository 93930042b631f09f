// Pieces of the convolution packers' natives (tap, ptap, dtap), written once
// for both languages: GLSL for the GPU, JavaScript for gpu.js's CPU mode.
import { defineNative } from '../native.js';
import type { NativeSpec } from '../runtime.js';

/** Lines of a native's body in GLSL and in JavaScript. */
export interface NativeLines {
  readonly glsl: string;
  readonly js: string;
}

/** Split filter tap k = (fh, fw, ch) over `c` channels into fh, fw and `ch`; 0 past K. */
export function splitTap(ch: string, c: string): NativeLines {
  return {
    glsl: `  if (k >= K) return 0.0;
  float t = floor((k + 0.5) / ${c});
  float ${ch} = k - t * ${c};
  float fh = floor((t + 0.5) / FW);
  float fw = t - fh * FW;`,
    js: `  if (k >= K) { return 0; }
  const t = Math.floor(k / ${c});
  const ${ch} = k - t * ${c};
  const fh = Math.floor(t / FW);
  const fw = t - fh * FW;`,
  };
}

/** x[b, ih, iw, ci] at (ih, iw) = (ih0 + fh·DH, iw0 + fw·DW), 0 in the padding; the native's return. */
export function readInput(ih0: string, iw0: string): NativeLines {
  return {
    glsl: `  float ih = ${ih0} + fh * DH;
  float iw = ${iw0} + fw * DW;
  if (ih < 0.0 || ih >= H || iw < 0.0 || iw >= W) return 0.0;
  return pt_scalar(x, xSize, ((b * H + ih) * W + iw) * C + ci);`,
    js: `  const ih = ${ih0} + fh * DH;
  const iw = ${iw0} + fw * DW;
  if (ih < 0 || ih >= H || iw < 0 || iw >= W) { return 0; }
  return x[((b * H + ih) * W + iw) * C + ci];`,
  };
}

/** A float native whose body is `parts` in order (see defineNative for `args`). */
export function tapNative(name: string, args: string, parts: readonly NativeLines[]): NativeSpec {
  return defineNative(name, args, 'float', parts.map((p) => p.glsl).join('\n'), parts.map((p) => p.js).join('\n'));
}
