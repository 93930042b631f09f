import { plot } from 'asciichart';
import { isHistogram, isScalar, runsOf, scalarSeries, type LogRecord } from './records.js';

export interface TerminalViewOptions {
  /** Columns for a curve (default 60). */
  width?: number;
  /** Rows for a curve (default 8). */
  height?: number;
  /** Tags to plot per run (default: loss and the first accuracy-like tag of the epoch scope). */
  tags?: readonly string[];
}

const BLOCKS = ' ▁▂▃▄▅▆▇█';

/** counts → one line of block characters (a sparkline). */
export function sparkline(counts: readonly number[]): string {
  const max = Math.max(...counts, 0);
  if (max === 0) return BLOCKS[0]!.repeat(counts.length);
  return counts.map((c) => BLOCKS[c === 0 ? 0 : Math.max(1, Math.round((c / max) * (BLOCKS.length - 1)))]!).join('');
}

const fmt = (v: number): string => (v === 0 ? '0' : Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toPrecision(4));

/** Resample to at most `n` points (evenly spaced picks, the last point kept). */
function resample(values: readonly number[], n: number): number[] {
  if (values.length <= n) return [...values];
  return Array.from({ length: n }, (_, i) => values[Math.round((i * (values.length - 1)) / (n - 1))]!);
}

/**
 * A compact text view of a log: per run, ASCII charts of the epoch (or batch)
 * curves, the last value of every epoch scalar, and a sparkline per histogram
 * at its latest step with its range and standard deviation.
 */
export function terminalView(records: readonly LogRecord[], options: TerminalViewOptions = {}): string {
  const width = options.width ?? 60;
  const height = options.height ?? 8;
  const out: string[] = [];
  for (const run of runsOf(records)) {
    out.push(`── ${run} ${'─'.repeat(Math.max(0, width - run.length))}`);
    const scalars = records.filter(isScalar).filter((r) => r.run === run);
    const epochTags = [...new Set(scalars.filter((r) => r.scope === 'epoch').map((r) => r.tag))];
    const scope = epochTags.length > 0 ? 'epoch' : scalars[0]?.scope;
    const scopeTags = [...new Set(scalars.filter((r) => r.scope === scope).map((r) => r.tag))];
    const tags =
      options.tags ?? [...new Set([scopeTags.find((t) => t === 'loss') ?? scopeTags[0], scopeTags.find((t) => /acc/.test(t))])].filter((t): t is string => !!t);
    for (const tag of tags) {
      const series = scalarSeries(records, run, tag, scope)
        .map((p) => p.value)
        .filter(Number.isFinite);
      if (series.length === 0 || scope === undefined) continue;
      out.push(`${tag} per ${scope} (${series.length} points, last ${fmt(series[series.length - 1]!)})`);
      out.push(series.length === 1 ? `  ${fmt(series[0]!)}` : plot(resample(series, width), { height, format: (v: number) => fmt(v).padStart(10) }));
    }
    if (epochTags.length > 0) {
      const last = epochTags.map((t) => {
        const s = scalarSeries(records, run, t, 'epoch');
        return `${t}=${fmt(s[s.length - 1]!.value)}`;
      });
      out.push(`last epoch: ${last.join('  ')}`);
    }
    const hists = records.filter(isHistogram).filter((h) => h.run === run);
    if (hists.length > 0) {
      const lastStep = Math.max(...hists.map((h) => h.step));
      out.push(`histograms at step ${lastStep}:`);
      const latest = hists.filter((h) => h.step === lastStep);
      const nameWidth = Math.min(32, Math.max(...latest.map((h) => h.tag.length)));
      for (const h of latest) {
        out.push(`  ${h.tag.slice(0, nameWidth).padEnd(nameWidth)} ${sparkline(h.counts)} [${fmt(h.min)}, ${fmt(h.max)}] std ${fmt(h.std)}`);
      }
    }
  }
  return out.join('\n');
}
