import { chromiumBrowser, chromiumForTests } from '../../tools/vitest/chromium.js';
import { browserProject, nodeProject, workspaceConfig } from '../../tools/vitest/config.js';

// Chromium's WebGPU on SwiftShader (Vulkan on the CPU): no GPU needed. WebGPU
// exists only in secure contexts; Vitest serves its pages from localhost.
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader'];

// The tests run in three places:
// - chromium-webgpu: headless Chromium with WebGPU (every browser test);
// - chromium-nowebgpu: the same Chromium without the flags, where there is no
//   adapter: only the fallback tests (*.nowebgpu.test.ts);
// - node: no navigator.gpu (the clear error) and the conformance CLI.
// Sibling packages resolve to their sources: no build needed (the CLI test builds).
const chromium = chromiumForTests();

export default workspaceConfig({
  optimizeDeps: { include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu'] },
  test: {
    // the 1,000-step leak test takes ~50 s on a quiet 2-core machine, twice that when it is busy
    testTimeout: 240_000,
    hookTimeout: 120_000,
    projects: [
      browserProject('chromium-webgpu', chromiumBrowser(chromium, WEBGPU_FLAGS), { exclude: ['src/**/*.node.test.ts', 'src/**/*.nowebgpu.test.ts'] }),
      browserProject('chromium-nowebgpu', chromiumBrowser(chromium), { include: ['src/**/*.nowebgpu.test.ts'], exclude: [] }),
      nodeProject({ include: ['src/**/*.node.test.ts'] }),
    ],
  },
});
