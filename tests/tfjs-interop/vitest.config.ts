import { defineConfig } from 'vitest/config';

// No aliases: these tests import the built packages, as a user's app does.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 120_000 } });
