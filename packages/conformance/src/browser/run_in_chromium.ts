// Run the conformance suite inside headless Chromium (Node only): Vite serves a
// generated page that imports the backend package and the suite and exposes a
// function running it; playwright-core drives a system Chromium, loads the
// page, calls that function (progress comes back through an exposed function)
// and reads the report back. The suite must not run during the page's load:
// page.goto waits for the load event (30 s), the full suite takes minutes.
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ConformanceReport } from '../suite.js';
import { reportFromJson } from '../report.js';
import { chromiumLaunchOptions, launchChromium } from './chromium.js';

export interface BrowserRunOptions {
  /** Backend name; the page imports @polytensor/backend-<name>. */
  backend: string;
  filter?: string | readonly string[];
  /** Where node_modules can be resolved from (default: this process's working directory). */
  cwd?: string;
  /** Give up on the suite after this long (default 30 minutes; the full suite on WebGL in SwiftShader takes a few). */
  timeoutMs?: number;
  /** Progress lines: each kernel as the suite reaches it, and the page's console output. */
  log?: (line: string) => void;
  /** Flags added to Chromium's launch (the backend package's "polytensor.chromiumArgs", e.g. WebGPU's). */
  chromiumArgs?: readonly string[];
}

/** Loading the page: Vite may first pre-bundle the backend's dependencies. */
const LOAD_TIMEOUT_MS = 180_000;
const SUITE_TIMEOUT_MS = 30 * 60_000;

const PAGE = `<!doctype html><meta charset="utf-8"><title>polytensor conformance</title><link rel="icon" href="data:,"><script type="module" src="./entry.js"></script>`;

/**
 * The page's module: it only defines `__polytensorRun(filter)`, which runs the
 * suite and resolves to the report as JSON (errors as { error }), reporting
 * each new kernel through `__polytensorProgress` (exposed by the runner).
 */
function entrySource(pkg: string, backend: string): string {
  return `import * as backendModule from '${pkg}';
import { resolveBackend, runConformance, reportToJson, selectCases } from '@polytensor/conformance';
window.__polytensorRun = async (filter) => {
  try {
    const resolved = await resolveBackend(${JSON.stringify(backend)}, async () => backendModule);
    const selection = filter === null ? {} : { filter };
    const total = selectCases(selection).length;
    const t0 = performance.now();
    let kernel = null;
    let cases = 0;
    const report = await runConformance(resolved.factory, {
      ...selection,
      disposeBackend: resolved.owned,
      onResult: (c) => {
        if (c.kernel !== kernel) {
          kernel = c.kernel;
          const s = Math.round((performance.now() - t0) / 1000);
          void window.__polytensorProgress?.(\`\${c.kind} \${c.kernel}: \${cases} of \${total} cases done, \${s} s\`);
        }
        cases++;
      },
    });
    return { report: reportToJson(report) };
  } catch (e) {
    return { error: e instanceof Error ? e.stack || e.message : String(e) };
  }
};
window.__polytensorReady = true;
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

/** Run the suite for `backend` in headless Chromium and return its report. */
export async function runConformanceInChromium(options: BrowserRunOptions): Promise<ConformanceReport> {
  const cwd = options.cwd ?? process.cwd();
  // fail on a missing Chromium before the page is built
  const { executablePath } = chromiumLaunchOptions();
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
  await writeFile(join(root, 'entry.js'), entrySource(pkg, options.backend));

  const vite = await need<Vite>('vite', () => import('vite'));
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
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    await server.listen();
    const address = server.httpServer?.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    browser = await launchChromium({ executablePath, ...(options.chromiumArgs ? { args: options.chromiumArgs } : {}) });
    const page = await browser.newPage();
    page.on('console', (m) => options.log?.(`[chromium] ${m.text()}`));
    page.on('pageerror', (e) => options.log?.(`[chromium] ${e.message}`));
    await page.exposeFunction('__polytensorProgress', (line: string) => options.log?.(`[chromium] conformance: ${line}`));
    await page.goto(`http://127.0.0.1:${port}/index.html`, { timeout: LOAD_TIMEOUT_MS });
    await page.waitForFunction(() => (window as unknown as Record<string, unknown>)['__polytensorReady'] === true, undefined, { timeout: LOAD_TIMEOUT_MS });
    const filter = options.filter === undefined ? null : typeof options.filter === 'string' ? options.filter : [...options.filter];
    const suite = page.evaluate(
      (f) => (window as unknown as { __polytensorRun: (f: string | string[] | null) => Promise<{ report?: string; error?: string }> }).__polytensorRun(f),
      filter,
    );
    const timeoutMs = options.timeoutMs ?? SUITE_TIMEOUT_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const result = await Promise.race([
      suite,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the conformance suite did not finish in Chromium within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (result.error !== undefined) throw new Error(`in Chromium: ${result.error}`);
    return reportFromJson(result.report!);
  } finally {
    await browser?.close();
    await server.close();
  }
}
