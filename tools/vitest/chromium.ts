// Shared browser-mode setup: a system Chromium (found by the conformance
// package's finder; never downloaded) and a headless Vitest browser block.
import { CHROMIUM_ARGS, findChromium, noChromiumMessage } from '../../packages/conformance/src/browser/chromium.js';
import { playwright } from '@vitest/browser-playwright';

export { CHROMIUM_ARGS, findChromium };

/** SwiftShader through ANGLE: WebGL 2 with EXT_color_buffer_float, WebGL 1 with OES_texture_float. */
export const WEBGL_CHROMIUM_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'];

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
  const found = findChromium();
  if (!found && chromiumRequested(argv)) {
    throw new Error(`browser test project: ${noChromiumMessage()}`);
  }
  return found;
}

/** A Vitest `browser` block for headless Chromium with extra flags (e.g. WebGL on SwiftShader). */
export function chromiumBrowser(executablePath: string | undefined, extraArgs: readonly string[] = []) {
  return {
    enabled: true,
    headless: true,
    provider: playwright({ launchOptions: { ...(executablePath ? { executablePath } : {}), args: [...CHROMIUM_ARGS, ...extraArgs] } }),
    instances: [{ browser: 'chromium' as const }],
  };
}
