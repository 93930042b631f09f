#!/usr/bin/env node
/**
 * Screenshot of an HTML report, for the README:
 *   node dist/screenshot.js [report.html] [out.png] [max-height]
 * (defaults: bench-results/latest.html at the workspace root → docs/report.png
 * of this app, cut after the charts at 1500 px; 0 = the whole page).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from '@polytensor/conformance/chromium';
import { workspaceRoot } from './output.js';

/** Screenshot `html` into `png`: the whole page, or its top `maxHeight` pixels. */
export async function screenshot(html: string, png: string, maxHeight?: number, width = 1150): Promise<void> {
  const browser = await launchChromium({ purpose: 'for the screenshot' });
  try {
    const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(resolve(html)).href);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: png, fullPage: true, ...(maxHeight && height > maxHeight ? { clip: { x: 0, y: 0, width, height: maxHeight } } : {}) });
  } finally {
    await browser.close();
  }
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const html = process.argv[2] ?? join(workspaceRoot() ?? process.cwd(), 'bench-results', 'latest.html');
  const png = process.argv[3] ?? fileURLToPath(new URL('../docs/report.png', import.meta.url));
  if (!existsSync(html)) {
    process.stderr.write(`screenshot: ${html} does not exist; run the bench first\n`);
    process.exit(1);
  }
  const maxHeight = Number(process.argv[4] ?? 1500);
  screenshot(html, png, maxHeight > 0 ? maxHeight : undefined).then(
    () => process.stderr.write(`wrote ${png}\n`),
    (e: unknown) => {
      process.stderr.write(`screenshot: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
