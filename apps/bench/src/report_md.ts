/**
 * The Markdown report: one row per (our backend, workload) with polytensor and
 * tfjs figures side by side, the ratio and the gate. Long reasons go to
 * footnotes so the table stays readable.
 */
import { formatMs, formatSpread } from './stats.js';
import type { BenchResults, Row } from './types.js';

/** A row pairing one polytensor backend with its tfjs baseline on one workload. */
export interface Pair {
  workload: string;
  environment: Row['environment'];
  backend: string;
  baseline: string;
  ours: Row | null;
  tfjs: Row | null;
}

/** Pairs in report order: by environment and backend, then workload order. */
export function pairs(r: BenchResults): Pair[] {
  const out: Pair[] = [];
  const keys: Array<{ environment: Row['environment']; backend: string; baseline: string }> = [];
  for (const row of r.rows) {
    if (row.implementation !== 'polytensor') continue;
    if (!keys.some((k) => k.environment === row.environment && k.backend === row.backend)) {
      keys.push({ environment: row.environment, backend: row.backend, baseline: row.baseline ?? '' });
    }
  }
  for (const k of keys) {
    for (const w of r.workloads) {
      const ours = r.rows.find((x) => x.implementation === 'polytensor' && x.workload === w.id && x.environment === k.environment && x.backend === k.backend) ?? null;
      const tfjs = r.rows.find((x) => x.implementation === 'tfjs' && x.workload === w.id && x.environment === k.environment && x.backend === k.baseline) ?? null;
      if (ours || tfjs) out.push({ workload: w.id, ...k, ours, tfjs });
    }
  }
  return out;
}

export function ratioOf(r: BenchResults, p: Pair): { ratio: number; approximate: boolean } | null {
  const q = r.ratios.find((x) => x.workload === p.workload && x.environment === p.environment && x.backend === p.backend);
  return q ? { ratio: q.ratio, approximate: q.approximate } : null;
}

/** The ratio column: measured, approximate (≈, tfjs timed once), an upper bound (<, tfjs stopped), or why none. */
export function ratioText(r: BenchResults, p: Pair): string {
  const q = ratioOf(r, p);
  if (q) return `${q.approximate ? '≈ ' : ''}${formatRatio(q.ratio)}`;
  if (p.ours?.status === 'gate-failed') return 'wrong';
  if (p.ours?.status === 'ok' && p.tfjs?.status === 'skipped' && p.tfjs.firstRunMs === null && p.tfjs.limitMs) {
    return `< ${formatRatio(p.ours.medianMs! / p.tfjs.limitMs)}`;
  }
  return '–';
}

export const formatRatio = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 0.1 ? x.toFixed(2) : String(Number(x.toPrecision(2))));

/** A cell's text for a row, and a footnote when the reason is long. */
export function cell(row: Row | null, note: (text: string) => string): string {
  if (!row) return '—';
  switch (row.status) {
    case 'ok': {
      const base =
        row.repeats === 1 ? `${formatMs(row.medianMs!)} (1 run)` : `${formatMs(row.medianMs!)} (${formatSpread(row.medianMs!, row.minMs!, row.maxMs!)}, n=${row.repeats})`;
      return row.reason ? `${base}${note(row.reason)}` : base;
    }
    case 'gate-failed':
      return `**WRONG** (gate failed, not timed)${note(row.gate?.detail ?? row.reason ?? '')}`;
    case 'unavailable':
      return `${/not installed/.test(row.reason ?? '') ? 'not installed' : 'unavailable'}${note(row.reason ?? '')}`;
    case 'unsupported':
      return `cannot run${note(row.reason ?? '')}`;
    case 'skipped':
      return row.firstRunMs !== null
        ? `1 run: ${formatMs(row.firstRunMs)} (too slow to repeat)${note(row.reason ?? '')}`
        : `> ${formatMs(row.limitMs ?? 0)} (stopped)${note(row.reason ?? '')}`;
    case 'error':
      return `error${note(row.reason ?? '')}`;
  }
}

export function gateCell(row: Row | null): string {
  if (!row || row.gatePassed === null) return '–';
  const w = row.gate!.worst;
  return `${row.gatePassed ? '✓' : '✗'} ${w === 0 ? 'exact' : w < 1e-3 ? w.toExponential(0) : w.toPrecision(2)}`;
}

const envLabel = (e: Row['environment']): string => (e === 'node' ? 'Node' : 'Chromium');

export function machineLine(r: BenchResults): string {
  const m = r.machine;
  return (
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.platform}-${m.arch}; Node ${m.node}` +
    (m.chromium ? `; ${m.chromium}${m.webglRenderer ? ` (WebGL: ${m.webglRenderer})` : ''}` : '') +
    `; tfjs ${m.tfjs}` +
    (m.loadAverage ? `; load average ${m.loadAverage.start} → ${m.loadAverage.end} (1 min, ${m.cores} cores)` : '')
  );
}

export function toMarkdown(r: BenchResults): string {
  const notes: string[] = [];
  const note = (text: string): string => {
    if (!text) return '';
    let i = notes.indexOf(text);
    if (i < 0) i = notes.push(text) - 1;
    return ` [^${i + 1}]`;
  };
  const lines: string[] = [];
  lines.push(
    `Measured ${r.date.slice(0, 10)} (${r.date.slice(11, 16)} UTC)${r.quick ? ' in **--quick** mode (tiny sizes; not representative)' : ''} on ${machineLine(r)}.`,
    '',
    'Median of the timed runs, with the spread (min/max relative to the median) and the number of runs; ' +
      '**ratio = polytensor median / tfjs median (below 1: polytensor is faster)**; ≈: tfjs ran once; <: tfjs was stopped at the cap. ' +
      'Gate: the output checked against a float64 reference before timing (✓/✗ and the worst error as a fraction of the allowed bound); a wrong output is never timed.',
    '',
    '| workload | backend | polytensor median (spread) | tfjs median (spread) | ratio | gate (ours / tfjs) |',
    '|---|---|---|---|---:|---|',
  );
  for (const p of pairs(r)) {
    const ratio = ratioText(r, p);
    lines.push(
      `| ${p.workload} | ${p.backend} ↔ tfjs ${p.baseline} (${envLabel(p.environment)}) | ${cell(p.ours, note)} | ${cell(p.tfjs, note)} | ${ratio} | ${gateCell(p.ours)} / ${gateCell(p.tfjs)} |`,
    );
  }
  lines.push('');
  if (notes.length) {
    notes.forEach((n, i) => lines.push(`[^${i + 1}]: ${n.replace(/\|/g, '\\|')}`));
    lines.push('');
  }
  lines.push(`Workloads: ${r.workloads.map((w) => `\`${w.id}\`: ${w.description}`).join('; ')}.`, '');
  return lines.join('\n');
}
