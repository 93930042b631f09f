import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { leakCheckSetup, workspaceAliases } from '../../tools/vitest/aliases.js';

// '@polytensor/core' (and the other workspace packages) resolve to their
// sources, so the tests need no build.

/** A system Chromium: $CHROMIUM_PATH, then `chromium` / `chromium-browser` on PATH. Never downloaded. */
function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

const chromium = findChromium();
const wantsChromium = !process.argv.some((a, i) => (a === '--project' && process.argv[i + 1] === 'node') || a === '--project=node');
if (!chromium && wantsChromium) {
  throw new Error(
    'No Chromium for the browser test project: set CHROMIUM_PATH or install one (apt-get install chromium); ' +
      'browsers are never downloaded. Run `vitest run --project node` to skip the browser tests.',
  );
}

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    setupFiles: [leakCheckSetup],
    projects: [
      {
        extends: true,
        test: { name: 'node', environment: 'node', include: ['src/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'chromium',
          // the suite itself in a real browser: no Node-only code in the reference, cases or vitest integration
          include: ['src/**/*.browser.test.ts'],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: {
                ...(chromium ? { executablePath: chromium } : {}),
                args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
