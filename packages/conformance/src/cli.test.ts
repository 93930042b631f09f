import { describe, expect, it } from 'vitest';
import { main, parseArgs, resolveBackend, type BrowserRunner } from './cli_main.js';
import { backendMeta } from './backend_meta.js';
import type { Backend } from '@polytensor/core';
import { createReferenceBackend } from './reference_backend.js';
import { wrapBackend } from './wrap.js';

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

  it('--backend reference-primitives runs the reference with only the primitive kernels', async () => {
    const { code, out } = await run(['--backend', 'reference-primitives', '--filter', 'softmax,optimizerUpdate']);
    expect(code).toBe(0);
    expect(out).toMatch(/backend 'reference-primitives'/);
    expect(out).toMatch(/\| softmax +\| \d+ +\| pass .*core's composite \(the backend has no own kernel\)/);
    expect(out).toMatch(/\| optimizerUpdate +\| \d+ +\| pass .*core's composite \(the backend has no optimizer capability\)/);
    expect(out).not.toMatch(/\(composite\)/);
  });

  it('--doc prints the kernel reference; --out writes it', async () => {
    const importer = async (pkg: string): Promise<unknown> => {
      if (pkg === '@polytensor/backend-ts') return { createTsBackend: () => createReferenceBackend('ts') };
      if (pkg === '@polytensor/backend-webgl') return { WEBGL_KERNELS: { unary: () => null, softmax: () => null, notAKernel: 1 } };
      throw Object.assign(new Error(`Cannot find package '${pkg}'`), { code: 'ERR_MODULE_NOT_FOUND' });
    };
    let out = '';
    const code = await main(['--doc'], { stdout: (s) => (out += s), stderr: () => {} }, importer);
    expect(code).toBe(0);
    expect(out).toMatch(/^# Kernel reference/);
    expect(out).toMatch(/\| \[softmax\]\(#softmax\) \| optional \| own \| see package \| own \| see package \|/);
    expect(out).toMatch(/\| \[logSoftmax\]\(#logsoftmax\) \| optional \| own \| see package \| composite \| see package \|/);
    const written: Record<string, string> = {};
    const io = { stdout: () => {}, stderr: () => {}, writeFile: async (p: string, t: string) => void (written[p] = t) };
    expect(await main(['--doc', '--out', 'k.md'], io, importer)).toBe(0);
    expect(written['k.md']).toBe(out);
    expect((await run(['--out', 'k.md'])).err).toMatch(/--out goes with --doc/);
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

  it('runs where the backend package says it belongs unless --browser or --node says otherwise', async () => {
    const asked: string[] = [];
    const browserRunner: BrowserRunner = async ({ backend }) => {
      asked.push(backend);
      throw new Error(`no Chromium in this test (asked for ${backend})`);
    };
    const go = async (argv: string[]): Promise<{ code: number; err: string }> => {
      let err = '';
      const code = await main(argv, { stdout: () => {}, stderr: (s) => (err += s) }, undefined, browserRunner, (b) => (b === 'reference' ? 'browser' : 'node'));
      return { code, err };
    };
    // default 'browser' for this backend: the browser runner is asked
    expect(await go(['--backend', 'reference', '--filter', 'exp'])).toMatchObject({ code: 2, err: expect.stringMatching(/asked for reference/) });
    // --node overrides it and the suite runs here
    expect((await go(['--backend', 'reference', '--filter', 'exp', '--node'])).code).toBe(0);
    expect(asked).toEqual(['reference']);
    expect(() => parseArgs(['--browser', '--node'])).toThrow(/exclude each other/);
    expect(parseArgs([]).browser).toBeUndefined();
  });

  it('reads where a backend runs from its package.json', () => {
    expect(backendMeta('webgl')).toEqual({ conformance: 'browser', display: 'x11' });
    expect(backendMeta('gpujs')).toEqual({ conformance: 'node', display: 'x11' });
    expect(backendMeta('ts')).toEqual({ conformance: 'node', display: null });
    expect(backendMeta('nosuch')).toEqual({ conformance: 'node', display: null });
  });

  it('a backend package that is not installed gives a clear error', async () => {
    const { code, err } = await run(['--backend', 'nosuch']);
    expect(code).toBe(2);
    expect(err).toMatch(/backend package @polytensor\/backend-nosuch is not installed/);
  });

  it('finds the factory a backend package exports', async () => {
    const fake = (mod: Record<string, unknown>) => async () => mod;
    const viaCreate = await resolveBackend('x', fake({ createXBackend: () => createReferenceBackend('x') }));
    expect(viaCreate.source).toMatch(/createXBackend/);
    expect((await viaCreate.factory()).name).toBe('x');
    // a class with the storage methods on its prototype (here forwarding to the reference)
    class YBackend {
      constructor() {
        // biome-ignore lint/correctness/noConstructorReturn: a class whose instances are another backend object, as a package could ship
        return wrapBackend(createReferenceBackend('y'), {}) as unknown as YBackend;
      }
      write(): void {}
      dispose(): void {}
    }
    const viaClass = await resolveBackend('y', fake({ YBackend, helper: () => 1 }));
    expect(viaClass.source).toMatch(/new YBackend\(\)/);
    expect(((await viaClass.factory()) as Backend).name).toBe('y');
    const viaDefault = await resolveBackend('z', fake({ default: () => createReferenceBackend('z') }));
    expect(viaDefault.source).toMatch(/default export/);
  });

  it('--backend ts loads @polytensor/backend-ts (from the workspace)', async () => {
    const { code, out } = await run(['--backend', 'ts', '--filter', 'exp,matMul']);
    expect(out).toMatch(/backend 'ts'/);
    expect(code).toBe(0);
  });
});
