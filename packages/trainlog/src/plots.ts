/**
 * Plots as Vega-Lite specs, rendered to SVG strings headlessly by Vega
 * (`renderer: 'none'`: no DOM, no canvas; works in Node and browsers).
 */
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { isHistogram, isScalar, type HistogramKind, type LogRecord } from './records.js';

export type { TopLevelSpec };

/** One point of a line chart: x, y, the line it belongs to, and optionally the panel it is drawn in. */
export interface Point {
  x: number | string;
  y: number;
  series: string;
  panel?: string;
}

export interface LineChartOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  seriesTitle?: string;
  /** 'quantitative' (default for numbers) or 'ordinal' (strings, layer names). */
  xType?: 'quantitative' | 'ordinal';
  yScale?: 'linear' | 'log';
  yDomain?: [number, number];
  /** A log-scaled x axis (quantitative x only). */
  xLog?: boolean;
  /** Panels per row when points have `panel` (default 3). */
  columns?: number;
  width?: number;
  height?: number;
  /** Draw a dot at each point (default: when there are few points). */
  points?: boolean;
}

const FONT = { font: 'Helvetica, Arial, sans-serif' };

/** A line chart (one line per series; small multiples when points carry a panel). */
export function lineChartSpec(data: readonly Point[], o: LineChartOptions = {}): TopLevelSpec {
  const xType = o.xType ?? (data.every((p) => typeof p.x === 'number') ? 'quantitative' : 'ordinal');
  const seriesCount = new Set(data.map((p) => p.series)).size;
  const dots = o.points ?? data.length / Math.max(1, seriesCount) <= 30;
  const y = {
    field: 'y',
    type: 'quantitative' as const,
    title: o.yTitle ?? 'value',
    scale: { type: o.yScale ?? 'linear', ...(o.yScale === 'log' ? {} : { zero: false }), ...(o.yDomain ? { domain: o.yDomain } : {}) },
  };
  const encoding = {
    x: { field: 'x', type: xType, title: o.xTitle ?? 'step', ...(xType === 'ordinal' ? { sort: null } : o.xLog ? { scale: { type: 'log' as const } } : {}) },
    y,
    color: { field: 'series', type: 'nominal' as const, title: o.seriesTitle ?? 'series', sort: null, legend: { labelLimit: 320 } },
  };
  const mark = { type: 'line' as const, point: dots, strokeWidth: 1.6, clip: true };
  const values = data.map((p) => ({ ...p }));
  const width = o.width ?? (data.some((p) => p.panel !== undefined) ? 220 : 420);
  const height = o.height ?? (data.some((p) => p.panel !== undefined) ? 150 : 240);
  if (data.some((p) => p.panel !== undefined)) {
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      ...(o.title ? { title: o.title } : {}),
      data: { values },
      facet: { field: 'panel', type: 'nominal', title: null, sort: null },
      columns: o.columns ?? 3,
      spec: { width, height, mark, encoding },
      config: FONT,
    } as TopLevelSpec;
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(o.title ? { title: o.title } : {}),
    width,
    height,
    data: { values },
    mark,
    encoding,
    config: FONT,
  } as TopLevelSpec;
}

export interface ScalarChartOptions extends LineChartOptions {
  /** Tags to draw (default: every tag of the scope). */
  tags?: readonly string[];
  /** 'epoch' (default), 'batch', or the script's own scope. */
  scope?: string;
  /** Runs to draw (default: all). */
  runs?: readonly string[];
}

/** Scalar curves (loss, accuracy…) from log records: one line per run × tag. */
export function scalarChartSpec(records: readonly LogRecord[], o: ScalarChartOptions = {}): TopLevelSpec {
  const scope = o.scope ?? 'epoch';
  const scalars = records.filter(isScalar).filter((r) => r.scope === scope && (!o.tags || o.tags.includes(r.tag)) && (!o.runs || o.runs.includes(r.run)));
  const runs = new Set(scalars.map((r) => r.run));
  const tags = new Set(scalars.map((r) => r.tag));
  const label = (run: string, tag: string): string => (runs.size > 1 && tags.size > 1 ? `${run} · ${tag}` : runs.size > 1 ? run : tag);
  const points = scalars.map((r) => ({ x: r.step, y: r.value, series: label(r.run, r.tag) }));
  return lineChartSpec(points, { xTitle: scope, seriesTitle: runs.size > 1 ? 'run' : 'metric', ...o });
}

export interface HistogramChartOptions {
  title?: string;
  /** Run to draw (default: the first run with histograms). */
  run?: string;
  /** 'weights', 'activations' or any kind recorded (default: all). */
  kind?: HistogramKind;
  /** Steps to overlay (default: all recorded). */
  steps?: readonly number[];
  /** Tags to draw (default: all of the kind). */
  tags?: readonly string[];
  columns?: number;
  width?: number;
  height?: number;
  /** Legend title for the steps (default 'step'). */
  stepTitle?: string;
  /** Several runs as rows of a grid (one column per tag) instead of one run. */
  runs?: readonly string[];
}

/** Small multiples, one panel per tag (layer), each step's histogram overlaid as a step line; scales independent per panel. */
export function histogramChartSpec(records: readonly LogRecord[], o: HistogramChartOptions = {}): TopLevelSpec {
  const hists = records.filter(isHistogram);
  const runs = o.runs ?? [o.run ?? hists[0]?.run ?? ''];
  const chosen = hists.filter(
    (h) => runs.includes(h.run) && (!o.kind || h.kind === o.kind) && (!o.steps || o.steps.includes(h.step)) && (!o.tags || o.tags.includes(h.tag)),
  );
  const values: Array<{ run: string; tag: string; step: number; x: number; count: number }> = [];
  for (const h of chosen) {
    h.counts.forEach((c, i) => values.push({ run: h.run, tag: h.tag, step: h.step, x: (h.edges[i]! + h.edges[i + 1]!) / 2, count: c }));
  }
  const grid = o.runs !== undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(o.title ? { title: o.title } : {}),
    data: { values },
    ...(grid
      ? {
          facet: {
            row: { field: 'run', type: 'nominal', title: null, sort: [...runs], header: { labelLimit: 260, labelAngle: 0, labelAlign: 'left' } },
            column: { field: 'tag', type: 'nominal', title: null, sort: null, header: { labelLimit: 220 } },
          },
        }
      : { facet: { field: 'tag', type: 'nominal', title: null, sort: null, header: { labelLimit: 220 } }, columns: o.columns ?? 3 }),
    spec: {
      width: o.width ?? 200,
      height: o.height ?? 110,
      mark: { type: 'line', interpolate: 'step', strokeWidth: 1.3 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: null, axis: { format: '~s', tickCount: 5 }, scale: { zero: false } },
        y: { field: 'count', type: 'quantitative', title: null, axis: { format: '~s', tickCount: 4 } },
        color: { field: 'step', type: 'ordinal', title: o.stepTitle ?? 'step', scale: { scheme: 'viridis' } },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    config: FONT,
  } as TopLevelSpec;
}

export interface LayerStatsOptions extends LineChartOptions {
  kind?: HistogramKind;
  /** Which statistic per layer (default 'std'). */
  stat?: 'std' | 'min' | 'max' | 'mean';
  /** Histograms of this step only (default: each run's first recorded step). */
  step?: number;
  runs?: readonly string[];
}

/** One statistic (default std) of each layer's histogram, layer by layer: how a signal grows or shrinks through a network, per run. */
export function layerStatsSpec(records: readonly LogRecord[], o: LayerStatsOptions = {}): TopLevelSpec {
  const stat = o.stat ?? 'std';
  const hists = records.filter(isHistogram).filter((h) => (!o.kind || h.kind === o.kind) && (!o.runs || o.runs.includes(h.run)));
  const points: Point[] = [];
  for (const run of new Set(hists.map((h) => h.run))) {
    const mine = hists.filter((h) => h.run === run);
    const step = o.step ?? Math.min(...mine.map((h) => h.step));
    for (const h of mine.filter((x) => x.step === step)) points.push({ x: h.tag.replace(/^activations\//, ''), y: Math.abs(h[stat]), series: run });
  }
  return lineChartSpec(points, { xType: 'ordinal', xTitle: 'layer', yTitle: `${stat} of outputs`, yScale: 'log', seriesTitle: 'run', points: true, ...o });
}

/** Render a Vega-Lite spec to a standalone SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none', logLevel: 0 });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
