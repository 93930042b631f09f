// The shared conformance suite (kernels, special values, gradients, training
// equivalence, leak checks), in Node and in headless Chromium, on one thread
// and, where threads run (Node, cross-origin isolated pages), on two.
import { conformanceSuite } from '@polytensor/conformance/vitest';
import { createWasmBackend } from './backend.js';

const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
const threadsRun = isNode || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

conformanceSuite('wasm', () => createWasmBackend({ threads: 1 }));
if (threadsRun) conformanceSuite('wasm, 2 threads', () => createWasmBackend({ threads: 2 }));
