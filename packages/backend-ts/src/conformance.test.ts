// The shared conformance suite (kernels, special values, gradients, training
// equivalence, leak checks), in Node and in headless Chromium.
import { conformanceSuite } from '@polytensor/conformance/vitest';
import { createTsBackend } from './backend.js';

conformanceSuite('ts', () => createTsBackend());
