import { defineConfig } from 'vitest/config';
import { leakCheckSetup, workspaceAliases } from '../../tools/vitest/aliases.js';

// Tests import the workspace packages from source; backend-ts is a test-only edge.
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: { include: ['src/**/*.test.ts'], setupFiles: ['./test/use-backend-ts.ts', leakCheckSetup], environment: 'node', testTimeout: 60_000 },
});
