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
  // no service worker: it would cache the whole build in the background of every test; the offline test has its own
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 }, serviceWorkers: 'block' });
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
    expect(sizes.length).toBeGreaterThanOrEqual(4); // page, script, style, worker (core and models; each backend loads on first use)
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

/** Train with the form as it is after picking `model` (its recipe's defaults), then the given overrides. */
async function train(page: Page, model: string, backend: string, fields: Record<string, string> = {}): Promise<void> {
  await page.selectOption('#model', model);
  await page.selectOption('#backend', backend);
  for (const [id, value] of Object.entries({ epochs: '1', examples: '500', ...fields })) await page.fill(`#${id}`, value);
  await page.click('#train');
}

const probabilities = (page: Page): Promise<number[]> =>
  page.locator('#probabilities li').evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset['p'])));

/** Draw the seven on a clear pad and read the ten probabilities the model gives it. */
async function predictSeven(page: Page): Promise<number[]> {
  await page.click('#tab-draw');
  await page.click('#clear');
  await drawSeven(page);
  await page.waitForFunction(() => document.querySelectorAll('#probabilities li').length === 10);
  const p = await probabilities(page);
  await page.click('#tab-train');
  return p;
}

describe('playground Train tab in Chromium', () => {
  it('FC trains a short epoch above chance on wasm, with weight and activation histograms and misclassified digits', async () => {
    const { page, pageErrors } = await open();
    // picking FC sets its recipe: SGD 0.1, batch 100
    await page.selectOption('#model', 'fc');
    expect(await page.inputValue('#learning-rate')).toBe('0.1');
    expect(await page.inputValue('#optimizer')).toBe('sgd');
    await train(page, 'fc', 'wasm', { 'batch-size': '25' });
    await page.waitForSelector('#status[data-state="done"]', { timeout: 90_000 });
    const accuracy = Number(await page.getAttribute('#status', 'data-accuracy'));
    expect(accuracy).toBeGreaterThan(0.2);

    // one histogram per weight (3 kernels, 3 biases) covering all 784·500+500 + 500·500+500 + 500·10+10 weights,
    // and one per layer output (3 Dense layers on 64 test digits: 64·(500+500+10) values)
    const sizes = async (id: string): Promise<number[]> =>
      page.locator(`#${id} canvas`).evaluateAll((cs) => cs.map((c) => Number(/: (\d+) values/.exec(c.getAttribute('aria-label') ?? '')?.[1])));
    expect((await sizes('weight-histograms')).reduce((a, b) => a + b, 0)).toBe(784 * 500 + 500 + 500 * 500 + 500 + 500 * 10 + 10);
    expect(await sizes('activation-histograms')).toEqual([64 * 500, 64 * 500, 64 * 10]);

    // misclassified digits: the count agrees with the reported accuracy, each shown digit is wrong
    const summary = (await page.textContent('#misclassified-summary')) ?? '';
    const wrong = Number(/^(\d+) of 500 test digits misclassified/.exec(summary)?.[1]);
    expect(wrong / 500).toBeCloseTo(1 - accuracy, 6);
    const shown = await page
      .locator('#misclassified figure')
      .evaluateAll((fs) => fs.map((f) => [(f as HTMLElement).dataset['predicted'], (f as HTMLElement).dataset['actual']]));
    expect(shown).toHaveLength(Math.min(24, wrong));
    for (const [predicted, actual] of shown) expect(predicted).not.toBe(actual);
    await page.screenshot({ path: join(screenshots, 'train-fc.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('Pause holds training between batches (keyboard), Resume goes on from the same step, Stop ends it', async () => {
    const { page } = await open();
    await train(page, 'mlp', 'wasm', { epochs: '50', 'batch-size': '8' });
    await page.waitForSelector('#status[data-step]');
    await page.focus('#pause');
    await page.keyboard.press('Space');
    await page.waitForSelector('#status[data-state="paused"]');
    expect(await page.getAttribute('#pause', 'aria-pressed')).toBe('true');
    const pausedAt = Number(await page.getAttribute('#status', 'data-step'));
    await new Promise((r) => setTimeout(r, 1000));
    expect(Number(await page.getAttribute('#status', 'data-step'))).toBe(pausedAt);
    await page.keyboard.press('Space'); // the same button, now Resume
    await page.waitForFunction((at) => Number(document.querySelector<HTMLElement>('#status')!.dataset['step']) > at, pausedAt);
    expect(await page.getAttribute('#pause', 'aria-pressed')).toBe('false');
    await page.click('#stop');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 30_000 });
    expect(await page.textContent('#status')).toMatch(/^Stopped on wasm/);
    await page.close();
  });

  it('saves to IndexedDB and downloads; after a reload both load back with identical predictions', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('#backend-status li');
    await train(page, 'mlp', 'wasm');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 90_000 });
    const trained = await predictSeven(page);

    await page.fill('#model-name', 'e2e-mlp');
    await page.click('#save-idb');
    await page.waitForSelector('#store-status[data-state="saved"]');
    expect(await page.textContent('#store-status')).toMatch(/^Saved to indexeddb:\/\/e2e-mlp/);
    const downloads: string[] = [];
    const downloadDir = mkdtempSync(join(tmpdir(), 'playground-downloads-'));
    page.on('download', async (d) => {
      const to = join(downloadDir, d.suggestedFilename());
      await d.saveAs(to);
      downloads.push(to);
    });
    await page.click('#download');
    await expect.poll(() => downloads.length).toBe(2);
    expect(downloads.map((f) => f.split('/').pop()).sort()).toEqual(['e2e-mlp.json', 'e2e-mlp.weights.bin']);

    // a fresh page (new worker, no model) loads from IndexedDB, then from the downloaded files
    await page.reload();
    await page.waitForSelector('#backend-status li');
    await page.selectOption('#backend', 'wasm');
    await page.fill('#model-name', 'e2e-mlp');
    await page.click('#load-idb');
    await page.waitForSelector('#store-status[data-state="loaded"]');
    expect(await page.textContent('#store-status')).toMatch(/from indexeddb:\/\/e2e-mlp onto wasm/);
    expect(await predictSeven(page)).toEqual(trained);

    await page.setInputFiles('#load-files', downloads);
    await page.waitForSelector('#store-status[data-state="loaded"]');
    expect(await page.textContent('#store-status')).toMatch(/e2e-mlp\.(json|weights\.bin) \+ e2e-mlp/);
    expect(await predictSeven(page)).toEqual(trained);

    // a missing weights file is refused with a clear message
    await page.setInputFiles(
      '#load-files',
      downloads.filter((f) => f.endsWith('.json')),
    );
    await page.waitForSelector('#store-status[data-state="error"]');
    expect(await page.textContent('#store-status')).toMatch(/pick the model's \.json file and its weights file together/);
    await context.close();
  });

  it('a lost WebGL context shows a message; the page stays usable and webgl trains again on a fresh context', async () => {
    const { page } = await open('?fail=webgl-context');
    await train(page, 'mlp', 'webgl');
    await page.waitForSelector('#error:not([hidden])', { timeout: 60_000 });
    expect(await page.textContent('#error')).toMatch(/WebGL context was lost.*The model on webgl is gone; train again/s);
    await page.screenshot({ path: join(screenshots, 'webgl-context-lost.png') });
    // the page stays usable: webgl itself trains again, on a fresh context (the loss is injected once)
    await train(page, 'mlp', 'webgl');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });
    expect(await page.getAttribute('#status', 'data-backend')).toBe('webgl');
    expect(Number(await page.getAttribute('#status', 'data-accuracy'))).toBeGreaterThan(0.2);
    await page.close();
  });

  it('Tab walks the controls in reading order; the tab list is one stop (arrow keys move within it)', async () => {
    const { page } = await open();
    const order: string[] = [];
    for (let i = 0; i < 9; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    // Pause and Stop are disabled until training starts, so Tab skips them
    expect(order).toEqual(['tab-train', 'model', 'backend', 'epochs', 'batch-size', 'optimizer', 'learning-rate', 'examples', 'train']);
    await page.focus('#tab-train');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-draw');
    expect(await page.isVisible('#panel-draw')).toBe(true);
    await page.close();
  });

  it('fits a phone-sized screen: nothing wider than the viewport, on either tab', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await page.goto(server.url);
    await page.waitForSelector('#backend-status li');
    const overflow = (): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(screenshots, 'phone.png'), fullPage: true });
    await page.click('#tab-draw');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('works offline once loaded: with the server stopped, a reload still trains on wasm', async () => {
    const own = await serveStatic(distDir); // its own origin, so stopping it leaves the other tests' server alone
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(own.url);
      await page.waitForSelector('body[data-offline="ready"]', { timeout: 60_000 });
      await own.close();
      expect(
        await fetch(own.url).then(
          () => 'served',
          () => 'refused',
        ),
      ).toBe('refused');
      await page.reload();
      await page.waitForSelector('#backend-status li');
      await train(page, 'mlp', 'wasm');
      await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });
      expect(Number(await page.getAttribute('#status', 'data-accuracy'))).toBeGreaterThan(0.2);
    } finally {
      await context.close();
      await own.close().catch(() => undefined);
    }
  });
});
