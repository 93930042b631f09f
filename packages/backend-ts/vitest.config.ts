import { defineConfig } from 'vitest/config';
import { leakCheckSetup, workspaceAliases } from '../../tools/vitest/aliases.js';
import { chromiumBrowser, chromiumForTests } from '../../tools/vitest/chromium.js';

// The same tests (unit tests and the conformance suite) run in Node and in a
// system Chromium. Sibling packages resolve to their sources: no build needed.
const chromium = chromiumForTests();

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    setupFiles: [leakCheckSetup],
    projects: [
      { extends: true, test: { name: 'node', environment: 'node', include: ['src/**/*.test.ts'] } },
      { extends: true, test: { name: 'chromium', include: ['src/**/*.test.ts'], exclude: ['src/**/*.node.test.ts'], browser: chromiumBrowser(chromium) } },
    ],
  },
});
