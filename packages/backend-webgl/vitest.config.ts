import { chromiumBrowser, chromiumForTests } from '../../tools/vitest/chromium.js';
import { browserProject, nodeProject, workspaceConfig } from '../../tools/vitest/config.js';

// The same tests run in three places:
// - chromium-webgl2 / chromium-webgl1: headless Chromium (a system one, never
//   downloaded), WebGL on SwiftShader, the backend forced to WebGL 2 or 1;
// - node: headless-gl (WebGL 1 on Mesa), which needs a display: run it under
//   `xvfb-run -a` (scripts/test-node.sh does, and fails clearly without one).
// Sibling packages resolve to their sources: no build needed.
const chromium = chromiumForTests();

/** A fresh browser block per project (Vitest names the instances after their project). */
const browser = () => chromiumBrowser(chromium);

export default workspaceConfig({
  optimizeDeps: { include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgl'] },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      // The conformance suite on WebGL 2 in Chromium runs once, as users run it: the CLI's full
      // run with default arguments (cli.node.test.ts). Running the same cases here too cost ~70 s of CI.
      browserProject('chromium-webgl2', browser(), {
        provide: { webglVersion: 2 },
        exclude: ['src/**/*.node.test.ts', 'src/conformance.test.ts'],
      }),
      browserProject('chromium-webgl1', browser(), { provide: { webglVersion: 1 } }),
      // one file at a time: headless-gl processes sharing one Xvfb in parallel occasionally crash a worker
      nodeProject({ fileParallelism: false, provide: { webglVersion: 1 } }),
    ],
  },
});
