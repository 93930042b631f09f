import { defineConfig } from 'vitest/config';
import { leakCheckSetup, workspaceAliases } from '../../tools/vitest/aliases.js';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: { include: ['test/**/*.test.ts'], setupFiles: ['./test/use-backend-ts.ts', leakCheckSetup], environment: 'node' },
});
