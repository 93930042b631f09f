/**
 * The Compare tab end to end, on a reduced set (`?compare=…&sizes=quick`):
 * every polytensor backend beside its tfjs backend, ratios charted and listed;
 * the export's ratios are recomputed here from its raw samples (median of
 * each side), independently of the bench's code.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppSession, downloadJson, openTab, screenshots, startSession } from './app_session.js';

let session: AppSession;
beforeAll(async () => {
  session = await startSession('for the playground Compare test');
});
afterAll(async () => {
  await session?.close();
});

interface ExportedRow {
  workload: string;
  backend: string;
  implementation: string;
  status: string;
  reason: string | null;
  samplesMs: number[];
  gatePassed: boolean | null;
}
interface Exported {
  schema: string;
  workloads: string[];
  rows: ExportedRow[];
  ratios: Array<{ workload: string; backend: string; baseline: string; versus: string; ratio: number }>;
}

const WORKLOADS = ['matmul-256', 'add-1m'];
const PAIRS: Record<string, string> = { wasm: 'wasm', webgl: 'webgl', ts: 'cpu' };

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

describe('Compare tab', () => {
  it('runs a reduced workload set on every backend beside tfjs, charts and exports the ratios', async () => {
    const { page, pageErrors } = await openTab(session, 'compare', `?compare=${WORKLOADS.join(',')}&sizes=quick`);
    await page.waitForSelector('#compare-run:not([disabled])', { timeout: 60_000 });
    const ticked = await page.locator('input[name="compare-workload"]:checked').evaluateAll((xs) => xs.map((x) => (x as HTMLInputElement).value));
    expect(ticked).toEqual(WORKLOADS);
    expect(await page.inputValue('#compare-sizes')).toBe('quick');
    const t0 = Date.now();
    await page.click('#compare-run');
    await page.waitForSelector('#compare-status[data-state="done"]', { timeout: 120_000 });
    console.log(`compare: ${WORKLOADS.length} quick workloads × 3 pairs took ${((Date.now() - t0) / 1000).toFixed(1)} s in the page`);

    // one ratio per workload and pair, in the table and as chart points
    const shown = await page.locator('#compare-results tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        workload: (tr as HTMLElement).dataset['workload']!,
        backend: (tr as HTMLElement).dataset['backend']!,
        ratio: Number((tr as HTMLElement).dataset['ratio']),
      })),
    );
    expect(shown).toHaveLength(WORKLOADS.length * 3);
    for (const w of WORKLOADS)
      for (const b of Object.keys(PAIRS))
        expect(
          shown.some((s) => s.workload === w && s.backend === b),
          `${w} ${b}`,
        ).toBe(true);
    expect(await page.getAttribute('#compare-chart', 'data-points')).toBe(String(shown.length));
    expect(await page.locator('#compare-chart canvas').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(screenshots, 'compare.png'), fullPage: true });

    const { name, data } = await downloadJson(page, '#compare-export');
    expect(name).toBe('polytensor-compare.json');
    const exported = data as Exported;
    expect(exported.schema).toBe('polytensor-playground-compare/1');
    expect(exported.workloads).toEqual(WORKLOADS);
    // every row gated and timed: no wrong outputs, no unavailable backend in this Chromium
    for (const r of exported.rows) {
      expect(r.status, `${r.workload} ${r.implementation} ${r.backend}: ${r.reason}`).toBe('ok');
      expect(r.gatePassed).toBe(true);
      expect(r.samplesMs.length).toBeGreaterThanOrEqual(3);
    }
    // the ratio, recomputed from the raw samples of both sides
    for (const s of shown) {
      const side = (impl: string, backend: string): ExportedRow =>
        exported.rows.find((r) => r.workload === s.workload && r.implementation === impl && r.backend === backend)!;
      const expected = median(side('polytensor', s.backend).samplesMs) / median(side('tfjs', PAIRS[s.backend]!).samplesMs);
      expect(s.ratio, `${s.workload} ${s.backend}`).toBeCloseTo(expected, 10);
      expect(exported.ratios.find((q) => q.workload === s.workload && q.backend === s.backend)?.ratio).toBe(s.ratio);
    }
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('an unknown workload in the URL is reported, and the tab still works', async () => {
    const { page } = await openTab(session, 'compare', '?compare=no-such-workload');
    await page.waitForSelector('#error:not([hidden])', { timeout: 60_000 });
    expect(await page.textContent('#error')).toMatch(/no workload named 'no-such-workload'.*valid: .*matmul-256/);
    expect(await page.locator('#compare-run').isDisabled()).toBe(false);
    await page.close();
  });

  it('a polytensor backend that fails to initialise is reported; its tfjs partner and the others are still measured', async () => {
    const { page } = await openTab(session, 'compare', '?compare=add-1m&sizes=quick&fail=backend:webgl');
    await page.waitForSelector('#compare-run:not([disabled])', { timeout: 60_000 });
    await page.locator('input[name="compare-backend"][value="ts"]').setChecked(false);
    await page.click('#compare-run');
    await page.waitForSelector('#compare-status[data-state="done"]', { timeout: 60_000 });
    expect(await page.textContent('#error')).toMatch(
      /polytensor backend 'webgl' did not initialise: initialisation failed \(injected by \?fail=backend:webgl\)/,
    );
    const ratios = await page.locator('#compare-results tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset['backend']));
    expect(ratios).toEqual(['wasm']);
    expect(await page.textContent('.not-compared')).toMatch(/add-1m, polytensor webgl: unavailable/);
    const exported = (await downloadJson(page, '#compare-export')).data as Exported;
    expect(exported.rows.find((r) => r.implementation === 'tfjs' && r.backend === 'webgl')?.status).toBe('ok');
    await page.close();
  });
});
