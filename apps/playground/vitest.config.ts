import { defineConfig } from 'vitest/config';

// One end-to-end test: it builds the app with Vite, serves dist/ and drives a
// system Chromium (never downloaded) through playwright-core. The page's
// tensors live in the browser, so the Node leak check has nothing to count.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 180_000, hookTimeout: 180_000 },
});
