import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workspaceAliases } from '../../../tools/vitest/aliases.js';
import { parseArgs } from './args.js';
import { deriveRatios, runBench } from './bench.js';
import { BROKEN_BACKEND } from './broken.js';
import { findChromium } from './browser.js';
import { accumulationGate, CPU_NUMERICS, trainingGate, ulpGate } from './gate.js';
import { pasteBetweenMarkers, writeOutputs } from './output.js';
import { toHtml } from './report_html.js';
import { toMarkdown } from './report_md.js';
import * as ref from './reference.js';
import { uniform } from './rng.js';
import { validateResults } from './schema.js';
import type { BenchResults, Row } from './types.js';

const tmp = mkdtempSync(join(tmpdir(), 'polytensor-bench-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const find = (r: BenchResults, implementation: Row['implementation'], backend: string): Row | undefined =>
  r.rows.find((x) => x.implementation === implementation && x.backend === backend);

describe('--quick in Node', () => {
  let results: BenchResults;

  it('runs one small workload on ts, wasm and a deliberately broken backend, each beside tfjs', async () => {
    results = await runBench({ backends: ['ts', 'wasm', BROKEN_BACKEND], workloads: ['matmul-256'], quick: true });
    expect(validateResults(results)).toEqual([]);
    expect(results.quick).toBe(true);
    expect(results.machine.cores).toBeGreaterThan(0);

    for (const [impl, backend] of [['polytensor', 'ts'], ['tfjs', 'cpu']] as const) {
      const row = find(results, impl, backend)!;
      expect(row.status, `${impl} ${backend}: ${row.reason}`).toBe('ok');
      expect(row.gatePassed).toBe(true);
      expect(row.gate!.worst).toBeLessThanOrEqual(1);
      expect(row.repeats).toBeGreaterThanOrEqual(3);
      expect(row.minMs!).toBeLessThanOrEqual(row.medianMs!);
      expect(row.medianMs!).toBeLessThanOrEqual(row.maxMs!);
    }
    expect(results.ratios.find((q) => q.backend === 'ts')).toMatchObject({ baseline: 'cpu', workload: 'matmul-256', approximate: false });

    // wasm: measured beside tfjs wasm, through the gate
    const wasm = find(results, 'polytensor', 'wasm')!;
    expect(wasm.status, String(wasm.reason)).toBe('ok');
    expect(wasm.gatePassed).toBe(true);
    expect(find(results, 'tfjs', 'wasm')!.status).toBe('ok');
  });

  it('flags the deliberately wrong backend: gate failed, not timed, not ranked', () => {
    const broken = find(results, 'polytensor', BROKEN_BACKEND)!;
    expect(broken.status).toBe('gate-failed');
    expect(broken.gatePassed).toBe(false);
    expect(broken.gate!.worst).toBeGreaterThan(1);
    expect(broken.gate!.detail).toMatch(/element 0/);
    expect(broken.medianMs).toBeNull();
    expect(broken.samplesMs).toEqual([]);
    expect(results.ratios.some((q) => q.backend === BROKEN_BACKEND)).toBe(false);
    expect(deriveRatios(results.rows).some((q) => q.backend === BROKEN_BACKEND)).toBe(false);
  });

  it('writes latest.json, latest.md and latest.html', () => {
    const files = writeOutputs(results, tmp);
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as unknown;
    expect(validateResults(json)).toEqual([]);
    const md = readFileSync(files.md, 'utf8');
    expect(md).toContain('| workload | backend | polytensor median (spread) | tfjs median (spread) | ratio | gate (ours / tfjs) |');
    expect(md).toMatch(/\| matmul-256 \| ts-broken ↔ tfjs cpu \(Node\) \| \*\*WRONG\*\*/);
    expect(md).toMatch(/\| matmul-256 \| ts ↔ tfjs cpu \(Node\) \| [\d.]+ (µs|ms)/);
    const html = readFileSync(files.html, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('WRONG (gate failed)');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});

describe('schema', () => {
  const row: Row = {
    workload: 'matmul-256', backend: 'ts', implementation: 'polytensor', environment: 'node', baseline: 'cpu', status: 'ok', reason: null,
    medianMs: 2, minMs: 1, maxMs: 3, repeats: 3, warmup: 1, samplesMs: [1, 2, 3], firstRunMs: 4, limitMs: null, gatePassed: true,
    gate: { passed: true, rule: 'accumulation', worst: 0.1, detail: '' }, throughput: null,
  };
  const doc = (rows: Row[]): unknown => ({
    schema: 'polytensor-bench/1', date: new Date().toISOString(), quick: true, durationS: 1, command: '',
    machine: { cpuModel: 'x', cores: 1, memoryGiB: 1, platform: 'linux', arch: 'x64', node: 'v20', chromium: null, webglRenderer: null, tfjs: '4.22.0', loadAverage: { start: 0.1, end: 0.2 } },
    backends: [], workloads: [], rows, ratios: [],
  });

  it('accepts a well-formed document and rejects inconsistent rows', () => {
    expect(validateResults(doc([row]))).toEqual([]);
    expect(validateResults(doc([{ ...row, medianMs: null }]))).toContainEqual(expect.stringMatching(/without median/));
    expect(validateResults(doc([{ ...row, status: 'gate-failed', gatePassed: false }]))).toContainEqual(expect.stringMatching(/must not carry a median/));
    expect(validateResults(doc([{ ...row, status: 'fast' as Row['status'] }]))).toContainEqual(expect.stringMatching(/status: bad value/));
    expect(validateResults({ ...(doc([row]) as object), machine: undefined })).toContainEqual(expect.stringMatching(/machine/));
    const { gatePassed: _, ...missing } = row;
    expect(validateResults(doc([missing as Row]))).toContainEqual('$.rows[0].gatePassed: missing');
  });
});

describe('report', () => {
  it('shows a ratio bound when tfjs was stopped at the cap, and "wrong" for a failed gate', () => {
    const base = { environment: 'node', baseline: null, reason: 'x', minMs: null, maxMs: null, medianMs: null, repeats: 0, warmup: 0, firstRunMs: null, limitMs: null, gatePassed: null, gate: null, throughput: null } as const;
    const ours: Row = { ...base, workload: 'cnn-train', backend: 'ts', implementation: 'polytensor', baseline: 'cpu', status: 'ok', reason: null, medianMs: 3000, minMs: 2900, maxMs: 3100, repeats: 3, samplesMs: [2900, 3000, 3100], gatePassed: true, gate: { passed: true, rule: 'training', worst: 0.01, detail: '' } };
    const tfjs: Row = { ...base, samplesMs: [], workload: 'cnn-train', backend: 'cpu', implementation: 'tfjs', status: 'skipped', limitMs: 60_000 };
    const wrong: Row = { ...base, samplesMs: [], workload: 'cnn-train', backend: 'ts-broken', implementation: 'polytensor', baseline: 'cpu', status: 'gate-failed', gatePassed: false, gate: { passed: false, rule: 'training', worst: 20, detail: 'bad' } };
    const r: BenchResults = {
      schema: 'polytensor-bench/1', date: new Date().toISOString(), quick: false, durationS: 1, command: '',
      machine: { cpuModel: 'x', cores: 2, memoryGiB: 1, platform: 'linux', arch: 'x64', node: 'v20', chromium: null, webglRenderer: null, tfjs: '4.22.0', loadAverage: null },
      backends: [], workloads: [{ id: 'cnn-train', title: 'CNN', description: 'd' }], rows: [ours, tfjs, wrong], ratios: deriveRatios([ours, tfjs, wrong]),
    };
    expect(validateResults(r)).toEqual([]);
    expect(r.ratios).toEqual([]);
    const md = toMarkdown(r);
    expect(md).toContain('| cnn-train | ts ↔ tfjs cpu (Node) | 3.00 s (−3/+3%, n=3) | > 60.0 s (stopped) [^1] | < 0.05 |');
    expect(md).toMatch(/\| cnn-train \| ts-broken ↔ tfjs cpu \(Node\) \| \*\*WRONG\*\* .* \| wrong \|/);
    expect(toHtml(r)).toContain('&lt; 0.05');
  });
});

describe('gate', () => {
  it('accepts float32 accumulation error and rejects a dropped term', () => {
    const n = 64;
    const a = uniform(n * n, 1);
    const b = uniform(n * n, 2);
    const r = ref.matMul(a, b, n, n, n);
    const f32 = Float32Array.from(r.out);
    expect(accumulationGate(f32, r.out, r.absSum!, r.n, CPU_NUMERICS, 'm').passed).toBe(true);
    f32[5] = Math.fround(r.out[5]! - a[5 * n]! * b[5]!);
    expect(accumulationGate(f32, r.out, r.absSum!, r.n, CPU_NUMERICS, 'm').passed).toBe(false);
  });

  it('add must be correctly rounded on CPUs', () => {
    const want = Float64Array.from([0.1 + 0.2, 1 / 3]);
    expect(ulpGate(Float32Array.from(want), want, 0, 'add').passed).toBe(true);
    const off = Float32Array.from(want);
    off[1] = Math.fround(off[1]! * (1 + 2 ** -23));
    expect(ulpGate(off, want, 0, 'add').passed).toBe(false);
  });

  it('training: loss and weights within the stated tolerances', () => {
    const w0 = [Float32Array.from([1, 2, 3])];
    const refW = [Float64Array.from([0.9, 2.1, 3])];
    expect(trainingGate(0.5, [Float32Array.from([0.9, 2.1, 3])], 0.5, refW, w0).passed).toBe(true);
    expect(trainingGate(0.51, [Float32Array.from([0.9, 2.1, 3])], 0.5, refW, w0).passed).toBe(false);
    expect(trainingGate(0.5, [Float32Array.from([0.9, 2.0, 3])], 0.5, refW, w0).passed).toBe(false);
  });
});

describe('CLI options', () => {
  it('names the valid choices for unknown backends and workloads', () => {
    expect(() => parseArgs(['--backends', 'ts,cuda'])).toThrow(/unknown backend 'cuda'; valid: ts, wasm, webgl, gpujs/);
    expect(() => parseArgs(['--workloads', 'matmul-9'])).toThrow(/unknown workload 'matmul-9'; valid: matmul-256, .*cnn-infer/);
    expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown option '--frobnicate'/);
  });

  it('--cap sets the per-run cap in seconds and rejects nonsense', () => {
    expect(parseArgs([]).capMs).toBeNull();
    expect(parseArgs(['--cap', '900']).capMs).toBe(900_000);
    expect(parseArgs(['--cap=2.5']).capMs).toBe(2500);
    expect(() => parseArgs(['--cap', '-1'])).toThrow(/--cap needs a positive number of seconds, got '-1'/);
    expect(() => parseArgs(['--cap', 'soon'])).toThrow(/got 'soon'/);
  });

  it('--browser adds the browser backends; --no-browser drops them; workloads keep the canonical order', () => {
    expect(parseArgs(['--backends', 'ts,wasm', '--browser']).backends).toEqual(['ts', 'wasm', 'webgl', 'gpujs']);
    expect(parseArgs(['--no-browser']).backends).toEqual(['ts', 'wasm']);
    expect(parseArgs(['--workloads=mlp-train,matmul-512', '--quick'])).toMatchObject({ workloads: ['matmul-512', 'mlp-train'], quick: true });
  });

  it('pastes the table between the README markers', () => {
    const readme = '# x\n\n## Benchmarks\n<!-- bench:start -->\nold\n<!-- bench:end -->\ntail\n';
    expect(pasteBetweenMarkers(readme, '| new |\n')).toBe('# x\n\n## Benchmarks\n<!-- bench:start -->\n| new |\n<!-- bench:end -->\ntail\n');
    expect(() => pasteBetweenMarkers('# none', 'x')).toThrow(/markers/);
  });
});

describe('--quick in Chromium (tfjs webgl on SwiftShader)', () => {
  it('without a Chromium the browser backends fail with a clear error (never a download)', async () => {
    const saved = process.env['CHROMIUM_PATH'];
    process.env['CHROMIUM_PATH'] = '/nonexistent/chromium';
    try {
      await expect(runBench({ backends: ['webgl'], workloads: ['matmul-256'], quick: true, workDir: join(tmp, 'nochromium') })).rejects.toThrow(
        /no Chromium for the browser backends: CHROMIUM_PATH=\/nonexistent\/chromium does not exist\. Install one \(apt-get install chromium\)/,
      );
    } finally {
      if (saved === undefined) delete process.env['CHROMIUM_PATH'];
      else process.env['CHROMIUM_PATH'] = saved;
    }
  });

  it('runs the page headless: webgl and gpujs measured beside tfjs webgl, each output through the gate', async () => {
    // Chromium is part of the test setup (.ci/run installs it): no browser is a failure here, not a skip
    expect(findChromium(), 'no Chromium: set CHROMIUM_PATH or install Debian\'s chromium').toBeTruthy();
    const workDir = join(tmp, 'browser');
    const r = await runBench({ backends: ['webgl', 'gpujs'], workloads: ['matmul-256'], quick: true, workDir, aliases: workspaceAliases });
    expect(validateResults(r)).toEqual([]);
    expect(existsSync(join(workDir, 'page', 'page.js'))).toBe(true);
    const tfjs = r.rows.find((x) => x.implementation === 'tfjs' && x.backend === 'webgl')!;
    expect(tfjs.environment).toBe('chromium');
    expect(tfjs.status, String(tfjs.reason)).toBe('ok');
    expect(tfjs.gatePassed).toBe(true);
    for (const b of ['webgl', 'gpujs']) {
      const ours = r.rows.find((x) => x.implementation === 'polytensor' && x.backend === b)!;
      expect(ours).toMatchObject({ environment: 'chromium', baseline: 'webgl' });
      expect(ours.status, `${b}: ${ours.reason}`).toBe('ok');
      expect(ours.gatePassed).toBe(true);
      expect(r.ratios.find((q) => q.backend === b)).toMatchObject({ baseline: 'webgl', workload: 'matmul-256' });
    }
    expect(r.machine.chromium).toMatch(/^Chromium \d+/);
  });
});
