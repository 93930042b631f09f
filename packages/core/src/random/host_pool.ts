/**
 * Float32Arrays of host draws (kernel philoxUniform's host route, core's
 * composite) whose tensors were disposed, kept by a GPU backend's storage for
 * the next draw of the same size. A fresh 4 MB array costs ~1.3 ms in
 * Chromium before the first value is written (its pages are faulted in and
 * zeroed), a quarter of drawing a million values; a training step draws the
 * same mask shapes every step.
 *
 * Only an array nobody else can see may come back here: the storage hands it
 * to its cache, copies it on every read (before any await, so a read begun
 * before a dispose still sees the values), and gives it back once its cache
 * no longer holds it.
 * @internal
 */
export class HostArrayPool {
  private readonly arrays: Float32Array[] = [];
  private bytes = 0;

  /** At most `maxArrays` arrays and `maxBytes` bytes are kept; the oldest go first. */
  constructor(
    private readonly maxArrays = 8,
    private readonly maxBytes = 64 * 2 ** 20,
  ) {}

  /** An array of `size` elements (a recycled one, its old values still there, or a new zeroed one). */
  take(size: number): Float32Array {
    for (let i = this.arrays.length - 1; i >= 0; i--) {
      const a = this.arrays[i]!;
      if (a.length === size) {
        this.arrays.splice(i, 1);
        this.bytes -= a.byteLength;
        return a;
      }
    }
    return new Float32Array(size);
  }

  /** Keep `a` for a later `take` (the caller gives it up). */
  give(a: Float32Array): void {
    if (a.byteLength > this.maxBytes) return;
    this.arrays.push(a);
    this.bytes += a.byteLength;
    while (this.arrays.length > this.maxArrays || this.bytes > this.maxBytes) this.bytes -= this.arrays.shift()!.byteLength;
  }

  /** How many arrays and bytes are kept. */
  get size(): { arrays: number; bytes: number } {
    return { arrays: this.arrays.length, bytes: this.bytes };
  }

  clear(): void {
    this.arrays.length = 0;
    this.bytes = 0;
  }
}
