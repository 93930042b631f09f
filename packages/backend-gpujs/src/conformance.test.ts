// The shared conformance suite (kernels, special values, gradients, training
// equivalence, leak checks), in Node (headless-gl under Xvfb) and in headless Chromium.
import { conformanceSuite } from '@polytensor/conformance/vitest';
import { createGpujsBackend } from './backend.js';

conformanceSuite('gpujs', () => createGpujsBackend());
