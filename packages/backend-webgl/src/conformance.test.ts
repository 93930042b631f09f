// The shared conformance suite (kernels, special values, composite ops,
// gradients, training equivalence, leak checks) on this project's WebGL
// version: WebGL 1 on headless-gl in Node runs all of it; WebGL 1 in Chromium
// runs the kernel cases. WebGL 2 in Chromium runs all of it through the CLI
// (cli.node.test.ts), so the chromium-webgl2 project leaves this file out.
// Op, gradient and training cases call the same kernels, and run on WebGL 1
// in Node; repeating them in Chromium's WebGL 1 cost about a minute of CI for
// a third run of the same GLSL ES 1.00 shaders.
import { conformanceSuite } from '@polytensor/conformance/vitest';
import { newBackend, projectWebGLVersion } from './test_util.js';

const version = projectWebGLVersion();
const inBrowser = typeof window !== 'undefined';
conformanceSuite(`webgl${version}`, newBackend, version === 1 && inBrowser ? { kinds: ['kernel'] } : {});
