/**
 * Pause between two batches: the training callback awaits `pass()`, which
 * returns at once unless paused. Everything the model holds (weights,
 * optimizer state, the epoch's shuffle) stays as it was while it waits.
 */
export class PauseGate {
  private release: (() => void) | null = null;
  private gate: Promise<void> | null = null;

  get paused(): boolean {
    return this.gate !== null;
  }

  pause(): void {
    this.gate ??= new Promise<void>((r) => (this.release = r));
  }

  resume(): void {
    this.release?.();
    this.gate = null;
    this.release = null;
  }

  /** Wait while paused. */
  async pass(): Promise<void> {
    while (this.gate) await this.gate;
  }
}
