// The one Chromium launcher (Node only) shared by the conformance runner, the
// bench, the backends' browser tests and tests/packed; published as
// `@polytensor/conformance/chromium`. It finds a system Chromium and launches
// it headless through playwright-core (an optional peer dependency). Browsers
// are never downloaded.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Browser, BrowserServer, LaunchOptions } from 'playwright-core';

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

/**
 * Flags for headless Chromium on a machine with no network and no GPU. WebGL
 * runs on SwiftShader (the last three flags), which the WebGL and gpu.js
 * backends need and the others do not mind.
 */
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

/** Why no Chromium was found and what to do; `purpose` (e.g. 'for the browser backends') follows "no Chromium". */
export function noChromiumMessage(env: NodeJS.ProcessEnv = process.env, purpose?: string): string {
  const where = env['CHROMIUM_PATH']
    ? `CHROMIUM_PATH=${env['CHROMIUM_PATH']} does not exist`
    : 'CHROMIUM_PATH is unset, and there is no chromium on PATH nor /usr/bin/chromium';
  return `no Chromium${purpose ? ` ${purpose}` : ''}: ${where}. Install one (apt-get install chromium) or set CHROMIUM_PATH; browsers are never downloaded.`;
}

export interface LaunchChromiumOptions {
  /** The executable; default: findChromium(env), and an error naming what to do when there is none. */
  readonly executablePath?: string | undefined;
  /** Flags added after CHROMIUM_ARGS. */
  readonly args?: readonly string[];
  /** Where CHROMIUM_PATH and PATH are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Named in the no-Chromium error, after "no Chromium" (e.g. 'for the browser backends'). */
  readonly purpose?: string;
}

/** playwright-core's options for a headless system Chromium; throws noChromiumMessage() when there is none. */
export function chromiumLaunchOptions(options: LaunchChromiumOptions = {}): LaunchOptions & { executablePath: string } {
  const env = options.env ?? process.env;
  const executablePath = options.executablePath ?? findChromium(env);
  if (!executablePath) throw new Error(noChromiumMessage(env, options.purpose));
  return { executablePath, headless: true, args: [...CHROMIUM_ARGS, ...(options.args ?? [])] };
}

async function playwrightChromium(): Promise<typeof import('playwright-core')['chromium']> {
  try {
    return (await import('playwright-core')).chromium;
  } catch {
    throw new Error("driving Chromium needs the npm package 'playwright-core' (npm install playwright-core next to @polytensor/conformance)");
  }
}

/** Launch a headless system Chromium (see chromiumLaunchOptions). */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const launch = chromiumLaunchOptions(options);
  return (await playwrightChromium()).launch(launch);
}

/** As launchChromium, as a server: its `process()` can be killed when a page hangs (the bench does). */
export async function launchChromiumServer(options: LaunchChromiumOptions = {}): Promise<BrowserServer> {
  const launch = chromiumLaunchOptions(options);
  return (await playwrightChromium()).launchServer(launch);
}

/** "Chromium 156.0.8078.79" from `chromium --version`, or null. */
export function chromiumVersion(executable: string): string | null {
  try {
    const out = execFileSync(executable, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 });
    return (
      out
        .split('\n')
        .find((l) => /\d+\.\d+/.test(l))
        ?.trim() ?? null
    );
  } catch {
    return null;
  }
}
