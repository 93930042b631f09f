/** The grid of misclassified test digits, each with its predicted and true label. */
import type { Misclassified } from '../protocol.js';

function digitCanvas(pixels: Uint8Array): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = 28;
  canvas.height = 28;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    const img = ctx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      img.data.set([pixels[i]!, pixels[i]!, pixels[i]!, 255], i * 4);
    }
    ctx.putImageData(img, 0, 0);
  }
  return canvas;
}

export function showMisclassified(host: HTMLElement, summary: HTMLElement, examples: Misclassified[], wrong: number, total: number): void {
  summary.textContent =
    wrong === 0 ? `No test digit misclassified (of ${total}).` : `${wrong} of ${total} test digits misclassified; the first ${examples.length}:`;
  host.replaceChildren(
    ...examples.map((e) => {
      const fig = document.createElement('figure');
      fig.dataset['predicted'] = String(e.predicted);
      fig.dataset['actual'] = String(e.actual);
      const canvas = digitCanvas(e.pixels);
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `a ${e.actual} read as ${e.predicted}`);
      const caption = document.createElement('figcaption');
      caption.textContent = `${e.predicted} (true ${e.actual})`;
      fig.append(canvas, caption);
      return fig;
    }),
  );
}
