import { registerBackend } from '@polytensor/core';
import { createWasmBackend, WASM_KERNELS, WASM_LIMITS, WASM_NUMERICS, type WasmBackend, type WasmBackendInfo, type WasmBackendOptions } from './backend.js';
import { setWasmPaths, setWasmThreads, WASM_BINARIES, type WasmBinaryName, type WasmPaths } from './load.js';
import { OutOfMemoryError as WasmOutOfMemoryError } from './runtime.js';
import { MAX_AUTO_THREADS as WASM_MAX_AUTO_THREADS, type WasmThreads } from './threads.js';

export {
  createWasmBackend,
  WASM_KERNELS,
  WASM_LIMITS,
  WASM_NUMERICS,
  WasmOutOfMemoryError,
  setWasmPaths,
  setWasmThreads,
  WASM_BINARIES,
  WASM_MAX_AUTO_THREADS,
};
export { WasmStore } from './store.js';
export type { WasmBackend, WasmBackendInfo, WasmBackendOptions, WasmBinaryName, WasmPaths, WasmThreads };

// Importing the package installs it. Priority 2: above backend-ts (1), so where
// this package is installed and WebAssembly initialises, it is the default.
registerBackend('wasm', () => createWasmBackend(), 2);
