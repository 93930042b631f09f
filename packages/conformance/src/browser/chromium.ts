// Finding a system Chromium (Node only). Browsers are never downloaded.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

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

/** Flags for headless Chromium on a machine with no network and no GPU; WebGL runs on SwiftShader. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
];

export function noChromiumMessage(env: NodeJS.ProcessEnv = process.env): string {
  const where = env['CHROMIUM_PATH']
    ? `CHROMIUM_PATH=${env['CHROMIUM_PATH']} does not exist`
    : 'CHROMIUM_PATH is unset, and there is no chromium on PATH nor /usr/bin/chromium';
  return `no Chromium found: ${where}. Install one (apt-get install chromium) or set CHROMIUM_PATH; browsers are never downloaded.`;
}
