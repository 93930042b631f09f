// Loading a page in headless Chromium (the system's, never downloaded; launched
// by @polytensor/conformance/chromium) and recording what a developer would see
// in its console.
import type { Browser } from 'playwright-core';

export interface PageRun {
  readonly url: string;
  /** Console lines of type log/info, in order (a page's output). */
  readonly lines: readonly string[];
  /** Console errors and warnings, uncaught errors, failed requests and HTTP errors. */
  readonly problems: readonly string[];
  /** 'done' (the page said so), 'failed' (it caught an error: see `lines`), or 'timeout'. */
  readonly outcome: 'done' | 'failed' | 'timeout';
  readonly ms: number;
}

/** Open `url` in a fresh context and wait until it logs `packed:done` / `packed:failed`, or `timeoutMs` passes. */
export async function runPage(browser: Browser, url: string, timeoutMs = 180_000): Promise<PageRun> {
  const started = Date.now();
  const context = await browser.newContext();
  const page = await context.newPage();
  const lines: string[] = [];
  const problems: string[] = [];
  let finish!: (outcome: 'done' | 'failed') => void;
  const finished = new Promise<'done' | 'failed'>((resolve) => (finish = resolve));
  page.on('console', (msg) => {
    const text = msg.text();
    const type = msg.type();
    if (type === 'error' || type === 'warning' || type === 'assert') {
      const where = msg.location().url ? ` (${msg.location().url}:${msg.location().lineNumber})` : '';
      problems.push(`console.${type}: ${text}${where}`);
      return;
    }
    lines.push(text);
    if (text.startsWith('packed:done')) finish('done');
    if (text.startsWith('packed:failed')) finish('failed');
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.stack ?? e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? '?'})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    await page.goto(url);
    const outcome = await Promise.race([finished, timeout]);
    return { url, lines, problems, outcome, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
    await context.close();
  }
}
