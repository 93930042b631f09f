import { describe, expect, it } from 'vitest';
import { main, parseArgs, resolveBackend } from './cli_main.js';
import { ReferenceBackend } from './reference_backend.js';

async function run(argv: string[], importer?: (pkg: string) => Promise<unknown>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) }, importer);
  return { code, out, err };
}

describe('polytensor-conformance CLI', () => {
  it('--backend reference passes and exits 0; the last line is the summary', async () => {
    const { code, out } = await run(['--backend', 'reference']);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^\d+ passed, 0 failed$/);
    expect(out).toMatch(/\| kernel +\| cases \| pass\/fail \| worst error +\| bound\/unit +\| notes +\|/);
    expect(out).toMatch(/\| matMul +\| \d+ +\| pass +\| [\d.]+ of bound +\| γ_n·Σ\|term\|/);
  });

  it('exits 1 on a broken backend and names the failing kernel', async () => {
    const { code, out } = await run(['--backend=reference-broken-matmul', '--filter', 'matMul,add']);
    expect(code).toBe(1);
    expect(out).toMatch(/\| matMul +\| \d+ +\| FAIL/);
    expect(out).toMatch(/\| add +\| \d+ +\| pass/);
    expect(out).toMatch(/Failures:\n {2}matMul › /);
    expect(out.trimEnd().split('\n').pop()).toMatch(/^\d+ passed, [1-9]\d* failed$/);
  });

  it('--json prints the report', async () => {
    const { code, out } = await run(['--backend', 'reference', '--filter', 'exp', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as { backend: string; failed: number; rows: { kernel: string }[] };
    expect(report.backend).toBe('reference');
    expect(report.failed).toBe(0);
    expect(report.rows.map((r) => r.kernel)).toEqual(['exp', 'exp']);
  });

  it('--help, --list, --browser and bad arguments', async () => {
    expect((await run(['--help'])).out).toMatch(/Usage: polytensor-conformance/);
    expect((await run(['--list'])).out).toMatch(/^storage\nneg\n/);
    const browser = await run(['--browser']);
    expect(browser.code).toBe(2);
    expect(browser.err).toMatch(/--browser is only available from the command line/);
    const bad = await run(['--frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown option '--frobnicate'/);
    const noValue = await run(['--backend']);
    expect(noValue.code).toBe(2);
    const badFilter = await run(['--backend', 'reference', '--filter', 'nosuchkernel']);
    expect(badFilter.code).toBe(2);
    expect(badFilter.err).toMatch(/no kernel named 'nosuchkernel'/);
    expect(parseArgs([])).toMatchObject({ backend: 'ts', json: false });
  });

  it('a backend package that is not installed gives a clear error', async () => {
    const { code, err } = await run(['--backend', 'nosuch']);
    expect(code).toBe(2);
    expect(err).toMatch(/backend package @polytensor\/backend-nosuch is not installed/);
  });

  it('finds the factory a backend package exports', async () => {
    const fake = (mod: Record<string, unknown>) => async () => mod;
    const viaCreate = await resolveBackend('x', fake({ createXBackend: () => new ReferenceBackend('x') }));
    expect(viaCreate.source).toMatch(/createXBackend/);
    expect((await viaCreate.factory()).name).toBe('x');
    const viaClass = await resolveBackend('y', fake({ YBackend: ReferenceBackend, helper: () => 1 }));
    expect(viaClass.source).toMatch(/new YBackend\(\)/);
    expect((await viaClass.factory()).name).toBe('reference');
    const viaDefault = await resolveBackend('z', fake({ default: () => new ReferenceBackend('z') }));
    expect(viaDefault.source).toMatch(/default export/);
  });

  it('--backend ts loads @polytensor/backend-ts (from the workspace)', async () => {
    const { code, out } = await run(['--backend', 'ts', '--filter', 'exp,matMul']);
    expect(out).toMatch(/backend 'ts'/);
    expect(code).toBe(0);
  });
});
