/** The ratio chart (uPlot): one point per workload and backend pair, log scale, parity at 1. */
import type { Ratio } from '@polytensor/bench/in-browser';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const COLOURS = ['#2a6', '#36c', '#c63', '#a3a'];

/** '0.82×'; below 1 polytensor is faster. */
export const formatRatio = (r: number): string => `${r < 10 ? r.toPrecision(2) : r.toFixed(0)}×`;

export class RatioChart {
  private plot: uPlot | null = null;

  constructor(private readonly host: HTMLElement) {}

  /** Redraw for `workloads` (the x axis, in run order) and the ratios measured so far. */
  show(workloads: readonly string[], ratios: readonly Ratio[]): void {
    const pairs = [...new Set(ratios.map((r) => `${r.backend} ↔ ${r.versus} ${r.baseline}`))];
    const x = workloads.map((_, i) => i);
    const series = pairs.map((p) =>
      workloads.map((w) => ratios.find((r) => r.workload === w && `${r.backend} ↔ ${r.versus} ${r.baseline}` === p)?.ratio ?? null),
    );
    this.plot?.destroy();
    this.host.dataset['points'] = String(ratios.length);
    const width = Math.min(900, Math.max(300, this.host.parentElement?.clientWidth ?? 600));
    this.plot = new uPlot(
      {
        width,
        height: 300,
        legend: { live: false },
        title: 'polytensor time / tfjs time (log scale; below 1: polytensor is faster)',
        scales: { x: { time: false, range: [-0.5, Math.max(0.5, workloads.length - 0.5)] }, y: { distr: 3 } },
        axes: [
          { splits: () => x, values: (_u, splits) => splits.map((i) => workloads[i] ?? '') },
          // log scales hand some splits over as null (filtered ticks)
          { values: (_u, splits) => splits.map((v) => (v === null ? '' : formatRatio(v))) },
        ],
        series: [
          { label: 'workload', value: (_u, i) => (i === null ? '' : (workloads[i] ?? '')) },
          { label: 'parity', stroke: '#888', dash: [4, 4], points: { show: false } },
          ...pairs.map((p, i) => ({
            label: p,
            stroke: COLOURS[i % COLOURS.length]!,
            paths: () => null,
            points: { show: true, size: 9, fill: COLOURS[i % COLOURS.length]! },
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : formatRatio(v)),
          })),
        ],
      },
      [x, x.map(() => 1), ...series] as uPlot.AlignedData,
      this.host,
    );
  }
}
