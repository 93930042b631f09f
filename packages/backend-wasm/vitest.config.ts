import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { workspaceAliases } from '../../tools/vitest/aliases.js';
import { chromiumBrowser, chromiumForTests } from '../../tools/vitest/chromium.js';
import { browserProject, nodeProject, workspaceConfig } from '../../tools/vitest/config.js';

// Tests import the workspace packages from source (no build needed first),
// this one included (core's ready() imports '@polytensor/backend-wasm').
const alias = [{ find: /^@polytensor\/backend-wasm$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }, ...workspaceAliases];

// Browsers load the .wasm from dist/wasm/ (see src/load.ts); put it there so tests need no build.
execFileSync(process.execPath, [fileURLToPath(new URL('./scripts/copy-wasm.mjs', import.meta.url))], { stdio: 'inherit' });

const chromium = chromiumForTests();
const browser = () => chromiumBrowser(chromium);

export default workspaceConfig({
  resolve: { alias },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      nodeProject(),
      // An ordinary page: the SIMD build, single-threaded.
      browserProject('chromium', browser()),
      // A cross-origin isolated page (COOP/COEP): SharedArrayBuffer is available, so the threaded SIMD build runs.
      browserProject(
        'chromium-threads',
        browser(),
        {},
        { server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } } },
      ),
    ],
  },
});
