// The shared conformance suite (kernels, special values, gradients, training
// equivalence, leak checks) on this project's WebGL version: WebGL 2 and
// WebGL 1 in headless Chromium (SwiftShader), WebGL 1 on headless-gl in Node.
import { conformanceSuite } from '@polytensor/conformance/vitest';
import { newBackend, projectWebGLVersion } from './test_util.js';

conformanceSuite(`webgl${projectWebGLVersion()}`, newBackend);
