import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../tools/vitest/aliases.js';
import { chromiumBrowser, chromiumForTests } from '../../tools/vitest/chromium.js';

// - node: the library's dependency resolution (no GL needed);
// - chromium: the math library compiled and run on WebGL 2 and WebGL 1
//   (SwiftShader), in plain WebGL programs of the test's own.
const chromium = chromiumForTests();

/** SwiftShader through ANGLE: WebGL 2 with EXT_color_buffer_float, WebGL 1 with OES_texture_float. */
const WEBGL_CHROMIUM_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'];

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    projects: [
      { extends: true, test: { name: 'node', environment: 'node', include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'] } },
      {
        extends: true,
        test: { name: 'chromium', include: ['src/**/*.test.ts'], exclude: ['src/**/*.node.test.ts'], browser: chromiumBrowser(chromium, WEBGL_CHROMIUM_ARGS) },
      },
    ],
  },
});
