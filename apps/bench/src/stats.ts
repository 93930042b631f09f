/** Median of a non-empty sample. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of an empty sample');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const round = (x: number, digits = 3): number => {
  if (!Number.isFinite(x) || x === 0) return x;
  const p = 10 ** Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return Math.round(x * p) / p;
};

/** "12.3 ms", "1.23 s", "456 µs". */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  return `${(ms * 1000).toPrecision(3)} µs`;
}

/** Spread as min–max around the median: "(-3% / +5%)". */
export function formatSpread(medianMs: number, minMs: number, maxMs: number): string {
  const lo = ((minMs - medianMs) / medianMs) * 100;
  const hi = ((maxMs - medianMs) / medianMs) * 100;
  return `−${Math.abs(lo).toFixed(0)}/+${hi.toFixed(0)}%`;
}
