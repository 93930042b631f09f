import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../tools/vitest/aliases.js';
import { chromiumBrowser, chromiumForTests } from '../../tools/vitest/chromium.js';
import { browserProject, nodeProject } from '../../tools/vitest/config.js';

// - node: the library's dependency resolution (no GL needed);
// - chromium: the math library compiled and run on WebGL 2 and WebGL 1
//   (SwiftShader), in plain WebGL programs of the test's own.
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: { projects: [nodeProject(), browserProject('chromium', chromiumBrowser(chromiumForTests()))] },
});
