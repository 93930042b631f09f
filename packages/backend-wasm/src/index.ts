import { registerBackend } from '@polytensor/core';
import { createWasmBackend, WasmBackend, WASM_LIMITS, WASM_NUMERICS, type WasmBackendInfo } from './backend.js';
import { OutOfMemoryError as WasmOutOfMemoryError } from './runtime.js';
import { setWasmPaths, setWasmThreads, WASM_BINARIES, type WasmBinaryName, type WasmPaths } from './load.js';

export { createWasmBackend, WasmBackend, WASM_LIMITS, WASM_NUMERICS, WasmOutOfMemoryError, setWasmPaths, setWasmThreads, WASM_BINARIES };
export type { WasmBackendInfo, WasmBinaryName, WasmPaths };

// Importing the package installs it. Priority 2: above backend-ts (1), so where
// this package is installed and WebAssembly initialises, it is the default.
registerBackend('wasm', createWasmBackend, 2);
