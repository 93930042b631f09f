import { defineConfig } from 'vitest/config';

// One long integration run (packing, installing, bundling, browsers): steps
// share the installed projects, so files and tests run one after another.
export default defineConfig({
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], environment: 'node', fileParallelism: false, testTimeout: 600_000, hookTimeout: 900_000 },
});
