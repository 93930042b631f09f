import { chromiumBrowser, chromiumForTests } from '../../tools/vitest/chromium.js';
import { browserProject, nodeProject, workspaceConfig } from '../../tools/vitest/config.js';

// The same tests (unit tests and the conformance suite) run in Node and in a
// system Chromium. Sibling packages resolve to their sources: no build needed.
export default workspaceConfig({
  test: { projects: [nodeProject(), browserProject('chromium', chromiumBrowser(chromiumForTests()))] },
});
