// Node-only: run a browser module in headless Chromium and get a value back.
// The module is bundled with Vite (bare imports resolve from this repository's
// node_modules, CommonJS packages such as gpu.js included), served from
// 127.0.0.1, opened in a system Chromium (never downloaded, WebGL on
// SwiftShader) by the shared launcher of @polytensor/conformance/chromium.
// Used by the browser conformance runner (./browser_conformance.ts).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions, launchChromium } from '@polytensor/conformance/chromium';

export interface PageRun {
  /** Source of the page's ES module. It must set `window.__run = async (args) => result` (JSON-serialisable result). */
  readonly module: string;
  /** Passed to `window.__run`. */
  readonly args?: unknown;
  readonly timeoutMs?: number;
  /** Lines the page logs to the console are passed here. */
  readonly onConsole?: (text: string) => void;
}

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

function serve(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path === '/' ? 'index.html' : path);
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end('not found');
      },
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/` });
    }),
  );
}

/** The repository root (where node_modules lives), found from this file. */
function packageDir(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** Bundle `module` with Vite, open it in headless Chromium, call `window.__run(args)`, return its result. */
export async function runInChromium<T>(run: PageRun): Promise<T> {
  const vite = (await import('vite')) as typeof import('vite');
  // fail on a missing Chromium before bundling
  const { executablePath } = chromiumLaunchOptions();
  // the bundle's sources live inside this package so bare imports resolve from the repository's node_modules
  const dir = await mkdtemp(join(packageDir(), '.chromium-page-'));
  let server: Server | null = null;
  try {
    await writeFile(join(dir, 'entry.js'), run.module);
    await writeFile(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="./entry.js"></script>');
    await vite.build({
      root: dir,
      logLevel: 'warn',
      configFile: false,
      build: { outDir: join(dir, 'out'), emptyOutDir: true, minify: false, target: 'es2022', chunkSizeWarningLimit: 1e9 },
    });
    const served = await serve(join(dir, 'out'));
    server = served.server;
    const browser = await launchChromium({ executablePath });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      if (run.onConsole) page.on('console', (m) => run.onConsole!(m.text()));
      await page.goto(served.url);
      await page.waitForFunction('typeof window.__run === "function"', undefined, { timeout: 60_000 }).catch(() => {
        throw new Error(`the page did not start${errors.length ? `: ${errors.join('; ')}` : ''}`);
      });
      page.setDefaultTimeout(run.timeoutMs ?? 600_000);
      return (await page.evaluate(`window.__run(${JSON.stringify(run.args ?? null)})`)) as T;
    } finally {
      await browser.close();
    }
  } finally {
    server?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
