import { defineConfig } from 'vitest/config';
import { leakCheckSetup, workspaceAliases } from '../../tools/vitest/aliases.js';
import { chromiumBrowser, chromiumForTests } from '../../tools/vitest/chromium.js';

// Core's tests run its ops on backend-ts (imported from source: a test-only
// edge, so the package graph keeps core free of backend dependencies).
// The Chromium project runs only the browser-specific tests (*.browser.test.ts:
// IndexedDB, localStorage, downloads, fetch from the page), against a model
// server that its globalSetup starts in Node.
const chromium = chromiumForTests();

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    setupFiles: ['./test/use-backend-ts.ts', leakCheckSetup],
    projects: [
      { extends: true, test: { name: 'node', environment: 'node', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: ['**/*.browser.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'chromium',
          include: ['test/**/*.browser.test.ts'],
          globalSetup: ['./test/io/model_server.setup.ts'],
          browser: chromiumBrowser(chromium),
        },
      },
    ],
  },
});
