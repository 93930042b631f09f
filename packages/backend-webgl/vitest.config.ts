import { defineConfig } from 'vitest/config';
import { leakCheckSetup, workspaceAliases } from '../../tools/vitest/aliases.js';
import { chromiumBrowser, chromiumForTests } from '../../tools/vitest/chromium.js';

// The same tests run in three places:
// - chromium-webgl2 / chromium-webgl1: headless Chromium (a system one, never
//   downloaded), WebGL on SwiftShader, the backend forced to WebGL 2 or 1;
// - node: headless-gl (WebGL 1 on Mesa), which needs a display: run it under
//   `xvfb-run -a` (scripts/test-node.sh does, and fails clearly without one).
// Sibling packages resolve to their sources: no build needed.
const chromium = chromiumForTests();

/** SwiftShader through ANGLE: WebGL 2 with EXT_color_buffer_float, WebGL 1 with OES_texture_float. */
export const WEBGL_CHROMIUM_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'];

/** A fresh browser block per project (Vitest names the instances after their project). */
const browser = () => chromiumBrowser(chromium, WEBGL_CHROMIUM_ARGS);

export default defineConfig({
  resolve: { alias: workspaceAliases },
  optimizeDeps: { include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgl'] },
  test: {
    setupFiles: [leakCheckSetup],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: 'chromium-webgl2', include: ['src/**/*.test.ts'], exclude: ['src/**/*.node.test.ts'], provide: { webglVersion: 2 }, browser: browser() },
      },
      {
        extends: true,
        test: { name: 'chromium-webgl1', include: ['src/**/*.test.ts'], exclude: ['src/**/*.node.test.ts'], provide: { webglVersion: 1 }, browser: browser() },
      },
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          // one file at a time: headless-gl processes sharing one Xvfb in parallel occasionally crash a worker
          fileParallelism: false,
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.browser.test.ts'],
          provide: { webglVersion: 1 },
        },
      },
    ],
  },
});
