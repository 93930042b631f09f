/**
 * The column side of a packed convolution program with unit column stride.
 * An output texel covers columns c and c + 1 (c even); tap k reads input
 * columns c + o_k and c + o_k + 1, with offsets o_k known when the program is
 * built. Each input texel any tap touches is fetched once (named by its even
 * offset), and each tap reads its two columns' lanes from those texels:
 * neighbouring taps of a 3-wide filter share texels, and which texel and half
 * a tap reads is compiled in rather than computed per fragment.
 */
export interface ColumnTaps {
  /** GLSL statements fetching the shared texels; `fetch(col)` is the sampler call for the texel holding column `col`. */
  fetches: string;
  /** GLSL statements declaring `a<k>` / `b<k>`: whether tap k's first / second column lies inside the input. */
  valid: string;
  /** Per tap, the GLSL vec2 lanes (two channels) of its first and second column. */
  lanes: Array<readonly [string, string]>;
}

const even = (v: number): number => 2 * Math.floor(v / 2);
const slot = (e: number): string => (e < 0 ? `ptT_m${-e}` : `ptT_p${e}`);

/** See ColumnTaps. `width` is the input's column count; fetches clamp into it (out-of-range lanes are dropped by `valid`). */
export function columnTaps(offsets: readonly number[], width: number, fetch: (col: string) => string): ColumnTaps {
  const slots = [...new Set(offsets.flatMap((o) => [even(o), even(o + 1)]))].sort((a, b) => a - b);
  const clamp = (e: number): string => `ptMinI(ptMaxI(c + ${e}, 0), ${width - 1})`;
  return {
    fetches: slots.map((e) => `vec4 ${slot(e)} = ${fetch(clamp(e))};`).join('\n'),
    valid: offsets.map((o, k) => `bool a${k} = c + ${o} >= 0 && c + ${o} < ${width}; bool b${k} = c + ${o + 1} >= 0 && c + ${o + 1} < ${width};`).join('\n'),
    lanes: offsets.map((o) => [`${slot(even(o))}.${o === even(o) ? 'xy' : 'zw'}`, `${slot(even(o + 1))}.${o + 1 === even(o + 1) ? 'xy' : 'zw'}`] as const),
  };
}
