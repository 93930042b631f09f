// gpu.js's CPU mode, explicitly requested: the same kernels run as JavaScript
// (their GLSL helpers replaced by JavaScript twins). It needs no GPU context.
import { conformanceSuite } from '@polytensor/conformance/vitest';
import { createGpujsBackend } from './backend.js';

conformanceSuite('gpujs-cpu', () => createGpujsBackend({ mode: 'cpu' }));
