// The webgpu rows: polytensor's backend-webgpu beside tfjs's webgpu backend in
// headless Chromium on SwiftShader's Vulkan, in a Chromium of their own.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { workspaceAliases } from '../../../tools/vitest/aliases.js';
import { findChromium } from '@polytensor/conformance/chromium';
import { chromiumGroups, runBench } from './bench.js';
import { chromiumArgsOf } from './browser.js';
import { toMarkdown } from './report_md.js';
import { validateResults } from './schema.js';
import type { BenchResults, Row } from './types.js';

const tmp = mkdtempSync(join(tmpdir(), 'polytensor-bench-webgpu-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// the page bundles backend-webgpu from its sources, as the other backends (no build needed)
const aliases = [
  { find: /^@polytensor\/backend-webgpu$/, replacement: fileURLToPath(new URL('../../../packages/backend-webgpu/src/index.ts', import.meta.url)) },
  ...workspaceAliases,
];

/** The flags backend-webgpu's package.json declares, read here independently of chromiumArgsOf. */
const declared = (
  JSON.parse(readFileSync(new URL('../../../packages/backend-webgpu/package.json', import.meta.url), 'utf8')) as {
    polytensor: { chromiumArgs: string[] };
  }
).polytensor.chromiumArgs;

const row = (r: BenchResults, implementation: Row['implementation'], backend: string): Row => {
  const x = r.rows.find((q) => q.implementation === implementation && q.backend === backend);
  if (!x) throw new Error(`no ${implementation} ${backend} row among ${r.rows.map((q) => `${q.implementation} ${q.backend}`).join(', ')}`);
  return x;
};

describe('webgpu rows', () => {
  it("launch Chromium with backend-webgpu's declared flags, in a group apart from webgl and gpujs", () => {
    expect(declared).toEqual(expect.arrayContaining(['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader']));
    expect(chromiumArgsOf('webgpu')).toEqual(declared);
    expect(chromiumArgsOf('webgl')).toEqual([]);
    expect(chromiumArgsOf('no-such-backend')).toEqual([]);
    expect(chromiumGroups(['webgl', 'webgpu', 'gpujs'])).toEqual([
      { backends: ['webgl', 'gpujs'], args: [] },
      { backends: ['webgpu'], args: declared },
    ]);
  });

  it('are measured beside tfjs webgpu in the same run, each output through the gate', async () => {
    expect(findChromium(), "no Chromium: set CHROMIUM_PATH or install Debian's chromium").toBeTruthy();
    const r = await runBench({ backends: ['webgpu'], workloads: ['exp-1m', 'mlp-train'], quick: true, workDir: join(tmp, 'on'), aliases });
    expect(validateResults(r)).toEqual([]);
    for (const implementation of ['polytensor', 'tfjs'] as const) {
      const info = r.backends.find((b) => b.implementation === implementation && b.backend === 'webgpu');
      expect(info, implementation).toMatchObject({ environment: 'chromium', available: true, detail: expect.stringMatching(/swiftshader/i) });
    }
    for (const w of ['exp-1m', 'mlp-train']) {
      const theirs = r.rows.find((q) => q.workload === w && q.implementation === 'tfjs' && q.backend === 'webgpu')!;
      const mine = r.rows.find((q) => q.workload === w && q.implementation === 'polytensor' && q.backend === 'webgpu')!;
      expect(mine.baseline).toBe('webgpu');
      for (const x of [mine, theirs]) {
        expect(x.environment).toBe('chromium');
        expect(x.status, `${x.implementation} ${w}: ${x.reason}`).toBe('ok');
        expect(x.gatePassed).toBe(true);
        expect(x.gate!.worst).toBeLessThanOrEqual(1);
        expect(x.medianMs).toBeGreaterThan(0);
      }
      // the GPU allowance: exp is judged by the shading languages' 3 + 2·|x| ULP, not the CPU's 2 ULP
      if (w === 'exp-1m') expect(mine.gate!.detail).toMatch(/WGSL/);
      const q = r.ratios.find((x) => x.workload === w && x.backend === 'webgpu')!;
      expect(q).toMatchObject({ versus: 'tfjs', baseline: 'webgpu', approximate: false });
      expect(q.ratio).toBeCloseTo(mine.medianMs! / theirs.medianMs!, 10);
    }
    expect(toMarkdown(r)).toContain('| exp-1m | webgpu ↔ tfjs webgpu (Chromium) |');
  });

  it('say why when Chromium has no WebGPU (launched without the flags)', async () => {
    const r = await runBench({
      backends: ['webgpu'],
      workloads: ['matmul-256'],
      quick: true,
      workDir: join(tmp, 'off'),
      aliases,
      chromiumArgs: { webgpu: [] },
    });
    expect(validateResults(r)).toEqual([]);
    for (const implementation of ['polytensor', 'tfjs'] as const) {
      const x = row(r, implementation, 'webgpu');
      expect(x).toMatchObject({ status: 'unavailable', medianMs: null, gatePassed: null });
      // Chromium 156 has navigator.gpu without the flags, but no adapter
      expect(x.reason).toMatch(/no WebGPU adapter \(navigator\.gpu\.requestAdapter\(\) gave null\).*polytensor\.chromiumArgs/);
    }
    expect(r.ratios).toEqual([]);
  });
});
