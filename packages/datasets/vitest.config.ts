import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));

// Tests import the sibling packages from source, so no build is needed first.
// backend-ts is a test-only edge (the toTensors tests need a backend).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@polytensor\/core$/, replacement: resolve(here, '../core/src/index.ts') },
      { find: /^@polytensor\/backend-ts$/, replacement: resolve(here, '../backend-ts/src/index.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts'],
    // The shared leak check: every test ends with the tensor and buffer counts it started with.
    setupFiles: ['./test/use-backend-ts.ts', resolve(here, '../../tools/vitest/leak-check.setup.ts')],
    environment: 'node',
  },
});
