import { describe, expect, it } from 'vitest';
import { main } from '../cli_main.js';
import { runConformanceInChromium } from './run_in_chromium.js';

// The CLI's --browser path: a generated page in a system Chromium, the report read back.
describe('conformance in headless Chromium from Node', () => {
  it('runs the reference backend and returns a report', async () => {
    const report = await runConformanceInChromium({ backend: 'reference', filter: 'exp,matMul', timeoutMs: 120_000 });
    expect(report.failed).toBe(0);
    expect(report.passed).toBeGreaterThan(5);
    expect(report.rows.map((r) => r.kernel)).toEqual(expect.arrayContaining(['exp', 'matMul']));
  }, 180_000);

  it('prints the table through the CLI and names a missing backend', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) };
    const ok = await main(['--backend', 'reference', '--browser', '--filter', 'neg'], io, undefined, (o) =>
      runConformanceInChromium({ ...o, timeoutMs: 120_000 }),
    );
    expect(ok).toBe(0);
    expect(out.join('')).toMatch(/\d+ passed, 0 failed\n$/);
    const missing = await main(['--backend', 'nonexistent', '--browser'], io, undefined, (o) => runConformanceInChromium(o));
    expect(missing).toBe(2);
    expect(err.join('')).toMatch(/backend 'nonexistent' is not installed: cannot resolve @polytensor\/backend-nonexistent/);
  }, 180_000);
});
