// Run the conformance suite inside headless Chromium (Node only): Vite serves a
// generated page that imports the backend package and the suite; playwright-core
// drives a system Chromium and reads the report back.
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ConformanceReport } from '../suite.js';
import { reportFromJson } from '../report.js';
import { CHROMIUM_ARGS, findChromium, noChromiumMessage } from './chromium.js';

export interface BrowserRunOptions {
  /** Backend name; the page imports @polytensor/backend-<name>. */
  backend: string;
  filter?: string | readonly string[];
  /** Where node_modules can be resolved from (default: this process's working directory). */
  cwd?: string;
  /** Give up after this long (default 10 minutes). */
  timeoutMs?: number;
  /** Progress lines (page console output). */
  log?: (line: string) => void;
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>polytensor conformance</title><link rel="icon" href="data:,"><script type="module" src="./entry.js"></script>`;

function entrySource(pkg: string, backend: string, filter: string | readonly string[] | undefined): string {
  return `import * as backendModule from '${pkg}';
import { resolveBackend, runConformance, reportToJson } from '@polytensor/conformance';
const w = window;
try {
  const resolved = await resolveBackend(${JSON.stringify(backend)}, async () => backendModule);
  const report = await runConformance(resolved.factory, { disposeBackend: resolved.owned${filter === undefined ? '' : `, filter: ${JSON.stringify(filter)}`} });
  w.__polytensorReport = reportToJson(report);
} catch (e) {
  w.__polytensorError = e instanceof Error ? e.stack || e.message : String(e);
}
`;
}

/** Load an optional dependency of the browser runner with a clear message when it is missing. */
async function need<T>(pkg: string, load: () => Promise<unknown>): Promise<T> {
  try {
    const mod = (await load()) as { default?: T } & T;
    return (mod.default ?? mod) as T;
  } catch {
    throw new Error(`--browser needs the npm package '${pkg}' (install it next to @polytensor/conformance)`);
  }
}

type Vite = typeof import('vite');
type Playwright = typeof import('playwright-core');

/** Run the suite for `backend` in headless Chromium and return its report. */
export async function runConformanceInChromium(options: BrowserRunOptions): Promise<ConformanceReport> {
  const cwd = options.cwd ?? process.cwd();
  const executablePath = findChromium();
  if (!executablePath) throw new Error(noChromiumMessage());
  const pkg = options.backend === 'reference' ? '@polytensor/conformance' : `@polytensor/backend-${options.backend}`;
  const require = createRequire(join(cwd, 'noop.js'));
  try {
    require.resolve(`${pkg}/package.json`);
  } catch {
    throw new Error(`backend '${options.backend}' is not installed: cannot resolve ${pkg} from ${cwd}; npm install ${pkg}`);
  }
  // The page lives under node_modules/.cache so Vite resolves packages as an app would.
  const root = join(cwd, 'node_modules', '.cache', `polytensor-conformance-${options.backend}`);
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'index.html'), PAGE);
  await writeFile(join(root, 'entry.js'), entrySource(pkg, options.backend, options.filter));

  const vite = await need<Vite>('vite', () => import('vite'));
  const { chromium } = await need<Playwright>('playwright-core', () => import('playwright-core'));
  const server = await vite.createServer({
    root,
    configFile: false,
    logLevel: 'error',
    server: {
      host: '127.0.0.1',
      port: 0,
      // Cross-origin isolation lets threaded WebAssembly use SharedArrayBuffer.
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    },
  });
  let browser: Awaited<ReturnType<Playwright['chromium']['launch']>> | undefined;
  try {
    await server.listen();
    const address = server.httpServer?.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
    const page = await browser.newPage();
    page.on('console', (m) => options.log?.(`[chromium] ${m.text()}`));
    page.on('pageerror', (e) => options.log?.(`[chromium] ${e.message}`));
    await page.goto(`http://127.0.0.1:${port}/index.html`);
    await page.waitForFunction(() => {
      const w = window as unknown as Record<string, unknown>;
      return w['__polytensorReport'] !== undefined || w['__polytensorError'] !== undefined;
    }, undefined, { timeout: options.timeoutMs ?? 600_000, polling: 250 });
    const result = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return { report: w['__polytensorReport'] as string | undefined, error: w['__polytensorError'] as string | undefined };
    });
    if (result.error !== undefined) throw new Error(`in Chromium: ${result.error}`);
    return reportFromJson(result.report!);
  } finally {
    await browser?.close();
    await server.close();
  }
}
