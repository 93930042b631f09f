#!/usr/bin/env node
// backend-webgl vs raw TensorFlow.js webgl, in one headless Chromium page
// (WebGL on SwiftShader): matMul 512 and the E1 MLP training step, outputs
// checked first, then interleaved timed rounds; medians and ratios; plus the
// MLP's first step cold / after warmup() / steady state.
//
//   node bench/compare.mjs [--rounds 8] [--iters 5] [--json out.json]
//
// Vite serves bench/page (TypeScript, workspace packages from source);
// playwright-core drives a system Chromium ($CHROMIUM_PATH, else chromium on
// PATH, else /usr/bin/chromium; never downloaded).
import { existsSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
const packages = fileURLToPath(new URL('../../', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

function findChromium() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

const executablePath = findChromium();
if (!executablePath) {
  console.error('bench: no Chromium (set CHROMIUM_PATH or install chromium); browsers are never downloaded');
  process.exit(2);
}

const src = (pkg) => join(packages, pkg, 'src', 'index.ts');
const server = await createServer({
  root: join(here, 'page'),
  configFile: false,
  logLevel: 'error',
  resolve: {
    alias: [
      { find: /^@polytensor\/core$/, replacement: src('core') },
      { find: /^@polytensor\/backend-ts$/, replacement: src('backend-ts') },
      { find: /^@polytensor\/backend-webgl$/, replacement: src('backend-webgl') },
    ],
  },
  optimizeDeps: { include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-core/dist/register_all_gradients', '@tensorflow/tfjs-backend-webgl'] },
  server: { host: '127.0.0.1', port: 0, fs: { allow: [join(packages, '..')] } },
});
await server.listen();
const { port } = server.httpServer.address();
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    '--no-sandbox', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
  ],
});
let exitCode = 0;
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.log(`  [page] ${m.text()}`));
  page.on('pageerror', (e) => console.log(`  [page error] ${e.message}`));
  await page.goto(`http://127.0.0.1:${port}/index.html?rounds=${arg('rounds', 8)}&iters=${arg('iters', 5)}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__bench !== undefined || window.__benchError !== undefined, undefined, { timeout: 900_000, polling: 500 });
  const { result, error } = await page.evaluate(() => ({ result: window.__bench, error: window.__benchError }));
  if (error) throw new Error(error);
  const version = browser.version();
  console.log(`\nChromium ${version}, WebGL on SwiftShader (headless), ${arg('rounds', 8)} interleaved rounds × ${arg('iters', 5)} iterations\n`);
  console.log('| workload | backend-webgl (median ms) | tfjs webgl (median ms) | ratio | check |');
  console.log('|---|---|---|---|---|');
  for (const r of result.rows) console.log(`| ${r.workload} | ${r.oursMs.toFixed(2)} | ${r.tfjsMs.toFixed(2)} | ${r.ratio.toFixed(2)}× | ${r.check} |`);
  const f = result.firstStep;
  console.log('\n| MLP step (E1, batch 64) | ms |');
  console.log('|---|---|');
  console.log(`| backend-webgl: first step, cold (compiles every shader) | ${f.coldFirst.toFixed(0)} |`);
  console.log(`| backend-webgl: warmup(model, x, y) | ${f.warmupMs.toFixed(0)} |`);
  console.log(`| backend-webgl: first step after warmup | ${f.warmFirst.toFixed(1)} |`);
  console.log(`| backend-webgl: steady state (median of 9) | ${f.warmSteady.toFixed(1)} |`);
  console.log(`| tfjs webgl: first step | ${f.tfjsFirst.toFixed(0)} |`);
  console.log(`| tfjs webgl: steady state (median of 9) | ${f.tfjsSteady.toFixed(1)} |`);
  const out = arg('json', undefined);
  if (out) writeFileSync(out, JSON.stringify({ chromium: version, ...result }, null, 2));
} catch (e) {
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  exitCode = 1;
} finally {
  await browser.close();
  await server.close();
}
process.exit(exitCode);
