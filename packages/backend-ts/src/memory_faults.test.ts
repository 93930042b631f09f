// The shared memory fault suite (tools/vitest/memory_faults.ts) on the ts backend.
import '@polytensor/backend-ts';
import { setBackend } from '@polytensor/core';
import { memoryFaultSuite } from '../../../tools/vitest/memory_faults.js';

memoryFaultSuite('ts', () => setBackend('ts'));
