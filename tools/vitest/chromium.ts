// Shared browser-mode setup: a system Chromium (found and configured by the
// one launcher, @polytensor/conformance/chromium; never downloaded) and a
// headless Vitest browser block. Vitest loads this file before any alias
// applies, so it imports the launcher's source by path.
import { chromiumLaunchOptions, findChromium } from '../../packages/conformance/src/browser/chromium.js';
import { playwright } from '@vitest/browser-playwright';

/** True unless the command line selects only projects without 'chromium' in their names. */
function chromiumRequested(argv: readonly string[]): boolean {
  const selected = argv.flatMap((arg, i) => (arg === '--project' ? [argv[i + 1] ?? ''] : arg.startsWith('--project=') ? [arg.slice('--project='.length)] : []));
  return selected.length === 0 || selected.some((p) => p.includes('chromium') || p.includes('*'));
}

/**
 * The executable for browser projects. Throws a clear error when one is needed
 * and none exists, so a missing browser fails the run instead of skipping tests.
 */
export function chromiumForTests(argv: readonly string[] = process.argv): string | undefined {
  // chromiumLaunchOptions throws the launcher's no-Chromium error
  return chromiumRequested(argv) ? chromiumLaunchOptions({ purpose: 'for the browser test projects' }).executablePath : findChromium();
}

/** A Vitest `browser` block for headless Chromium with extra flags (e.g. WebGL on SwiftShader). */
export function chromiumBrowser(executablePath: string | undefined, extraArgs: readonly string[] = []) {
  return {
    enabled: true,
    headless: true,
    // no executable when no browser project runs: Vitest then never launches this one
    provider: playwright({ launchOptions: executablePath ? chromiumLaunchOptions({ executablePath, args: extraArgs }) : {} }),
    instances: [{ browser: 'chromium' as const }],
  };
}
