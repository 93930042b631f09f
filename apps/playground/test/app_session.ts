/** What the Certify and Compare end-to-end tests share: the served dist/, one Chromium, the screenshots folder, a page with its errors. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../../../packages/conformance/src/browser/chromium.js';
import { serveStatic } from './static_server.js';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `npm run screenshots` writes the README's pictures; a plain run writes them to a temporary folder. */
export const screenshots = process.env['PLAYGROUND_SCREENSHOTS'] === '1' ? join(appDir, 'screenshots') : mkdtempSync(join(tmpdir(), 'playground-shots-'));

export interface AppSession {
  browser: Browser;
  url: string;
  close(): Promise<void>;
}

/** Serve the built dist/ (the global setup built it) and launch the system Chromium. */
export async function startSession(purpose: string): Promise<AppSession> {
  const server = await serveStatic(join(appDir, 'dist'));
  const browser = await chromium.launch(chromiumLaunchOptions({ purpose }));
  return {
    browser,
    url: server.url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Open the page on `tab` (e.g. 'certify'), collecting uncaught page errors; downloads are accepted. */
export async function openTab(session: AppSession, tab: string, query = ''): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await session.browser.newPage({ viewport: { width: 1000, height: 900 }, acceptDownloads: true });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${session.url}${query}`);
  await page.click(`#tab-${tab}`);
  return { page, pageErrors };
}

/** Click `selector` and return the JSON file it downloads, parsed. */
export async function downloadJson(page: Page, selector: string): Promise<{ name: string; data: unknown }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const path = await download.path();
  return { name: download.suggestedFilename(), data: JSON.parse(readFileSync(path, 'utf8')) as unknown };
}
