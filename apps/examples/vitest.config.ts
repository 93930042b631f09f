import { defineConfig } from 'vitest/config';
import { leakCheckSetup, workspaceAliases } from '../../tools/vitest/aliases.js';

// Reduced runs of every experiment on backend-ts (tiny subsets, few steps): CI checks they still work.
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: { include: ['src/**/*.test.ts'], setupFiles: ['./test/use-backend-ts.ts', leakCheckSetup], environment: 'node', testTimeout: 120_000 },
});
