import { Callback, type Logs } from './callbacks.js';

/** Where progress goes: a TTY-like stream in Node, console elsewhere. */
export interface ProgressSink {
  isTTY: boolean;
  write(text: string): void;
}

function defaultSink(): ProgressSink {
  const proc = (globalThis as { process?: { stdout?: { isTTY?: boolean; write(s: string): boolean } } }).process;
  const out = proc?.stdout;
  if (out) return { isTTY: out.isTTY === true, write: (s) => void out.write(s) };
  return { isTTY: false, write: (s) => console.log(s.replace(/\n$/, '')) };
}

const fmtValue = (v: number): string => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3));

function fmtTime(ms: number, steps: number): string {
  const perStep = ms / Math.max(1, steps);
  const per =
    perStep >= 1000 ? `${(perStep / 1000).toFixed(1)}s/step` : perStep >= 1 ? `${Math.round(perStep)}ms/step` : `${Math.round(perStep * 1000)}us/step`;
  return `${Math.round(ms / 1000)}s ${per}`;
}

/**
 * Keras' per-epoch progress bar:
 * `55000/55000 [==============================] - 25s 446us/step - loss: 0.2 - acc: 0.93`.
 * Animated only on a TTY; otherwise one summary line per epoch.
 */
export class ProgressBar extends Callback {
  private start = 0;
  private lastDraw = 0;
  private seen = 0;
  private batches = 0;
  private readonly sink: ProgressSink;

  constructor(
    sink?: ProgressSink,
    private readonly width = 30,
  ) {
    super();
    this.sink = sink ?? defaultSink();
  }

  override onEpochBegin(epoch: number): void {
    this.start = Date.now();
    this.lastDraw = 0;
    this.seen = 0;
    this.batches = 0;
    this.sink.write(`Epoch ${epoch + 1}/${this.params?.epochs ?? '?'}\n`);
  }

  override onBatchEnd(_batch: number, logs: Logs): void {
    this.seen += logs['size'] ?? 0;
    this.batches++;
    if (!this.sink.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const { size: _s, batch: _b, ...rest } = logs;
    this.sink.write(`\r${this.line(this.seen, now - this.start, rest)}`);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    const total = this.params?.samples ?? this.seen;
    this.sink.write(`${this.sink.isTTY ? '\r' : ''}${this.line(total, Date.now() - this.start, logs)}\n`);
  }

  private line(done: number, ms: number, logs: Logs): string {
    const total = this.params?.samples ?? done;
    const batchSize = this.params?.batchSize;
    const steps = batchSize ? Math.ceil(done / batchSize) : this.batches;
    const filled = total > 0 ? Math.round((this.width * done) / total) : this.width;
    const bar = filled >= this.width ? '='.repeat(this.width) : `${'='.repeat(Math.max(0, filled - 1))}>${'.'.repeat(this.width - filled)}`;
    const pad = String(total).length;
    const metrics = Object.entries(logs)
      .map(([k, v]) => ` - ${k}: ${fmtValue(v)}`)
      .join('');
    return `${String(done).padStart(pad)}/${total} [${bar}] - ${fmtTime(ms, steps)}${metrics}`;
  }
}
