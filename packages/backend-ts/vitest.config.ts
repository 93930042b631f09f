import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));

// Tests run against the sibling packages' sources, so no build is needed first.
// Longer keys first: '@polytensor/conformance/vitest' must not be caught by '@polytensor/conformance'.
const alias = [
  { find: '@polytensor/conformance/vitest', replacement: resolve(here, '../conformance/src/vitest.ts') },
  { find: '@polytensor/conformance', replacement: resolve(here, '../conformance/src/index.ts') },
  { find: '@polytensor/core', replacement: resolve(here, '../core/src/index.ts') },
];

/** A system Chromium: $CHROMIUM_PATH, then `chromium` / `chromium-browser` on PATH, then /usr/bin/chromium. Never downloaded. */
function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined; // an explicit choice is not second-guessed
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

/** True unless the command line selects only other projects (e.g. `--project node`). */
function chromiumRequested(argv: readonly string[]): boolean {
  const selected = argv.flatMap((arg, i) =>
    arg === '--project' ? [argv[i + 1] ?? ''] : arg.startsWith('--project=') ? [arg.slice('--project='.length)] : [],
  );
  return selected.length === 0 || selected.some((p) => p.includes('chromium') || p.includes('*'));
}

const chromium = findChromium();
if (!chromium && chromiumRequested(process.argv)) {
  const where = process.env.CHROMIUM_PATH
    ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`
    : 'CHROMIUM_PATH is unset, and there is no chromium on PATH nor /usr/bin/chromium';
  throw new Error(
    `No Chromium for the 'chromium' test project: ${where}. Install one with \`apt-get install chromium\` ` +
      `or set CHROMIUM_PATH to a Chromium/Chrome executable (browsers are never downloaded).`,
  );
}

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'node', environment: 'node', include: ['src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'chromium',
          include: ['src/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: {
                ...(chromium ? { executablePath: chromium } : {}),
                args: [
                  '--no-sandbox',
                  '--disable-dev-shm-usage',
                  '--disable-background-networking',
                  '--disable-component-update',
                  '--disable-sync',
                  '--no-first-run',
                ],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
