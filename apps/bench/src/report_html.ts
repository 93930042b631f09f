/**
 * The HTML report: one self-contained file (inline CSS and hand-written SVG, no
 * scripts, no network): a bar chart of medians per workload and
 * implementation on a log scale, a chart of the ratios (log scale around 1),
 * and the table with every status and gate result.
 */
import { cell, envLabel, formatRatio, gateCell, machineLine, naivePairs, pairLabel, pairs, ratioOf, ratioText } from './report_md.js';
import { formatMs } from './stats.js';
import type { BenchResults, Row } from './types.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Stable colours per implementation: polytensor in blues/greens, tfjs in oranges. */
const COLORS: Record<string, string> = {
  'polytensor ts': '#1f77b4',
  'polytensor wasm': '#17becf',
  'polytensor webgl': '#2ca02c',
  'polytensor gpujs': '#9467bd',
  'polytensor webgpu': '#98df8a',
  'polytensor ts-broken': '#7f7f7f',
  'tfjs cpu': '#ff7f0e',
  'tfjs wasm': '#d62728',
  'tfjs webgl': '#e377c2',
  'tfjs webgpu': '#f7b6d2',
  'gpu.js naive': '#bcbd22',
  'onnxruntime cpu': '#6b6ecf',
  'onnxruntime wasm': '#9c9ede',
  // --threads: backend-ts with one thread light, with the pool dark
  'polytensor ts@1': '#aec7e8',
  'polytensor ts@auto': '#1f77b4',
};
const colorOf = (key: string): string => COLORS[key] ?? (key.startsWith('polytensor ts@') ? '#393b79' : '#8c564b');

interface Series {
  key: string;
  environment: Row['environment'];
  implementation: Row['implementation'];
  backend: string;
}

function seriesOf(r: BenchResults): Series[] {
  const out: Series[] = [];
  for (const row of r.rows) {
    const key = `${row.implementation} ${row.backend}`;
    if (!out.some((s) => s.key === key && s.environment === row.environment)) {
      out.push({ key, environment: row.environment, implementation: row.implementation, backend: row.backend });
    }
  }
  return out;
}

const shortStatus = (row: Row): string =>
  row.status === 'gate-failed'
    ? 'WRONG (gate failed)'
    : row.status === 'unsupported'
      ? 'cannot run'
      : row.status === 'unavailable'
        ? /not installed/.test(row.reason ?? '')
          ? 'not installed'
          : 'unavailable'
        : row.status;

const COLS = 4;
const PANEL_W = 268;
const BAR_H = 12;
const LABEL_W = 92;

/** Decade ticks covering [lo, hi]. */
function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.round(Math.log10(lo)); e <= Math.round(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

/** Compact decade labels: 10µs, 1ms, 100ms, 10s. */
function tickLabel(ms: number): string {
  const t = (v: number): string => String(Math.round(v * 1000) / 1000);
  return ms >= 1000 ? `${t(ms / 1000)}s` : ms >= 1 ? `${t(ms)}ms` : `${t(ms * 1000)}µs`;
}

/**
 * Small multiples: one panel per workload, one bar per implementation, each on
 * a log time axis spanning that workload's decades (the value is printed on the bar).
 */
function timesChart(r: BenchResults): string {
  const series = seriesOf(r);
  const panelH = 34 + series.length * BAR_H;
  const panels: string[] = [];
  r.workloads.forEach((w, k) => {
    const px = (k % COLS) * PANEL_W;
    const py = Math.floor(k / COLS) * (panelH + 14);
    const rows = series.map(
      (s) => r.rows.find((q) => q.workload === w.id && q.environment === s.environment && `${q.implementation} ${q.backend}` === s.key) ?? null,
    );
    const times = rows.flatMap((q) => (q?.status === 'ok' ? [q.medianMs!] : q?.status === 'skipped' ? [q.firstRunMs ?? q.limitMs!] : []));
    const parts: string[] = [`<text x="${px}" y="${py + 12}" class="wl">${esc(w.id)}</text>`];
    if (times.length) {
      const lo = 10 ** Math.floor(Math.log10(Math.min(...times)) - 0.3);
      const hi = 10 ** Math.ceil(Math.log10(Math.max(...times)) + 0.15);
      const x0 = px + 4;
      const width = PANEL_W - LABEL_W;
      const x = (ms: number): number => x0 + (Math.log10(ms / lo) / Math.log10(hi / lo)) * width;
      const top = py + 28;
      const ticks = decades(lo, hi);
      const every = Math.ceil(ticks.length / 4);
      ticks.forEach((d, i) => {
        const gx = x(d).toFixed(1);
        parts.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${top + series.length * BAR_H}" class="grid"/>`);
        if ((ticks.length - 1 - i) % every === 0) {
          const anchor = i === 0 ? 'start' : 'middle';
          parts.push(`<text x="${gx}" y="${top - 6}" text-anchor="${anchor}" class="tick">${esc(tickLabel(d))}</text>`);
        }
      });
      rows.forEach((row, i) => {
        const s = series[i]!;
        const by = top + i * BAR_H;
        if (!row) return;
        const stopped = row.status === 'skipped' && row.firstRunMs === null;
        const t = row.status === 'ok' ? row.medianMs : row.status === 'skipped' ? (row.firstRunMs ?? row.limitMs) : null;
        const title = `${s.key} (${s.environment}) · ${w.id}: ${t !== null ? `${stopped ? '> ' : ''}${formatMs(t)}` : shortStatus(row)}`;
        if (t !== null) {
          const x1 = x(t);
          parts.push(
            `<rect x="${x0}" y="${by + 1}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${BAR_H - 2}" fill="${colorOf(s.key)}"${row.status === 'skipped' ? ' fill-opacity="0.4"' : ''}><title>${esc(title)}</title></rect>`,
            `<text x="${(x1 + 3).toFixed(1)}" y="${by + BAR_H - 2.5}" class="val">${esc(`${stopped ? '> ' : ''}${formatMs(t)}${row.status === 'skipped' ? (stopped ? ' stopped' : ' (1 run)') : ''}`)}</text>`,
          );
        } else {
          parts.push(
            `<text x="${x0 + 2}" y="${by + BAR_H - 2.5}" class="miss" fill="${row.status === 'gate-failed' ? '#c00' : '#888'}">${esc(`${s.key}: ${shortStatus(row)}`)}</text>`,
          );
        }
      });
    } else {
      parts.push(`<text x="${px}" y="${py + 30}" class="miss" fill="#888">no timed results</text>`);
    }
    panels.push(parts.join(''));
  });
  const rowsN = Math.ceil(r.workloads.length / COLS);
  const legendY = rowsN * (panelH + 14) + 4;
  const legend = series
    .map(
      (s, i) =>
        `<g transform="translate(${(i % 4) * 240},${legendY + Math.floor(i / 4) * 16})"><rect width="10" height="10" fill="${colorOf(s.key)}"/><text x="14" y="9" class="tick">${esc(`${s.key} (${s.environment})`)}</text></g>`,
    )
    .join('');
  const h = legendY + Math.ceil(series.length / 4) * 16 + 4;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${COLS * PANEL_W}" height="${h}" role="img" aria-label="median time per workload and implementation, log scale">${panels.join('')}${legend}</svg>`;
}

/** Ratios ours/tfjs, one panel per workload, on one log scale around 1: bars to the left are where polytensor is faster. */
function ratioChart(r: BenchResults): string {
  const ps = pairs(r);
  const keys = [...new Set(ps.map((p) => `${p.backend}|${p.environment}`))];
  const items = ps.map((p) => ({ p, q: ratioOf(r, p), key: `${p.backend}|${p.environment}` }));
  const shown = items.filter((i) => i.q !== null);
  if (shown.length === 0) return '<p>No ratios: no workload has both a polytensor and a tfjs median.</p>';
  const extreme = Math.max(10, ...shown.map((i) => Math.max(i.q!.ratio, 1 / i.q!.ratio)));
  const span = 10 ** Math.ceil(Math.log10(extreme));
  const panelH = 30 + keys.length * BAR_H;
  const panels: string[] = [];
  r.workloads.forEach((w, k) => {
    const px = (k % COLS) * PANEL_W;
    const py = Math.floor(k / COLS) * (panelH + 14);
    const x0 = px + 4;
    const width = PANEL_W - 60;
    const x = (v: number): number => x0 + ((Math.log10(v) + Math.log10(span)) / (2 * Math.log10(span))) * width;
    const top = py + 26;
    const parts: string[] = [`<text x="${px}" y="${py + 12}" class="wl">${esc(w.id)}</text>`];
    const ticks = decades(1 / span, span);
    ticks.forEach((d, i) => {
      const gx = x(d).toFixed(1);
      const one = Math.abs(d - 1) < 1e-9;
      parts.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${top + keys.length * BAR_H}" class="${one ? 'one' : 'grid'}"/>`);
      if (one || i === 0 || i === ticks.length - 1) {
        const anchor = i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle';
        parts.push(`<text x="${gx}" y="${top - 6}" text-anchor="${anchor}" class="tick">${d >= 1 ? `${Math.round(d)}×` : `1/${Math.round(1 / d)}`}</text>`);
      }
    });
    keys.forEach((key, i) => {
      const it = items.find((j) => j.p.workload === w.id && j.key === key);
      const by = top + i * BAR_H;
      if (!it) return;
      const name = it.p.backend;
      if (!it.q) {
        const why = it.p.ours
          ? it.p.ours.status === 'ok'
            ? it.p.tfjs?.status === 'skipped'
              ? `${ratioText(r, it.p)} (tfjs stopped at ${formatMs(it.p.tfjs.limitMs ?? 0)})`
              : `tfjs ${it.p.tfjs ? shortStatus(it.p.tfjs) : 'missing'}`
            : shortStatus(it.p.ours)
          : 'missing';
        parts.push(
          `<text x="${x0 + 2}" y="${by + BAR_H - 2.5}" class="miss" fill="${it.p.ours?.status === 'gate-failed' ? '#c00' : '#888'}">${esc(`${name}: ${why}`)}</text>`,
        );
        return;
      }
      const v = it.q.ratio;
      const xa = x(Math.min(1, v));
      const xb = x(Math.max(1, v));
      parts.push(
        `<rect x="${xa.toFixed(1)}" y="${by + 1}" width="${Math.max(1, xb - xa).toFixed(1)}" height="${BAR_H - 2}" fill="${colorOf(`polytensor ${name}`)}" fill-opacity="${it.q.approximate ? 0.4 : 0.9}"><title>${esc(`${name} ↔ tfjs ${it.p.baseline} · ${w.id}: ${formatRatio(v)}`)}</title></rect>`,
        `<text x="${(Math.max(xb, x(1)) + 3).toFixed(1)}" y="${by + BAR_H - 2.5}" class="val">${esc(`${name} ${it.q.approximate ? '≈' : ''}${formatRatio(v)}`)}</text>`,
      );
    });
    panels.push(parts.join(''));
  });
  const rowsN = Math.ceil(r.workloads.length / COLS);
  const h = rowsN * (panelH + 14) + 8;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${COLS * PANEL_W}" height="${h}" role="img" aria-label="ratio polytensor/tfjs per workload, log scale">${panels.join('')}</svg>`;
}

function table(r: BenchResults): string {
  const notes: string[] = [];
  const note = (text: string): string => {
    if (!text) return '';
    let i = notes.indexOf(text);
    if (i < 0) i = notes.push(text) - 1;
    return ` [${i + 1}]`;
  };
  const rows = pairs(r).map((p) => {
    const text = ratioText(r, p);
    const ratio = text === 'wrong' ? '<b class="bad">wrong</b>' : esc(text);
    const c = (row: Row | null): string => esc(cell(row, note)).replace(/\*\*(.+?)\*\*/g, '<b class="bad">$1</b>');
    return `<tr><td>${esc(p.workload)}</td><td>${esc(pairLabel(p))}</td><td>${c(p.ours)}</td><td>${c(p.tfjs)}</td><td class="num">${ratio}</td><td>${esc(gateCell(p.ours))} / ${esc(gateCell(p.tfjs))}</td></tr>`;
  });
  for (const p of naivePairs(r)) {
    const q = ratioOf(r, { ...p, backend: 'gpujs' }, 'gpu.js');
    const c = (row: Row): string => esc(cell(row, note));
    rows.push(
      `<tr><td>${esc(p.workload)}</td><td>${esc(`gpujs ↔ naive gpu.js kernel (${envLabel(p.environment)})`)}</td><td>${c(p.ours)}</td><td>${c(p.ref)}</td><td class="num">${q ? esc(formatRatio(q.ratio)) : '–'}</td><td>${esc(gateCell(p.ours))} / ${esc(gateCell(p.ref))}</td></tr>`,
    );
  }
  return (
    '<table><thead><tr><th>workload</th><th>backend</th><th>polytensor median (spread)</th><th>tfjs (or naive gpu.js) median (spread)</th><th>ratio</th><th>gate (ours / tfjs)</th></tr></thead><tbody>' +
    rows.join('') +
    '</tbody></table>' +
    (notes.length ? `<ol class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ol>` : '')
  );
}

export function toHtml(r: BenchResults): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>polytensor bench ${esc(r.date.slice(0, 10))}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#555}.bad{color:#c00}
svg text{font:10.5px system-ui,sans-serif}svg .wl{font-weight:600;font-size:12px}svg .tick{fill:#666;font-size:9.5px}svg .val{fill:#333}svg .miss{font-style:italic}
svg .grid{stroke:#ddd}svg .one{stroke:#333;stroke-width:1.5}
table{border-collapse:collapse;font-size:12.5px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f4f4f4}
td.num{text-align:right}.notes{font-size:12px;color:#555}
</style></head><body>
<h1>polytensor bench${r.quick ? ' (quick mode: tiny sizes, not representative)' : ''}</h1>
<p class="meta">${esc(r.date)} · ${esc(machineLine(r))} · ${r.durationS} s</p>
<p>Every workload runs on every installed polytensor backend and, in the same run, on the matching TensorFlow.js backend, interleaved (A, B, A, B…) after warm-up.
<b>Ratio = polytensor median / tfjs median: below 1, polytensor is faster.</b> Each output is checked against a float64 reference before it is timed; a wrong output is reported as wrong and never timed.</p>
<h2>Median time per workload (log scale per panel; pale: a single run; “&gt;”: stopped at the cap)</h2>
${timesChart(r)}
<h2>Ratio polytensor / tfjs (log scale; left of the 1 line = polytensor faster; pale: ≈, tfjs timed once)</h2>
${ratioChart(r)}
<h2>All results</h2>
${table(r)}
<h2>Workloads</h2>
<ul>${r.workloads.map((w) => `<li><b>${esc(w.id)}</b>: ${esc(w.description)}</li>`).join('')}</ul>
</body></html>
`;
}
