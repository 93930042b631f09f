import { defineConfig } from 'vitest/config';
import { leakCheckSetup, workspaceAliases } from '../../tools/vitest/aliases.js';
import { chromiumBrowser, chromiumForTests } from '../../tools/vitest/chromium.js';

// The same tests run in two places:
// - node: headless-gl (WebGL 1 on Mesa llvmpipe), which needs an X display:
//   `npm test` runs it under `xvfb-run -a` (scripts/test-node.mjs fails clearly without it);
// - chromium: headless Chromium (a system one, never downloaded), WebGL 2 on SwiftShader.
// Sibling packages resolve to their sources: no build needed.
const chromium = chromiumForTests();

/** SwiftShader through ANGLE: WebGL 2 with EXT_color_buffer_float. */
export const WEBGL_CHROMIUM_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'];

export default defineConfig({
  resolve: { alias: workspaceAliases },
  optimizeDeps: { include: ['gpu.js'] },
  test: {
    setupFiles: [leakCheckSetup],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'node', environment: 'node', include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'] } },
      {
        extends: true,
        test: { name: 'chromium', include: ['src/**/*.test.ts'], exclude: ['src/**/*.node.test.ts'], browser: chromiumBrowser(chromium, WEBGL_CHROMIUM_ARGS) },
      },
    ],
  },
});
