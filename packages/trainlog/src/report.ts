import { histogramChartSpec, renderSvg, scalarChartSpec } from './plots.js';
import { isHistogram, isMeta, isScalar, runsOf, type LogRecord } from './records.js';

export interface ReportOptions {
  title?: string;
  /** A paragraph (plain text) under the title. */
  description?: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const CSS = `body{font-family:Helvetica,Arial,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}h3{font-size:1.05em;color:#444}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}.muted{color:#777}`;

/**
 * A self-contained HTML page (inline SVG, no scripts, no external files):
 * per run, its meta data, epoch curves (losses together, accuracies together,
 * other scalars), batch curves, and histograms per layer of weights and of
 * layer outputs; with several runs, a comparison of every run's epoch curves first.
 */
export async function renderReport(records: readonly LogRecord[], options: ReportOptions = {}): Promise<string> {
  const title = options.title ?? 'Training report';
  const parts: string[] = [`<h1>${esc(title)}</h1>`];
  if (options.description) parts.push(`<p>${esc(options.description)}</p>`);
  const runs = runsOf(records);
  parts.push(`<p class="muted">${runs.length} run(s), ${records.length} records.</p>`);
  const figure = async (spec: Parameters<typeof renderSvg>[0], caption: string): Promise<string> =>
    `<figure>${await renderSvg(spec)}<figcaption class="muted">${esc(caption)}</figcaption></figure>`;

  const epochTags = (run?: string): string[] => [
    ...new Set(
      records
        .filter(isScalar)
        .filter((r) => r.scope === 'epoch' && (!run || r.run === run))
        .map((r) => r.tag),
    ),
  ];
  if (runs.length > 1) {
    parts.push('<h2>All runs</h2>');
    for (const group of groupTags(epochTags())) {
      parts.push(await figure(scalarChartSpec(records, { tags: group.tags, title: group.title, yTitle: group.title }), `${group.title} per epoch, every run`));
    }
  }
  for (const run of runs) {
    parts.push(`<h2>Run: ${esc(run)}</h2>`);
    const metas = records.filter(isMeta).filter((m) => m.run === run);
    if (metas.length > 0) {
      const rows = metas.flatMap((m) =>
        Object.entries(m.data).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)))}</td></tr>`),
      );
      parts.push(`<table>${rows.join('')}</table>`);
    }
    for (const group of groupTags(epochTags(run))) {
      parts.push(
        await figure(scalarChartSpec(records, { runs: [run], tags: group.tags, title: group.title, yTitle: group.title }), `${group.title} per epoch`),
      );
    }
    const batchScopes = records.filter(isScalar).filter((r) => r.run === run && r.scope !== 'epoch');
    for (const scope of new Set(batchScopes.map((r) => r.scope))) {
      const tags = [...new Set(batchScopes.filter((r) => r.scope === scope).map((r) => r.tag))];
      for (const group of groupTags(tags)) {
        parts.push(
          await figure(
            scalarChartSpec(records, { runs: [run], scope, tags: group.tags, title: `${group.title} per ${scope}`, yTitle: group.title }),
            `${group.title} per ${scope}`,
          ),
        );
      }
    }
    const hists = records.filter(isHistogram).filter((h) => h.run === run);
    for (const kind of new Set(hists.map((h) => h.kind))) {
      const steps = [...new Set(hists.filter((h) => h.kind === kind).map((h) => h.step))].sort((a, b) => a - b);
      parts.push(`<h3>Histograms: ${esc(kind)}</h3>`);
      parts.push(
        await figure(
          histogramChartSpec(records, { run, kind, title: `${kind} (${run})` }),
          `${kind} per layer at steps ${steps.join(', ')}; each panel has its own scales`,
        ),
      );
    }
  }
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head><body>\n${parts.join('\n')}\n</body></html>\n`;
}

/** Losses in one chart, accuracies in another, everything else in a third. */
function groupTags(tags: readonly string[]): Array<{ title: string; tags: string[] }> {
  const loss = tags.filter((t) => /loss|cost/i.test(t));
  const acc = tags.filter((t) => /acc/i.test(t) && !loss.includes(t));
  const other = tags.filter((t) => !loss.includes(t) && !acc.includes(t));
  return [
    ...(loss.length ? [{ title: 'loss', tags: loss }] : []),
    ...(acc.length ? [{ title: 'accuracy', tags: acc }] : []),
    ...(other.length ? [{ title: 'other scalars', tags: other }] : []),
  ];
}
