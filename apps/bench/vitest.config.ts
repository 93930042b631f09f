import { defineConfig } from 'vitest/config';
import { leakCheckSetup, workspaceAliases } from '../../tools/vitest/aliases.js';

// Workspace packages resolve to their sources (no build needed); backend-wasm,
// which has no source alias, loads from its build when there is one.
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: { include: ['src/**/*.test.ts'], setupFiles: [leakCheckSetup], environment: 'node', testTimeout: 120_000, hookTimeout: 120_000 },
});
