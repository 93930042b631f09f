/**
 * The browser leg: bundle the page (src/browser/page.ts) with Vite, serve it
 * on 127.0.0.1, open it in a system Chromium through playwright-core
 * (headless, WebGL on SwiftShader), run the workloads there and collect the
 * rows. Browsers are never downloaded.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromiumServer } from '@polytensor/conformance/chromium';
import type { Browser, BrowserServer, Page } from 'playwright-core';
import type { BenchWindow, PageConfig, PageResult } from './browser/protocol.js';
import type { ProgressFn, Timing } from './runner.js';

/** polytensor backends that run in the browser page: webgl and gpujs beside tfjs webgl, webgpu beside tfjs webgpu. */
export const BROWSER_BACKENDS = ['webgl', 'gpujs', 'webgpu'] as const;

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Which polytensor browser backend packages can be bundled; the reason for each that cannot. */
export function browserBackendPackages(
  names: readonly string[],
  baselines: Readonly<Record<string, string>> = {},
): Array<{ name: string; unavailable: string | null; baseline: string }> {
  return names.map((name) => {
    const pkg = `@polytensor/backend-${name}`;
    const baseline = baselines[name] ?? 'webgl';
    try {
      require.resolve(pkg);
      return { name, unavailable: null, baseline };
    } catch {
      return { name, unavailable: `not installed (${pkg} is not in node_modules, or not built)`, baseline };
    }
  });
}

/**
 * The Chromium flags a backend package declares for itself in its package.json
 * (`"polytensor": { "chromiumArgs": [...] }`, the conformance runner's
 * mechanism; WebGPU on SwiftShader needs four); none when the package is not
 * installed or declares none.
 */
export function chromiumArgsOf(name: string): string[] {
  try {
    const file = require.resolve(`@polytensor/backend-${name}/package.json`);
    const meta = (JSON.parse(readFileSync(file, 'utf8')) as { polytensor?: { chromiumArgs?: unknown } }).polytensor;
    const args = meta?.chromiumArgs;
    return Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string' && a.startsWith('--')) : [];
  } catch {
    return [];
  }
}

/** Vite aliases for the page bundle (tests pass workspace sources; the CLI uses the built packages). */
export type Aliases = Array<{ find: string | RegExp; replacement: string }>;

/** Bundle the page into `outDir` (index.html + page.js + chunks). */
export async function buildPage(outDir: string, bundled: readonly string[], aliases: Aliases = []): Promise<void> {
  const vite = await import('vite');
  // dist/browser/page.js when running the built CLI, src/browser/page.ts under Vitest
  const entry = ['page.js', 'page.ts'].map((f) => join(here, 'browser', f)).find((f) => existsSync(f));
  if (!entry) throw new Error(`the page entry is missing next to ${here}; build @polytensor/bench first`);
  const virtualId = 'virtual:polytensor-browser-backends';
  const source =
    `export const loaders = {\n${bundled.map((n) => `  ${JSON.stringify(n)}: () => import(${JSON.stringify(`@polytensor/backend-${n}`)}),`).join('\n')}\n};\n` +
    `export const gpujs = ${bundled.includes('gpujs') ? "() => import('gpu.js')" : 'null'};\n`;
  mkdirSync(outDir, { recursive: true });
  await vite.build({
    configFile: false,
    logLevel: 'error',
    root: dirname(entry),
    resolve: { alias: aliases },
    plugins: [
      {
        name: 'polytensor-browser-backends',
        resolveId: (id: string) => (id === virtualId ? `\0${virtualId}` : null),
        load: (id: string) => (id === `\0${virtualId}` ? source : null),
      },
    ],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      sourcemap: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 100_000,
      rollupOptions: { input: entry, output: { entryFileNames: 'page.js', format: 'es' } },
    },
  });
  writeFileSync(
    join(outDir, 'index.html'),
    '<!doctype html>\n<meta charset="utf-8">\n<title>polytensor bench</title>\n<p>polytensor bench: driven by <code>polytensor-bench --browser</code>.</p>\n<script type="module" src="./page.js"></script>\n',
  );
}

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** A static server for `dir` on 127.0.0.1, cross-origin isolated (fine-grained timers). */
export async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cache-control': 'no-store',
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, server };
}

export interface BrowserRun extends PageResult {
  chromium: string;
}

export interface BrowserOptions {
  chromiumPath: string;
  workDir: string;
  quick: boolean;
  workloads: string[];
  backends: string[];
  /** Each backend's tfjs baseline (webgl, webgpu): the page sets these tfjs backends up beside ours. */
  baselines: Readonly<Record<string, string>>;
  /** Flags added to this Chromium's launch (the backends' declared chromiumArgs). */
  chromiumArgs?: readonly string[];
  timing: Timing;
  progress?: ProgressFn;
  aliases?: Aliases;
  /** Give up after this long (ms). */
  timeoutMs?: number;
}

export async function runInBrowser(o: BrowserOptions): Promise<BrowserRun> {
  const packages = browserBackendPackages(o.backends, o.baselines);
  const baselines = [...new Set(packages.map((p) => p.baseline))];
  const bundled = packages.filter((p) => p.unavailable === null).map((p) => p.name);
  const pageDir = join(o.workDir, 'page');
  try {
    await buildPage(pageDir, bundled, o.aliases);
  } catch (e) {
    if (bundled.length === 0) throw e;
    // a backend package that does not bundle must not take tfjs-webgl down with it
    const why = `could not be bundled for the browser: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
    for (const p of packages) if (p.unavailable === null) p.unavailable = why;
    await buildPage(pageDir, [], o.aliases);
  }
  const { chromium } = await import('playwright-core');
  const { url, server } = await serve(pageDir);
  // The page runs one workload per call. A first (gate) run longer than the cap cannot be
  // interrupted from inside the page (nor can a busy page be closed promptly), so the driver
  // kills Chromium, reports that implementation as skipped for this workload, and runs the
  // workload again in a fresh browser.
  const watch: { workload: string | null; timer: NodeJS.Timeout | undefined; stopped: string | null } = { workload: null, timer: undefined, stopped: null };
  const live: { session: { server: BrowserServer; browser: Browser } | null } = { session: null };
  const kill = (): void => {
    live.session?.server.process().kill('SIGKILL');
    live.session = null;
  };
  const reported = new Set<string>();
  const onProgress = (e: Parameters<ProgressFn>[0]): void => {
    clearTimeout(watch.timer);
    if (e.phase === 'done') {
      // a retried workload reports its already-stopped implementations again
      const key = `${e.workload}|${e.impl}`;
      if (reported.has(key)) return;
      reported.add(key);
    }
    if (e.phase === 'gate' && e.workload === watch.workload) {
      watch.timer = setTimeout(() => {
        watch.stopped = e.impl;
        kill();
      }, o.timing.skipAboveMs + 1000);
    }
    o.progress?.(e);
  };
  const errors: string[] = [];
  let version = '';
  const openPage = async (): Promise<Page> => {
    const bs = await launchChromiumServer({ executablePath: o.chromiumPath, ...(o.chromiumArgs?.length ? { args: o.chromiumArgs } : {}) });
    const browser = await chromium.connect(bs.wsEndpoint());
    live.session = { server: bs, browser };
    version = browser.version();
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.exposeFunction('__benchProgress', onProgress);
    await page.goto(url);
    await page
      .waitForFunction(() => (window as unknown as BenchWindow).polytensorBench !== undefined, undefined, { timeout: 60_000 })
      .catch(() => {
        throw new Error(`the bench page did not start${errors.length ? `: ${errors.join('; ')}` : ''}`);
      });
    return page;
  };
  try {
    let page = await openPage();
    let last: PageResult | null = null;
    const rows: PageResult['rows'] = [];
    const deadline = Date.now() + (o.timeoutMs ?? 60 * 60_000);
    for (const id of o.workloads) {
      const skip: PageConfig['skip'] = {};
      for (;;) {
        if (Date.now() > deadline) throw new Error(`the browser run took longer than ${(o.timeoutMs ?? 3_600_000) / 1000} s`);
        watch.workload = id;
        watch.stopped = null;
        const config: PageConfig = { quick: o.quick, workloads: [id], backends: packages, baselines, timing: o.timing, skip };
        try {
          last = await page.evaluate((c) => (window as unknown as BenchWindow).polytensorBench!.run(c), config);
          rows.push(...last.rows);
          break;
        } catch (e) {
          clearTimeout(watch.timer);
          if (!watch.stopped) throw e;
          const limitMs = o.timing.skipAboveMs;
          skip[watch.stopped] = {
            ...(skip[watch.stopped] ?? {}),
            [id]: { reason: `one run did not finish within ${limitMs / 1000} s; stopped, not timed`, limitMs },
          };
          page = await openPage();
        }
      }
    }
    clearTimeout(watch.timer);
    const result: PageResult = { rows, backends: last?.backends ?? [], webglRenderer: last?.webglRenderer ?? null, userAgent: last?.userAgent ?? '' };
    return { ...result, chromium: `Chromium ${version}` };
  } finally {
    clearTimeout(watch.timer);
    await live.session?.browser.close().catch(() => {});
    await live.session?.server.close().catch(() => {});
    server.close();
  }
}
