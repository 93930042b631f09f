/** Live training curves (uPlot): loss, and accuracy with the test set's per epoch. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export class TrainingCharts {
  private readonly steps: number[] = [];
  private readonly loss: number[] = [];
  private readonly accuracy: number[] = [];
  private readonly valAccuracy: Array<number | null> = [];
  private readonly lossPlot: uPlot;
  private readonly accuracyPlot: uPlot;
  private pending = false;

  constructor(lossHost: HTMLElement, accuracyHost: HTMLElement) {
    const width = Math.min(440, Math.max(260, lossHost.parentElement?.clientWidth ?? 440));
    const base = { width, height: 220, scales: { x: { time: false } }, legend: { live: false } };
    this.lossPlot = new uPlot({ ...base, title: 'Loss per batch', series: [{ label: 'step' }, { label: 'loss', stroke: '#c63' }] }, [[], []], lossHost);
    this.accuracyPlot = new uPlot(
      {
        ...base,
        title: 'Accuracy',
        scales: { x: { time: false }, y: { range: [0, 1] } },
        series: [
          { label: 'step' },
          { label: 'batch', stroke: '#2a6' },
          { label: 'test (per epoch)', stroke: '#36c', spanGaps: true, points: { show: true, size: 7 } },
        ],
      },
      [[], [], []],
      accuracyHost,
    );
  }

  reset(): void {
    for (const a of [this.steps, this.loss, this.accuracy, this.valAccuracy]) a.length = 0;
    this.redraw();
  }

  addBatch(step: number, loss: number, accuracy: number): void {
    this.steps.push(step);
    this.loss.push(loss);
    this.accuracy.push(accuracy);
    this.valAccuracy.push(null);
    this.schedule();
  }

  addEpoch(step: number, valAccuracy: number): void {
    const i = this.steps.lastIndexOf(step);
    if (i >= 0) this.valAccuracy[i] = valAccuracy;
    this.schedule();
  }

  /** At most one redraw per frame, however fast batches arrive. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.redraw();
    });
  }

  private redraw(): void {
    this.lossPlot.setData([this.steps, this.loss]);
    this.accuracyPlot.setData([this.steps, this.accuracy, this.valAccuracy]);
  }
}
