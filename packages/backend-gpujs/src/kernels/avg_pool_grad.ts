import type { Conv2DInfo, TensorInfo, KernelImpl } from '@polytensor/core';
import { defineNative } from '../native.js';
import type { GpujsStore } from '../store.js';
import { poolGradient, runPool, windowsContaining } from './window.js';

/** Taps of one axis that land inside [0, L) for output position o: count of f in [0, F) with 0 ≤ o·S − P + f·D < L. */
function tapsExpr(o: string, s: string, p: string, f: string, d: string, l: string): string {
  // lo = max(0, ceil((P − o·S)/D)), hi = min(F − 1, floor((L − 1 − o·S + P)/D))
  return `taps(${o}, ${s}, ${p}, ${f}, ${d}, ${l})`;
}

const TAPS = defineNative(
  'taps',
  'o S P F D L',
  'float',
  `  float a = P - o * S;
  float lo = a <= 0.0 ? 0.0 : floor((a + D - 1.0 + 0.5) / D);
  float bnum = L - 1.0 - o * S + P;
  if (bnum < 0.0) return 0.0;
  float hi = min(F - 1.0, floor((bnum + 0.5) / D));
  return max(0.0, hi - lo + 1.0);`,
  `  const a = P - o * S;
  let lo = 0;
  if (a > 0) { lo = Math.ceil(a / D); }
  const bnum = L - 1 - o * S + P;
  if (bnum < 0) { return 0; }
  const hi = Math.min(F - 1, Math.floor(bnum / D));
  return Math.max(0, hi - lo + 1);`,
);

/** Each input pixel sums dy / count over the windows that contain it (count = the window's real cells). */
export function avgPoolGrad(s: GpujsStore, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const count = `${tapsExpr('oh', 'SH', 'PT', 'FH', 'DH', 'H')} * ${tapsExpr('ow', 'SW', 'PL', 'FW', 'DW', 'W')}`;
  const body = `let acc = 0.0;
${windowsContaining(`acc += rd(dys, o) / (${count});`)}
return acc;`;
  return poolGradient(s, info, () => runPool(s, 'avgPoolGrad', info.inShape, info, [['dys', s.tex(dy)]], body, [TAPS]));
}

/** The contract-level kernel. */
export const avgPoolGradKernel: KernelImpl<'avgPoolGrad', GpujsStore> = avgPoolGrad;
