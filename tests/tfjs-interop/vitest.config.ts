import { defineConfig } from 'vitest/config';

// No aliases: these tests import the built packages, as a user's app does.
// The shared setup checks every test ends with the tensor and buffer counts it started with.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['../../tools/vitest/leak-check.setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
