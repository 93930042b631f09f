/**
 * Thrown when no GPU context can be made for gpu.js: no X display for
 * headless-gl in Node, `gl` not installed, no WebGL in the browser. The message
 * names the cause and the fix. The backend never falls back to gpu.js's CPU or
 * WebAssembly modes on its own; `createGpujsBackend({ mode: 'cpu' })` opts in.
 */
export class GpujsUnavailableError extends Error {
  override readonly name = 'GpujsUnavailableError';
}

/** A tensor or kernel shape this backend cannot hold (e.g. beyond float index range). */
export class GpujsLimitError extends Error {
  override readonly name = 'GpujsLimitError';
}
