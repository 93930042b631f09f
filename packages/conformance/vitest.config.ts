import { chromiumBrowser, chromiumForTests } from '../../tools/vitest/chromium.js';
import { browserProject, nodeProject, workspaceConfig } from '../../tools/vitest/config.js';

// '@polytensor/core' (and the other workspace packages) resolve to their
// sources, so the tests need no build.
export default workspaceConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      nodeProject({ exclude: [] }),
      // the suite itself in a real browser: no Node-only code in the reference, cases or vitest integration
      browserProject('chromium', chromiumBrowser(chromiumForTests()), { include: ['src/**/*.browser.test.ts'], exclude: [] }),
    ],
  },
});
