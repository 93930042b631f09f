/** Draws histograms as small canvas bar charts, one figure per weight or layer output. */
import type { Histogram } from '../histograms.js';

const WIDTH = 180;
const HEIGHT = 60;

function figure(h: Histogram): HTMLElement {
  const fig = document.createElement('figure');
  const canvas = document.createElement('canvas');
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${h.label}: ${h.size} values from ${h.min.toPrecision(3)} to ${h.max.toPrecision(3)}`);
  const ctx = canvas.getContext('2d');
  if (ctx) {
    const peak = Math.max(1, ...h.counts);
    const w = WIDTH / h.counts.length;
    ctx.fillStyle = '#2a6';
    for (const [i, c] of h.counts.entries()) {
      const bar = (c / peak) * (HEIGHT - 2);
      ctx.fillRect(i * w, HEIGHT - bar, Math.max(1, w - 1), bar);
    }
  }
  const caption = document.createElement('figcaption');
  caption.textContent = `${h.label} [${h.min.toPrecision(2)}, ${h.max.toPrecision(2)}]`;
  fig.append(canvas, caption);
  return fig;
}

/** Replace the figures in `host` (at most once per frame: histograms can arrive faster than the page paints). */
export class HistogramView {
  private latest: Histogram[] | null = null;
  private frame = 0;
  constructor(private readonly host: HTMLElement) {}

  show(histograms: Histogram[]): void {
    this.latest = histograms;
    this.frame ||= requestAnimationFrame(() => {
      this.frame = 0;
      if (this.latest) this.host.replaceChildren(...this.latest.map(figure));
    });
  }

  clear(): void {
    this.latest = null;
    this.host.replaceChildren();
  }
}
