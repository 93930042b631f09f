/**
 * The Certify tab end to end: the conformance suite on wasm, in the page's
 * worker, to completion with 0 failures; the table and the JSON export agree
 * with each other and cover the suite's kernels (listed independently here, in
 * Node); a filtered run reaches every backend; a bad filter is reported.
 */
import { join } from 'node:path';
import { kernelNames } from '@polytensor/conformance';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppSession, downloadJson, openTab, screenshots, startSession } from './app_session.js';

let session: AppSession;
beforeAll(async () => {
  session = await startSession('for the playground Certify test');
});
afterAll(async () => {
  await session?.close();
});

interface ExportedReport {
  backend: string;
  passed: number;
  failed: number;
  rows: Array<{ kernel: string; kind: string; composite: boolean; cases: number; failed: number; worst: number | string; bound: number }>;
  cases: unknown[];
}
interface Exported {
  schema: string;
  backends: Array<{ backend: string; available: boolean; reason: string | null; report: ExportedReport | null }>;
}

/** Tick only `backends` (once the lazily loaded tab has drawn its boxes). */
const only = async (page: Page, backends: readonly string[]): Promise<void> => {
  await page.waitForSelector('input[name="certify-backend"]');
  for (const box of await page.locator('input[name="certify-backend"]').all()) {
    await box.setChecked(backends.includes((await box.getAttribute('value'))!));
  }
};

/** Wait for the run to end; a run that does not end fails with what the page last said. */
async function finished(page: Page, timeout: number): Promise<void> {
  try {
    await page.waitForSelector('#certify-status:is([data-state="done"], [data-state="error"])', { timeout });
  } catch (e) {
    throw new Error(`the run did not end; the page says: ${await page.textContent('#certify-status')} (${e instanceof Error ? e.message : String(e)})`);
  }
  expect(await page.getAttribute('#certify-status', 'data-state'), `${await page.textContent('#certify-status')} ${await page.textContent('#error')}`).toBe(
    'done',
  );
}

describe('Certify tab', () => {
  it('runs the whole suite on wasm to completion with 0 failures, and exports the report', async () => {
    const { page, pageErrors } = await openTab(session, 'certify');
    await only(page, ['wasm']);
    const t0 = Date.now();
    await page.click('#certify-run');
    // the suite runs in a worker: the page keeps answering while it does
    await page.waitForSelector('#certify-status[data-state="running"]');
    const ping = Date.now();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
    expect(Date.now() - ping).toBeLessThan(1000);
    await finished(page, 150_000);
    console.log(`certify: the suite on wasm took ${((Date.now() - t0) / 1000).toFixed(1)} s in the page`);

    const section = page.locator('section.certify-backend[data-backend="wasm"]');
    expect(await section.getAttribute('data-failed')).toBe('0');
    const passed = Number(await section.getAttribute('data-passed'));
    expect(passed).toBeGreaterThan(1000);
    expect(await page.locator('#certify-progress').evaluate((p) => (p as HTMLProgressElement).value)).toBe(1);

    // every row: pass, with its worst error within its bound
    const rows = await section.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        kernel: (tr as HTMLElement).dataset['kernel']!,
        verdict: (tr as HTMLElement).dataset['verdict']!,
        fraction: (tr.querySelector('[data-fraction]') as HTMLElement).dataset['fraction']!,
      })),
    );
    expect(rows.length).toBeGreaterThan(100);
    for (const r of rows) {
      expect(['pass', 'skipped'], r.kernel).toContain(r.verdict);
      if (r.fraction !== 'null') expect(Number(r.fraction), r.kernel).toBeLessThanOrEqual(1);
    }
    await page.screenshot({ path: join(screenshots, 'certify.png') });

    const { name, data } = await downloadJson(page, '#certify-export');
    expect(name).toBe('polytensor-conformance.json');
    const exported = data as Exported;
    expect(exported.schema).toBe('polytensor-playground-certify/1');
    expect(exported.backends.map((b) => b.backend)).toEqual(['wasm']);
    const report = exported.backends[0]!.report!;
    expect(report.backend).toBe('wasm');
    expect(report.failed).toBe(0);
    expect(report.passed).toBe(passed);
    expect(report.cases.length).toBeGreaterThanOrEqual(passed);
    expect(report.rows).toHaveLength(rows.length);
    // the export holds a row for every op of the suite (listed here in Node, not by the page)
    const exportedOps = new Set(report.rows.map((r) => r.kernel));
    for (const op of kernelNames()) expect(exportedOps, op).toContain(op);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('a filtered run reaches every backend of this browser', async () => {
    const { page } = await openTab(session, 'certify');
    await page.fill('#certify-filter', 'exp,matMul');
    await page.click('#certify-run');
    await finished(page, 120_000);
    for (const backend of ['wasm', 'webgl', 'ts']) {
      const section = page.locator(`section.certify-backend[data-backend="${backend}"]`);
      expect(await section.getAttribute('data-available'), backend).toBe('true');
      expect(await section.getAttribute('data-failed'), backend).toBe('0');
      const kernels = await section.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset['kernel']));
      expect(kernels, backend).toContain('exp');
      expect(kernels, backend).toContain('matMul');
      expect(
        kernels.every((k) => /^(exp|matMul)\b/.test(k!)),
        backend,
      ).toBe(true);
    }
    await page.close();
  });

  it('a filter naming no kernel is reported in the page', async () => {
    const { page } = await openTab(session, 'certify');
    await only(page, ['ts']);
    await page.fill('#certify-filter', 'noSuchKernel');
    await page.click('#certify-run');
    await page.waitForSelector('#certify-status[data-state="error"]');
    expect(await page.textContent('#error')).toMatch(/conformance suite stopped: .*no kernel named 'nosuchkernel'/);
    // the tab is usable again
    expect(await page.locator('#certify-run').isDisabled()).toBe(false);
    await page.close();
  });

  it('a backend that fails to initialise says why; the others are certified', async () => {
    const { page } = await openTab(session, 'certify', '?fail=backend:webgl');
    await only(page, ['wasm', 'webgl']);
    await page.fill('#certify-filter', 'exp');
    await page.click('#certify-run');
    await finished(page, 60_000);
    const webgl = page.locator('section.certify-backend[data-backend="webgl"]');
    expect(await webgl.getAttribute('data-available')).toBe('false');
    expect(await webgl.textContent()).toMatch(/webgl: cannot run in this browser.*initialisation failed \(injected by \?fail=backend:webgl\)/);
    expect(await page.getAttribute('section.certify-backend[data-backend="wasm"]', 'data-failed')).toBe('0');
    const exported = (await downloadJson(page, '#certify-export')).data as Exported;
    expect(exported.backends.map((b) => [b.backend, b.available])).toEqual([
      ['wasm', true],
      ['webgl', false],
    ]);
    expect(exported.backends[1]!.reason).toMatch(/injected by \?fail=backend:webgl/);
    await page.close();
  });
});
