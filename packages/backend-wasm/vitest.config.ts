import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { leakCheckSetup, workspaceAliases } from '../../tools/vitest/aliases.js';
import { chromiumBrowser, chromiumForTests } from '../../tools/vitest/chromium.js';

// Tests import the workspace packages from source (no build needed first),
// this one included (core's ready() imports '@polytensor/backend-wasm').
const alias = [{ find: /^@polytensor\/backend-wasm$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }, ...workspaceAliases];

// Browsers load the .wasm from dist/wasm/ (see src/load.ts); put it there so tests need no build.
execFileSync(process.execPath, [fileURLToPath(new URL('./scripts/copy-wasm.mjs', import.meta.url))], { stdio: 'inherit' });

const chromium = chromiumForTests();
const browser = () => chromiumBrowser(chromium);

export default defineConfig({
  resolve: { alias },
  test: {
    setupFiles: [leakCheckSetup],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'node', environment: 'node', include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'] } },
      {
        // An ordinary page: the SIMD build, single-threaded.
        extends: true,
        test: { name: 'chromium', include: ['src/**/*.test.ts'], exclude: ['src/**/*.node.test.ts'], browser: browser() },
      },
      {
        // A cross-origin isolated page (COOP/COEP): SharedArrayBuffer is available, so the threaded SIMD build runs.
        extends: true,
        server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
        test: { name: 'chromium-threads', include: ['src/**/*.test.ts'], exclude: ['src/**/*.node.test.ts'], browser: browser() },
      },
    ],
  },
});
