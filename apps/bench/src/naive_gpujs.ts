/**
 * The matMul a gpu.js user writes first: one GPU thread per output element,
 * a loop over k, JavaScript arrays in and out. backend-gpujs's packed product
 * is measured against it (its issue's bar: 3× faster). Runs in the browser
 * page, with the gpu.js that backend-gpujs bundles; typed structurally here so
 * that the bench does not depend on gpu.js itself.
 */

/** What a gpu.js kernel function sees as `this`. */
interface KernelThis {
  thread: { x: number; y: number };
  constants: { n: number };
}

type Kernel = (...args: unknown[]) => unknown;

/** The part of gpu.js's `GPU` class used here. */
export type GpuConstructor = new (settings: {
  mode: string;
}) => {
  createKernel(fn: (this: KernelThis, a: number[][], b: number[][]) => number, settings: Record<string, unknown>): Kernel;
  destroy(): void;
  /** The WebGL context gpu.js made for itself. */
  readonly context?: { getExtension(name: 'WEBGL_lose_context'): { loseContext(): void } | null } | null;
};

/** A kernel ready to run on its inputs: each run returns the product, row-major. */
export interface NaiveKernel {
  run(): Float32Array;
  dispose(): void;
}

/** C = A·B for n×n row-major A and B, as the naive gpu.js kernel computes it (WebGL 2, single precision). */
export function naiveMatMul(GPU: GpuConstructor, a: Float32Array, b: Float32Array, n: number): NaiveKernel {
  const gpu = new GPU({ mode: 'webgl2' });
  const kernel = gpu.createKernel(
    function (this: KernelThis, x: number[][], y: number[][]): number {
      let sum = 0;
      for (let k = 0; k < this.constants.n; k++) {
        sum += x[this.thread.y]![k]! * y[k]![this.thread.x]!;
      }
      return sum;
    },
    { output: [n, n], constants: { n }, precision: 'single' },
  );
  // gpu.js takes (and returns) one array per row
  const rows = (m: Float32Array): Float32Array[] => Array.from({ length: n }, (_, i) => m.subarray(i * n, (i + 1) * n));
  const [ra, rb] = [rows(a), rows(b)];
  return {
    run() {
      const out = kernel(ra, rb) as Float32Array[];
      const c = new Float32Array(n * n);
      out.forEach((row, i) => c.set(row, i * n));
      return c;
    },
    dispose() {
      // gpu.js leaves its context alive; Chromium keeps at most 16 and would take a backend's away
      const gl = gpu.context;
      gpu.destroy();
      gl?.getExtension('WEBGL_lose_context')?.loseContext();
    },
  };
}
