/**
 * End to end: build the app, serve dist/, open it in the system Chromium
 * (playwright-core; never downloaded), train the seed MLP for one short epoch
 * on wasm and on webgl, draw a digit, inject a worker crash and a backend
 * that fails to initialise, and take the README's screenshots.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../../packages/conformance/src/browser/chromium.js';
import { serveStatic } from './static_server.js';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(appDir, 'dist');
// `npm run screenshots` refreshes the README's pictures; a plain test run writes its own to a
// temporary folder, so running the suite leaves the working tree unchanged.
const screenshots = process.env['PLAYGROUND_SCREENSHOTS'] === '1' ? join(appDir, 'screenshots') : mkdtempSync(join(tmpdir(), 'playground-shots-'));
/** The stated budget for what a first visit downloads before training (uncompressed; the README reports the measure). */
const FIRST_LOAD_BUDGET = 2 * 2 ** 20;

let browser: Browser;
let server: { url: string; close: () => Promise<void> };

// the global setup (build_app.ts) has built dist/
beforeAll(async () => {
  server = await serveStatic(distDir);
  browser = await chromium.launch(chromiumLaunchOptions({ purpose: 'for the playground end-to-end test' }));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Open the page and collect its uncaught errors; `query` is e.g. '?fail=worker'. */
async function open(query = ''): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.url}${query}`);
  await page.waitForSelector('#backend-status li');
  return { page, pageErrors };
}

/** One short epoch: 500 examples, batch 32, SGD 0.5. Returns the page's reported test accuracy. */
async function trainOneEpoch(page: Page, backend: string): Promise<number> {
  await page.selectOption('#backend', backend);
  await page.fill('#epochs', '1');
  await page.fill('#batch-size', '32');
  await page.fill('#examples', '500');
  await page.click('#train');
  await page.waitForSelector('#status[data-state="done"]', { timeout: 90_000 });
  expect(await page.getAttribute('#status', 'data-backend')).toBe(backend);
  return Number(await page.getAttribute('#status', 'data-accuracy'));
}

/** Draw a "7" stroke by stroke with the mouse. */
async function drawSeven(page: Page): Promise<void> {
  const box = (await page.locator('#pad').boundingBox())!;
  const at = (fx: number, fy: number): [number, number] => [box.x + fx * box.width, box.y + fy * box.height];
  await page.mouse.move(...at(0.25, 0.2));
  await page.mouse.down();
  for (const [fx, fy] of [
    [0.5, 0.2],
    [0.75, 0.2],
    [0.65, 0.45],
    [0.55, 0.65],
    [0.45, 0.85],
  ] as const) {
    await page.mouse.move(...at(fx, fy), { steps: 5 });
  }
  await page.mouse.up();
}

describe('playground in Chromium', () => {
  it('the built page ships no Node-only imports', () => {
    const js = readdirSync(join(distDir, 'assets')).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    for (const f of js) {
      const code = readFileSync(join(distDir, 'assets', f), 'utf8');
      // static and dynamic imports of node: builtins (core's guarded `process.getBuiltinModule` calls are not imports)
      expect(code, f).not.toMatch(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"`]node:/);
      expect(code, f).not.toMatch(/\bfrom\s*['"`](?:fs|path|os|worker_threads|child_process)['"`]/);
    }
  });

  it(`the first load (until the backends are probed) stays under the ${FIRST_LOAD_BUDGET / 2 ** 20} MiB budget`, async () => {
    const page = await browser.newPage();
    const sizes: Array<Promise<number>> = [];
    // network responses only: backend-wasm hands the fetched binary to tfjs again as a blob: URL
    page.on('response', (r) => {
      if (r.url().startsWith('http')) sizes.push(r.body().then((b) => b.length));
    });
    await page.goto(server.url);
    await page.waitForSelector('#backend-status li');
    const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    console.log(`first load: ${sizes.length} files, ${(bytes / 1024).toFixed(0)} KiB uncompressed`);
    expect(sizes.length).toBeGreaterThanOrEqual(4); // page, script, style, worker, the wasm binary
    expect(bytes).toBeLessThan(FIRST_LOAD_BUDGET);
    await page.close();
  });

  it('Stop ends training early and keeps the model', async () => {
    const { page } = await open();
    await page.selectOption('#backend', 'wasm');
    await page.fill('#epochs', '50');
    await page.fill('#batch-size', '8');
    await page.click('#train');
    await page.waitForSelector('#status[data-state="training"]');
    await page.click('#stop');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 30_000 });
    expect(await page.textContent('#status')).toMatch(/^Stopped on wasm/);
    // the stopped model answers the Draw tab
    await page.click('#tab-draw');
    await drawSeven(page);
    await page.waitForFunction(() => document.querySelectorAll('#probabilities li').length === 10);
    await page.close();
  });

  it('trains the MLP on wasm and on webgl above chance, then predicts a drawn digit', async () => {
    const { page, pageErrors } = await open();
    const statuses = await page.locator('#backend-status li').allTextContents();
    expect(statuses).toContain('wasm: available');
    expect(statuses).toContain('webgl: available');

    const wasmAccuracy = await trainOneEpoch(page, 'wasm');
    expect(wasmAccuracy).toBeGreaterThan(0.2);
    const webglAccuracy = await trainOneEpoch(page, 'webgl');
    expect(webglAccuracy).toBeGreaterThan(0.2);
    await page.screenshot({ path: join(screenshots, 'train.png') });

    await page.click('#tab-draw');
    await drawSeven(page);
    await page.waitForFunction(() => document.querySelectorAll('#probabilities li').length === 10);
    const p = (await page.locator('#probabilities li').evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset['p'])))) as number[];
    expect(p).toHaveLength(10);
    for (const v of p) expect(v).toBeGreaterThanOrEqual(0);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    await page.screenshot({ path: join(screenshots, 'draw.png') });

    // the keyboard-accessible Clear button empties the pad and the probabilities
    await page.focus('#clear');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#probabilities li').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('a worker crash shows a message and leaves the page usable', async () => {
    const { page } = await open('?fail=worker');
    await page.fill('#epochs', '1');
    await page.fill('#examples', '500');
    await page.click('#train');
    await page.waitForSelector('#error:not([hidden])', { timeout: 60_000 });
    expect(await page.textContent('#error')).toMatch(/training worker crashed: .*injected worker crash \(\?fail=worker\)/);
    await page.screenshot({ path: join(screenshots, 'worker-crash.png') });
    // a fresh worker probes again and re-enables Train; the Draw tab still answers
    await page.waitForSelector('#train:not([disabled])');
    await page.click('#tab-draw');
    await drawSeven(page);
    await expect.poll(() => page.textContent('#draw-status')).toMatch(/No trained model yet/);
    await page.close();
  });

  it('a backend that fails to initialise is greyed out with its reason; the others stay selectable', async () => {
    const { page } = await open('?fail=backend:webgl');
    expect(await page.locator('#backend option[value="webgl"]').isDisabled()).toBe(true);
    expect(await page.textContent('#backend-status li[data-backend="webgl"]')).toMatch(
      /webgl: unavailable: .*initialisation failed \(injected by \?fail=backend:webgl\)/,
    );
    expect(await page.locator('#backend option[value="wasm"]').isDisabled()).toBe(false);
    await page.close();
  });
});
