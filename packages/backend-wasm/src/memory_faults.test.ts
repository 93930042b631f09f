// The shared memory fault suite (tools/vitest/memory_faults.ts) on the wasm backend.
import '@polytensor/backend-wasm';
import { setBackend } from '@polytensor/core';
import { memoryFaultSuite } from '../../../tools/vitest/memory_faults.js';

memoryFaultSuite('wasm', () => setBackend('wasm'));
