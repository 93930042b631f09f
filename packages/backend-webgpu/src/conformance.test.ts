// The shared conformance suite (kernels, special values, composite ops,
// gradients, training equivalence, leak checks) on WebGPU in headless Chromium
// (SwiftShader).
import { conformanceSuite } from '@polytensor/conformance/vitest';
import { newBackend } from './test_util.js';

conformanceSuite('webgpu', newBackend);
