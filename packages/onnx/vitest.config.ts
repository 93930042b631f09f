import { defineConfig } from 'vitest/config';
import { leakCheckSetup, workspaceAliases } from '../../tools/vitest/aliases.js';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: { include: ['src/**/*.test.ts'], setupFiles: [leakCheckSetup], environment: 'node' },
});
