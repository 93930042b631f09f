import { defineConfig } from 'vitest/config';
import { leakCheckSetup, workspaceAliases } from '../../tools/vitest/aliases.js';
import { chromiumBrowser, chromiumForTests } from '../../tools/vitest/chromium.js';

// '@polytensor/core' (and the other workspace packages) resolve to their
// sources, so the tests need no build.
const chromium = chromiumForTests();

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    setupFiles: [leakCheckSetup],
    projects: [
      { extends: true, test: { name: 'node', environment: 'node', include: ['src/**/*.test.ts'], testTimeout: 60_000 } },
      {
        extends: true,
        test: {
          name: 'chromium',
          // the suite itself in a real browser: no Node-only code in the reference, cases or vitest integration
          include: ['src/**/*.browser.test.ts'],
          testTimeout: 60_000,
          browser: chromiumBrowser(chromium),
        },
      },
    ],
  },
});
