/**
 * The records a training log holds, one JSON object per line:
 *
 * | type        | what                                                         |
 * |-------------|--------------------------------------------------------------|
 * | `meta`      | free-form facts about a run (hyperparameters, backend, time) |
 * | `scalar`    | one number at a step: loss, accuracy, val_accuracy, …        |
 * | `histogram` | the distribution of a tensor's values at a step              |
 *
 * Every record names its `run`, so several runs can share one file and one
 * report. Scalars carry a `scope`: `'batch'` (step = optimizer steps so far)
 * or `'epoch'` (step = epochs completed), or any scope a script picks.
 */

export interface MetaRecord {
  type: 'meta';
  run: string;
  /** Wall-clock time, ISO 8601. */
  time: string;
  data: Record<string, unknown>;
}

export interface ScalarRecord {
  type: 'scalar';
  run: string;
  /** 'batch', 'epoch', or a scope of the script's own ('step', 'eval', …). */
  scope: string;
  tag: string;
  step: number;
  value: number;
}

/** What a histogram describes; free text is allowed too. */
export type HistogramKind = 'weights' | 'activations' | (string & {});

export interface HistogramStats {
  /** Finite values counted. */
  count: number;
  /** NaN and ±Infinity values, left out of the bins and statistics. */
  nonFinite: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** bins + 1 increasing edges; bin i holds values in [edges[i], edges[i+1]) (the last bin is closed). */
  edges: number[];
  counts: number[];
}

export interface HistogramRecord extends HistogramStats {
  type: 'histogram';
  run: string;
  kind: HistogramKind;
  /** 'weights/dense_1/kernel', 'activations/conv2d_1', … */
  tag: string;
  step: number;
}

export type LogRecord = MetaRecord | ScalarRecord | HistogramRecord;

/** Equal-width bins over the finite values (min..max); a constant tensor gets one centred bin per value range of ±0.5. */
export function histogramOf(values: ArrayLike<number>, bins = 30): HistogramStats {
  if (!Number.isInteger(bins) || bins <= 0) throw new Error(`histogramOf: bins must be a positive integer, got ${bins}`);
  let count = 0;
  let nonFinite = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (count === 0) return { count, nonFinite, min: 0, max: 0, mean: 0, std: 0, edges: [0, 1], counts: [0] };
  const mean = sum / count;
  let sq = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) sq += (v - mean) * (v - mean);
  }
  const std = Math.sqrt(sq / count);
  let lo = min;
  let hi = max;
  if (hi === lo) {
    const pad = lo === 0 ? 0.5 : Math.abs(lo) * 0.5;
    lo -= pad;
    hi += pad;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
    counts[b]!++;
  }
  return { count, nonFinite, min, max, mean, std, edges, counts };
}

/** One JSON object per line, each line ending in '\n'. */
export function toJsonLines(records: readonly LogRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/** Parse JSON lines (blank lines skipped); throws naming the line that is not a log record. */
export function parseJsonLines(text: string): LogRecord[] {
  const out: LogRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new Error(`parseJsonLines: line ${i + 1} is not JSON (${(e as Error).message})`);
    }
    if (!isRecord(value)) throw new Error(`parseJsonLines: line ${i + 1} is not a meta, scalar or histogram record: ${line.slice(0, 80)}`);
    out.push(value);
  });
  return out;
}

function isRecord(v: unknown): v is LogRecord {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  if (typeof r['run'] !== 'string') return false;
  switch (r['type']) {
    case 'meta':
      return typeof r['data'] === 'object' && r['data'] !== null;
    case 'scalar':
      return typeof r['tag'] === 'string' && typeof r['step'] === 'number' && typeof r['value'] === 'number' && typeof r['scope'] === 'string';
    case 'histogram':
      return typeof r['tag'] === 'string' && typeof r['step'] === 'number' && Array.isArray(r['edges']) && Array.isArray(r['counts']);
    default:
      return false;
  }
}

/** Runs in order of first appearance. */
export function runsOf(records: readonly LogRecord[]): string[] {
  return [...new Set(records.map((r) => r.run))];
}

export const isScalar = (r: LogRecord): r is ScalarRecord => r.type === 'scalar';
export const isHistogram = (r: LogRecord): r is HistogramRecord => r.type === 'histogram';
export const isMeta = (r: LogRecord): r is MetaRecord => r.type === 'meta';

/** The (step, value) points of one scalar series, in step order. */
export function scalarSeries(records: readonly LogRecord[], run: string, tag: string, scope = 'epoch'): Array<{ step: number; value: number }> {
  return records
    .filter(isScalar)
    .filter((r) => r.run === run && r.tag === tag && r.scope === scope)
    .map((r) => ({ step: r.step, value: r.value }))
    .sort((a, b) => a.step - b.step);
}
