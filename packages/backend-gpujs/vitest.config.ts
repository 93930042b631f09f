import { chromiumBrowser, chromiumForTests } from '../../tools/vitest/chromium.js';
import { browserProject, nodeProject, workspaceConfig } from '../../tools/vitest/config.js';

// The same tests run in two places:
// - node: headless-gl (WebGL 1 on Mesa llvmpipe), which needs an X display:
//   `npm test` runs it under `xvfb-run -a` (scripts/test-node.mjs fails clearly without it);
// - chromium: headless Chromium (a system one, never downloaded), WebGL 2 on SwiftShader.
// Sibling packages resolve to their sources: no build needed.
export default workspaceConfig({
  optimizeDeps: { include: ['gpu.js'] },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [nodeProject(), browserProject('chromium', chromiumBrowser(chromiumForTests()))],
  },
});
