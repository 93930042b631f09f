// Shared browser-mode setup: find a system Chromium (never download one) and
// build a Vitest project that runs tests in it headless.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { playwright } from '@vitest/browser-playwright';

/** $CHROMIUM_PATH (trusted as given), then `chromium` / `chromium-browser` on PATH, then /usr/bin/chromium. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['CHROMIUM_PATH']) return existsSync(env['CHROMIUM_PATH']) ? env['CHROMIUM_PATH'] : undefined;
  for (const dir of (env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

/** Flags for headless Chromium on a machine with no network and no GPU. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** True unless the command line selects only projects without 'chromium' in their names. */
function chromiumRequested(argv: readonly string[]): boolean {
  const selected = argv.flatMap((arg, i) =>
    arg === '--project' ? [argv[i + 1] ?? ''] : arg.startsWith('--project=') ? [arg.slice('--project='.length)] : [],
  );
  return selected.length === 0 || selected.some((p) => p.includes('chromium') || p.includes('*'));
}

/**
 * The executable for browser projects. Throws a clear error when one is needed
 * and none exists, so a missing browser fails the run instead of skipping tests.
 */
export function chromiumForTests(argv: readonly string[] = process.argv): string | undefined {
  const found = findChromium();
  if (!found && chromiumRequested(argv)) {
    const where = process.env['CHROMIUM_PATH']
      ? `CHROMIUM_PATH=${process.env['CHROMIUM_PATH']} does not exist`
      : 'CHROMIUM_PATH is unset, and there is no chromium on PATH nor /usr/bin/chromium';
    throw new Error(
      `No Chromium for the browser test project: ${where}. Install one (apt-get install chromium) or set CHROMIUM_PATH; ` +
        'browsers are never downloaded.',
    );
  }
  return found;
}

/** A Vitest `browser` block for headless Chromium with extra flags (e.g. WebGL on SwiftShader). */
export function chromiumBrowser(executablePath: string | undefined, extraArgs: readonly string[] = []) {
  return {
    enabled: true,
    headless: true,
    provider: playwright({
      launchOptions: { ...(executablePath ? { executablePath } : {}), args: [...CHROMIUM_ARGS, ...extraArgs] },
    }),
    instances: [{ browser: 'chromium' as const }],
  };
}
