import { defineConfig } from 'vitest/config';

// End-to-end tests: the global setup builds the app with Vite once, each file
// serves dist/ and drives a system Chromium (never downloaded) through
// playwright-core. Files run one after another: each one's browser wants both
// cores. The page's tensors live in the browser, so the Node leak check has
// nothing to count.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/build_app.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
