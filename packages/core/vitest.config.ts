import { defineConfig } from 'vitest/config';
import { leakCheckSetup, workspaceAliases } from '../../tools/vitest/aliases.js';

// Core's tests run its ops on backend-ts (imported from source: a test-only
// edge, so the package graph keeps core free of backend dependencies).
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['./test/use-backend-ts.ts', leakCheckSetup],
    environment: 'node',
  },
});
