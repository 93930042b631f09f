// The shared conformance suite (kernels, special values, composite ops,
// gradients, training equivalence, leak checks) on this project's WebGL
// version: WebGL 2 in headless Chromium (SwiftShader) and WebGL 1 on
// headless-gl in Node run all of it; WebGL 1 in Chromium runs the kernel
// cases. Op, gradient and training cases call the same kernels, and run on
// WebGL 1 in Node; repeating them in Chromium's WebGL 1 cost about a minute of
// CI for a third run of the same GLSL ES 1.00 shaders.
import { conformanceSuite } from '@polytensor/conformance/vitest';
import { newBackend, projectWebGLVersion } from './test_util.js';

const version = projectWebGLVersion();
const inBrowser = typeof window !== 'undefined';
conformanceSuite(`webgl${version}`, newBackend, version === 1 && inBrowser ? { kinds: ['kernel'] } : {});
