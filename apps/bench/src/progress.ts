/**
 * Progress on stderr: on a terminal, a live status line (spinner, workload
 * counter, implementation, phase, run k/n) that becomes a result line when an
 * implementation finishes; otherwise plain lines, one per finished implementation.
 */
import type { ProgressEvent } from './runner.js';

const SPIN = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class Progress {
  private frame = 0;
  private current = '';
  private timer: NodeJS.Timeout | null = null;
  private readonly tty: boolean;

  constructor(
    private readonly workloads: readonly string[],
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(out.isTTY) && !process.env['CI'];
    if (this.tty) {
      this.timer = setInterval(() => this.draw(), 120);
      this.timer.unref();
    }
  }

  private prefix(workload: string): string {
    const i = this.workloads.indexOf(workload);
    return `[${String(i + 1).padStart(String(this.workloads.length).length)}/${this.workloads.length}] ${workload.padEnd(18)}`;
  }

  private draw(): void {
    if (!this.current) return;
    this.frame = (this.frame + 1) % SPIN.length;
    this.out.write(`\r\x1b[2K${SPIN[this.frame]} ${this.current}`.slice(0, (this.out.columns || 120) + 8));
  }

  /** A line that is not about a workload (e.g. "building the browser page"). */
  note(text: string): void {
    if (this.tty) this.out.write(`\r\x1b[2K${text}\n`);
    else this.out.write(`${text}\n`);
    if (this.tty && this.current) this.draw();
  }

  event = (e: ProgressEvent): void => {
    const who = `${this.prefix(e.workload)} ${e.impl.padEnd(18)}`;
    if (e.phase === 'done') {
      const mark = e.message?.startsWith('GATE FAILED')
        ? '✗'
        : /^(unavailable|unsupported|skipped)/.test(e.message ?? '')
          ? '–'
          : e.message?.startsWith('error')
            ? '!'
            : '✓';
      this.current = '';
      if (this.tty) this.out.write(`\r\x1b[2K${mark} ${who} ${e.message ?? ''}\n`);
      else this.out.write(`${mark} ${who} ${e.message ?? ''}\n`);
      return;
    }
    const phase =
      e.phase === 'timing' || e.phase === 'warmup'
        ? `${e.phase} ${e.done + 1}/${e.total}`
        : e.phase === 'gate'
          ? 'gate (first run vs float64 reference)'
          : e.phase === 'setup'
            ? 'setup (inputs, float64 reference)'
            : e.phase;
    this.current = `${who} ${phase}`;
    if (this.tty) this.draw();
  };

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty) this.out.write('\r\x1b[2K');
  }
}
