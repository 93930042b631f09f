/**
 * The conformance suite and the bench stay out of the first load: the Certify
 * and Compare tabs' code is fetched when the tab first opens, and the suite's
 * and bench's workers only when they are needed. Logs what each step fetches.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AppSession, startSession } from './app_session.js';

let session: AppSession;
beforeAll(async () => {
  session = await startSession('for the playground lazy-loading test');
});
afterAll(async () => {
  await session?.close();
});

it('Certify and Compare code loads only when their tab opens', async () => {
  const page = await session.browser.newPage();
  let fetched: Array<Promise<{ file: string; bytes: number }>> = [];
  page.on('response', (r) => {
    if (r.url().startsWith('http')) fetched.push(r.body().then((b) => ({ file: new URL(r.url()).pathname.replace(/^\/(assets\/)?/, ''), bytes: b.length })));
  });
  /** What was fetched since the last call. */
  const step = async (what: string): Promise<string[]> => {
    const files = await Promise.all(fetched);
    fetched = [];
    const kib = files.reduce((a, f) => a + f.bytes, 0) / 1024;
    console.log(`${what}: ${files.length} files, ${kib.toFixed(0)} KiB (${files.map((f) => `${f.file} ${(f.bytes / 1024).toFixed(0)} KiB`).join(', ')})`);
    return files.map((f) => f.file);
  };

  await page.goto(session.url);
  await page.waitForSelector('#backend-status li');
  const first = await step('first load');
  // the tab modules are chunks named tab-*.js; the training worker is the only worker
  expect(first.filter((f) => f.startsWith('tab-'))).toEqual([]);
  expect(first.filter((f) => f.startsWith('worker-'))).toHaveLength(1);

  await page.click('#tab-certify');
  await page.waitForSelector('#certify-run');
  const certify = await step('opening Certify');
  expect(certify.filter((f) => f.startsWith('tab-'))).toHaveLength(1);
  // the suite itself waits for Run
  expect(certify.filter((f) => f.startsWith('worker-'))).toEqual([]);

  await page.click('#tab-compare');
  // the Compare tab lists the bench's workloads, from its worker
  await page.waitForSelector('#compare-run:not([disabled])', { timeout: 60_000 });
  const compare = await step('opening Compare');
  expect(compare.filter((f) => f.startsWith('tab-'))).toHaveLength(1);
  expect(compare.filter((f) => f.startsWith('worker-'))).toHaveLength(1);
  await page.close();
});
