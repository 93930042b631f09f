// docs/kernels.md is generated from core's kernel table and the backend
// packages (`polytensor-conformance --doc`): this fails when the committed
// file is out of date.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KERNEL_NAMES } from '@polytensor/core';
import { describe, expect, it } from 'vitest';
import { discoverBackendKernels, kernelReference } from './kernel_doc.js';

const FILE = fileURLToPath(new URL('../../../docs/kernels.md', import.meta.url));
const REGENERATE = 'regenerate it with `npm run kernel-doc` (builds, then `node packages/conformance/dist/cli.js --doc --out docs/kernels.md`)';

describe('docs/kernels.md', () => {
  it("is up to date with core's kernel table and the backends", async () => {
    const want = kernelReference(await discoverBackendKernels((pkg) => import(/* @vite-ignore */ pkg)));
    expect(existsSync(FILE), `docs/kernels.md is missing: ${REGENERATE}`).toBe(true);
    const have = readFileSync(FILE, 'utf8');
    if (have !== want) {
      const a = have.split('\n');
      const b = want.split('\n');
      const at = b.findIndex((line, i) => line !== a[i]);
      expect.fail(
        `docs/kernels.md is out of date with core's kernel table (first difference at line ${at + 1}: ${JSON.stringify(a[at])} should be ${JSON.stringify(b[at])}): ${REGENERATE}`,
      );
    }
  }, 60_000);

  it('lists every kernel, its tolerance and the backends', () => {
    const text = kernelReference([
      { name: 'a', implemented: new Set(['unary', 'softmax'] as const), optimizer: true, source: 'a: test' },
      { name: 'b', implemented: null, optimizer: null, source: 'b: test' },
    ]);
    for (const k of KERNEL_NAMES) expect(text).toContain(`### ${k}\n`);
    expect(text).toMatch(/\| \[softmax\]\(#softmax\) \| optional \| own \| see package \|/);
    expect(text).toMatch(/\| \[matMul\]\(#matmul\) \| primitive \| composite \| see package \|/);
    expect(text).toMatch(/\| \[optimizerUpdate\]\(#optimizerupdate\) \| capability \| own \| see package \|/);
    expect(text).toMatch(/\| exp \| ulp: ≤ 2 ULP \| \[-87, 88\] and ±Inf, NaN \|/);
    expect(text).toMatch(/\| sin \| ulp: ≤ 3 ULP \(in ULPs of 2\^-14 below it\) \|/);
    expect(text).toMatch(/\| matMul \| accumulation: γ_n·Σ\\\|term\\\| per element \|/);
  });
});
