import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workspaceAliases } from '../../../tools/vitest/aliases.js';
import { parseArgs } from './args.js';
import { deriveRatios, runBench, runComposites } from './bench.js';
import { BROKEN_BACKEND } from './broken.js';
import { findChromium } from '@polytensor/conformance/chromium';
import { compareComposites, compositesMarkdown } from './composites.js';
import { accumulationGate, CPU_NUMERICS, trainingGate, ulpGate } from './gate.js';
import { pasteBetweenMarkers, writeOutputs } from './output.js';
import { blankRow } from './runner.js';
import { toHtml } from './report_html.js';
import { fitOverheads, toMarkdown } from './report_md.js';
import * as ref from './reference.js';
import { uniform } from './rng.js';
import { validateResults } from './schema.js';
import { TFJS_WEBGL_FORWARDING, type BenchResults, type Row } from './types.js';
import { TS_KERNELS, TsStore } from '@polytensor/backend-ts';
import { defineBackend, type KernelImpl } from '@polytensor/core';

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

    for (const [impl, backend] of [
      ['polytensor', 'ts'],
      ['tfjs', 'cpu'],
    ] as const) {
      const row = find(results, impl, backend)!;
      expect(row.status, `${impl} ${backend}: ${row.reason}`).toBe('ok');
      expect(row.gatePassed).toBe(true);
      expect(row.gate!.worst).toBeLessThanOrEqual(1);
      expect(row.repeats).toBeGreaterThanOrEqual(3);
      expect(row.minMs!).toBeLessThanOrEqual(row.medianMs!);
      expect(row.medianMs!).toBeLessThanOrEqual(row.maxMs!);
      expect(row.cpuMs).toBeGreaterThan(0);
    }
    expect(results.ratios.find((q) => q.backend === 'ts')).toMatchObject({ versus: 'tfjs', baseline: 'cpu', workload: 'matmul-256', approximate: false });

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

  it('ONNX Runtime (native cpu and web wasm) runs the inference workloads as the anchors: one row each, gated, with a ratio for every Node backend', async () => {
    const r = await runBench({ backends: ['ts', 'wasm'], workloads: ['mlp-infer', 'matmul-256'], quick: true });
    expect(validateResults(r)).toEqual([]);
    expect(r.backends).toContainEqual({ environment: 'node', implementation: 'onnxruntime', backend: 'cpu', available: true, reason: null });
    expect(r.backends).toContainEqual(
      expect.objectContaining({
        environment: 'node',
        implementation: 'onnxruntime',
        backend: 'wasm',
        available: true,
        reason: null,
        detail: expect.stringMatching(/^threads: /),
      }),
    );
    const onnx = r.rows.filter((x) => x.implementation === 'onnxruntime');
    // timed once per workload and provider, and only where the workload has an ONNX version
    expect(onnx.map((x) => `${x.workload} ${x.backend}`)).toEqual(['mlp-infer cpu', 'mlp-infer wasm']);
    for (const row of onnx) {
      expect(row, String(row.reason)).toMatchObject({ status: 'ok', environment: 'node', gatePassed: true });
      expect(row.gate!.worst).toBeLessThanOrEqual(1);
    }
    for (const b of ['ts', 'wasm']) {
      for (const row of onnx) {
        const q = r.ratios.find((x) => x.workload === 'mlp-infer' && x.backend === b && x.versus === 'onnxruntime' && x.baseline === row.backend)!;
        expect(q, `${b} / onnxruntime ${row.backend} ratio`).toMatchObject({ theirsMs: row.medianMs });
        expect(q.ratio).toBeCloseTo(q.oursMs / q.theirsMs, 10);
      }
      // the tfjs ratio stays beside them
      expect(r.ratios.find((x) => x.workload === 'mlp-infer' && x.backend === b && x.versus === 'tfjs')).toBeDefined();
    }
    expect(r.ratios.filter((x) => x.versus === 'onnxruntime' && x.workload === 'matmul-256')).toEqual([]);
    const md = toMarkdown(r);
    expect(md).toContain('Against ONNX Runtime running the same model exported with @polytensor/onnx');
    for (const ep of ['cpu', 'wasm']) {
      expect(md).toMatch(new RegExp(`\\| mlp-infer \\| ts ↔ ONNX Runtime ${ep} \\(Node\\) \\| [\\d.]+ (µs|ms) .*\\| [\\d.]+ (µs|ms) .*\\| [\\d.]+×? \\| ✓`));
    }
  });

  it('mlp-fit and mlp-loop: both gated against the reference step, and the report divides fit by the loop', async () => {
    const r = await runBench({ backends: ['ts'], workloads: ['mlp-fit', 'mlp-loop'], quick: true });
    expect(validateResults(r)).toEqual([]);
    for (const w of ['mlp-fit', 'mlp-loop']) {
      const row = r.rows.find((x) => x.implementation === 'polytensor' && x.workload === w)!;
      expect(row, `${w}: ${row.reason}`).toMatchObject({ status: 'ok', gatePassed: true, throughput: { unit: 'steps/s' } });
    }
    const [fit, loop] = ['mlp-fit', 'mlp-loop'].map((w) => r.rows.find((x) => x.implementation === 'polytensor' && x.workload === w)!);
    const o = fitOverheads(r);
    expect(o).toEqual([expect.objectContaining({ model: 'mlp', backend: 'ts', environment: 'node' })]);
    expect(o[0]!.ratio).toBeCloseTo(fit!.medianMs! / loop!.medianMs!, 12);
    expect(o[0]!.fitMs).toBeCloseTo(fit!.medianMs! / 2, 12); // --quick: 2 batches an epoch
    expect(toMarkdown(r)).toMatch(/\| mlp \| ts \(Node\) \| [\d.]+ (µs|ms) \| [\d.]+ (µs|ms) \| [\d.]+ \|/);
  });

  it('--threads runs backend-ts once per thread setting, with CPU time; --profile times every kernel of a run', async () => {
    const r = await runBench({ backends: ['ts@1', 'ts@auto'], workloads: ['matmul-512-chain', 'mlp-train'], quick: true, profile: true });
    expect(validateResults(r)).toEqual([]);
    expect(r.backends.find((b) => b.backend === 'ts@1')).toMatchObject({ available: true, detail: 'threads: 1 → 1 in use' });
    expect(r.backends.find((b) => b.backend === 'ts@auto')!.detail).toMatch(/^threads: auto → \d+ in use$/);
    for (const b of ['ts@1', 'ts@auto']) {
      for (const w of ['matmul-512-chain', 'mlp-train']) {
        const row = r.rows.find((x) => x.backend === b && x.workload === w)!;
        expect(row, `${b} ${w}: ${row.reason}`).toMatchObject({ status: 'ok', implementation: 'polytensor', baseline: 'cpu', gatePassed: true });
        expect(row.cpuMs).toBeGreaterThan(0);
        expect(r.ratios.find((q) => q.backend === b && q.workload === w)).toMatchObject({ versus: 'tfjs', baseline: 'cpu' });
      }
    }
    // the chain: 8 products per run, one readback; its throughput counts products
    expect(r.rows.find((x) => x.backend === 'ts@1' && x.workload === 'matmul-512-chain')!.throughput!.unit).toBe('products/s');
    const chain = r.profiles!.find((p) => p.workload === 'matmul-512-chain' && p.backend === 'ts@1')!;
    expect(chain.kernels).toEqual([expect.objectContaining({ kernel: 'matMul', calls: 8, shapes: '[1,48,48] [1,48,48]' })]);
    const step = r.profiles!.find((p) => p.workload === 'mlp-train' && p.backend === 'ts@auto')!;
    expect(step.kernels.map((k) => k.kernel)).toEqual(expect.arrayContaining(['fusedMatMul', 'softmaxCrossEntropy', 'matMul', 'optimizerUpdate']));
    // one fused SGD update per weight
    const updates = step.kernels.filter((k) => k.kernel === 'optimizerUpdate').map((k) => `${k.op} ${k.shapes} ×${k.calls}`);
    expect(updates.sort()).toEqual(['sgd [10] ×1', 'sgd [64,10] ×1', 'sgd [64] ×1', 'sgd [784,64] ×1']);
    expect(step.kernels.reduce((a, k) => a + k.ms, 0)).toBeLessThanOrEqual(step.runMs);
    const files = writeOutputs(r, join(tmp, 'threads'));
    const md = readFileSync(files.md, 'utf8');
    expect(md).toMatch(/\| mlp-train \| ts \(1 thread\) ↔ tfjs cpu \(Node\) \| [\d.]+ (µs|ms) · [\d.]+ GFLOP\/s \(.*, CPU [\d.]+ (µs|ms)\) \|/);
    expect(md).toContain('| mlp-train | ts (threads auto) ↔ tfjs cpu (Node) |');
    expect(readFileSync(files.profile!, 'utf8')).toMatch(/### mlp-train on ts \(threads auto\)\n\n.* per run \(1 run\); kernels .* in \d+ calls/);
  });

  it('--threads runs backend-wasm once per thread setting; GFLOP/s is the FLOP count over the median', async () => {
    const r = await runBench({ backends: ['wasm@1', 'wasm@2'], workloads: ['matmul-256'], quick: true });
    expect(validateResults(r)).toEqual([]);
    expect(r.backends.find((b) => b.backend === 'wasm@1')).toMatchObject({ available: true, detail: 'threads: 1 → 1 in use' });
    expect(r.backends.find((b) => b.backend === 'wasm@2')).toMatchObject({ available: true, detail: 'threads: 2 → 2 in use' });
    for (const b of ['wasm@1', 'wasm@2']) {
      const row = r.rows.find((x) => x.backend === b && x.workload === 'matmul-256')!;
      expect(row, `${b}: ${row.reason}`).toMatchObject({ status: 'ok', implementation: 'polytensor', baseline: 'wasm', gatePassed: true });
      expect(row.gflops).toBeCloseTo((2 * 32 ** 3) / row.medianMs! / 1e6, 9); // --quick: 32×32 matrices
    }
    expect(r.rows.filter((x) => x.implementation === 'tfjs')).toHaveLength(1); // tfjs wasm timed once for both
    const md = readFileSync(writeOutputs(r, join(tmp, 'wasm-threads')).md, 'utf8');
    expect(md).toMatch(/\| matmul-256 \| wasm \(2 threads\) ↔ tfjs wasm \(Node\) \| [\d.]+ (µs|ms) · [\d.]+ GFLOP\/s \(/);
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

describe('--composites', () => {
  it("times a backend's own optional kernels against core's composites on the same backend", async () => {
    const run = await runComposites({ backends: ['ts', 'webgl'], quick: true, kernels: ['softmax', 'avgPoolGrad', 'fusedMatMul'] });
    expect(run.skipped).toEqual([{ backend: 'webgl', reason: expect.stringMatching(/GPU backend/) }]);
    expect(run.results.map((r) => `${r.kernel} ${r.label}`)).toEqual([
      'avgPoolGrad E3 pool1 [2,28,28,64]',
      'avgPoolGrad E3 pool2 [2,14,14,32]',
      'softmax [2,10]',
      'softmax [16,1000]',
      'fusedMatMul E3 dense [2,1568]·[1568,256] + bias, relu',
      'fusedMatMul E1 [8,784]·[784,64] + bias, sigmoid',
    ]);
    for (const r of run.results) {
      expect(r).toMatchObject({ backend: 'ts', rounds: 3 });
      expect(r.ownMs).toBeGreaterThan(0);
      expect(r.compositeMs).toBeGreaterThan(0);
    }
    const md = compositesMarkdown(run.results, 'header');
    expect(md).toMatch(/### ts\n\n\| kernel \| case \| own \| composite \| composite \/ own \|/);
    expect(md).toMatch(/\| softmax \| \[16,1000\] \| [\d.]+ (µs|ms) \| [\d.]+ (µs|ms) \| [\d.]+ \|/);
  });

  it('refuses to time an own kernel whose output differs from the composite', () => {
    // softmax with its first output nudged by 1%: far beyond float32 noise
    const nudged: KernelImpl<'softmax', TsStore> = (s, logits) => {
      const out = TS_KERNELS.softmax!(s, logits);
      s.f32(out, 'softmax')[0]! *= 1.01;
      return out;
    };
    const storage = new TsStore();
    const be = defineBackend({ name: 'nudged', storage, kernels: { ...TS_KERNELS, softmax: nudged } });
    expect(() => compareComposites(be, 'nudged', true, ['softmax'])).toThrow(/nudged's softmax and core's composite disagree on \[2,10\]: element 0/);
    expect(storage.numDataIds()).toBe(0);
  });
});

describe('schema', () => {
  const row: Row = {
    workload: 'matmul-256',
    backend: 'ts',
    implementation: 'polytensor',
    environment: 'node',
    baseline: 'cpu',
    status: 'ok',
    reason: null,
    medianMs: 2,
    minMs: 1,
    maxMs: 3,
    repeats: 3,
    warmup: 1,
    samplesMs: [1, 2, 3],
    firstRunMs: 4,
    limitMs: null,
    gatePassed: true,
    gate: { passed: true, rule: 'accumulation', worst: 0.1, detail: '' },
    throughput: null,
    gflops: null,
    cpuMs: 2.5,
  };
  const doc = (rows: Row[]): unknown => ({
    schema: 'polytensor-bench/1',
    date: new Date().toISOString(),
    quick: true,
    durationS: 1,
    command: '',
    machine: {
      cpuModel: 'x',
      cores: 1,
      memoryGiB: 1,
      platform: 'linux',
      arch: 'x64',
      node: 'v20',
      chromium: null,
      webglRenderer: null,
      tfjs: '4.22.0',
      loadAverage: { start: 0.1, end: 0.2 },
    },
    backends: [],
    workloads: [],
    rows,
    ratios: [],
  });

  it('accepts a well-formed document and rejects inconsistent rows', () => {
    expect(validateResults(doc([row]))).toEqual([]);
    expect(validateResults(doc([{ ...row, medianMs: null }]))).toContainEqual(expect.stringMatching(/without median/));
    expect(validateResults(doc([{ ...row, status: 'gate-failed', gatePassed: false }]))).toContainEqual(expect.stringMatching(/must not carry a median/));
    expect(validateResults(doc([{ ...row, status: 'fast' as Row['status'] }]))).toContainEqual(expect.stringMatching(/status: bad value/));
    expect(validateResults({ ...(doc([row]) as object), machine: undefined })).toContainEqual(expect.stringMatching(/machine/));
    const { gatePassed: _, ...missing } = row;
    expect(validateResults(doc([missing as Row]))).toContainEqual('$.rows[0].gatePassed: missing');
    expect(validateResults(doc([{ ...row, implementation: 'naive' as Row['implementation'] }]))).toContainEqual(
      expect.stringMatching(/implementation: bad value/),
    );
  });

  it('reads files written before cpuMs, versus and profiles existed; checks them when present', () => {
    const { cpuMs: _, ...older } = row;
    const ratio = { workload: 'matmul-256', environment: 'node', backend: 'ts', baseline: 'cpu', oursMs: 1, theirsMs: 2, ratio: 0.5, approximate: false };
    expect(validateResults({ ...(doc([older as Row]) as object), ratios: [ratio] })).toEqual([]);
    expect(validateResults(doc([{ ...row, cpuMs: 'fast' as unknown as number }]))).toContainEqual(expect.stringMatching(/cpuMs: bad value/));
    expect(validateResults({ ...(doc([row]) as object), ratios: [{ ...ratio, versus: 'pytorch' }] })).toContainEqual(
      expect.stringMatching(/versus: bad value/),
    );
    const profile = {
      workload: 'matmul-256',
      backend: 'ts',
      runs: 1,
      runMs: 3,
      kernels: [{ kernel: 'matMul', op: '', shapes: '[2,2] [2,2]', calls: 1, ms: 2 }],
    };
    expect(validateResults({ ...(doc([row]) as object), profiles: [profile] })).toEqual([]);
    expect(validateResults({ ...(doc([row]) as object), profiles: [{ ...profile, kernels: [{ kernel: 'matMul' }] }] })).toContainEqual(
      expect.stringMatching(/profiles\[0\]\.kernels: bad value/),
    );
  });
});

/** A run's results around `rows`, on a made-up machine, for the report tests. */
function benchResults(rows: Row[], workload: BenchResults['workloads'][number], chromium: string | null, ratios = deriveRatios(rows)): BenchResults {
  return {
    schema: 'polytensor-bench/1',
    date: new Date().toISOString(),
    quick: false,
    durationS: 1,
    command: '',
    machine: {
      cpuModel: 'x',
      cores: 2,
      memoryGiB: 1,
      platform: 'linux',
      arch: 'x64',
      node: 'v20',
      chromium,
      webglRenderer: null,
      tfjs: '4.22.0',
      loadAverage: null,
    },
    backends: [],
    workloads: [workload],
    rows,
    ratios,
  };
}

describe('report', () => {
  it('shows a ratio bound when tfjs was stopped at the cap, and "wrong" for a failed gate', () => {
    const cnn = { workload: 'cnn-train', environment: 'node' } as const;
    const ours: Row = {
      ...blankRow({ ...cnn, backend: 'ts', implementation: 'polytensor', baseline: 'cpu' }),
      medianMs: 3000,
      minMs: 2900,
      maxMs: 3100,
      repeats: 3,
      samplesMs: [2900, 3000, 3100],
      gatePassed: true,
      gate: { passed: true, rule: 'training', worst: 0.01, detail: '' },
    };
    const tfjs: Row = { ...blankRow({ ...cnn, backend: 'cpu', implementation: 'tfjs', baseline: null }), status: 'skipped', reason: 'x', limitMs: 60_000 };
    const wrong: Row = {
      ...blankRow({ ...cnn, backend: 'ts-broken', implementation: 'polytensor', baseline: 'cpu' }),
      status: 'gate-failed',
      reason: 'x',
      gatePassed: false,
      gate: { passed: false, rule: 'training', worst: 20, detail: 'bad' },
    };
    const r = benchResults([ours, tfjs, wrong], { id: 'cnn-train', title: 'CNN', description: 'd' }, null);
    expect(validateResults(r)).toEqual([]);
    expect(r.ratios).toEqual([]);
    const md = toMarkdown(r);
    expect(md).toContain('| cnn-train | ts ↔ tfjs cpu (Node) | 3.00 s (−3/+3%, n=3) | > 60.0 s (stopped) [^1] | < 0.05 |');
    expect(md).toMatch(/\| cnn-train \| ts-broken ↔ tfjs cpu \(Node\) \| \*\*WRONG\*\* .* \| wrong \|/);
    expect(toHtml(r)).toContain('&lt; 0.05');
  });
});

describe('report: against the naive gpu.js kernel', () => {
  it('pairs gpujs with the naive kernel as well as with tfjs webgl', () => {
    const ok = (implementation: Row['implementation'], backend: string, medianMs: number): Row => ({
      workload: 'matmul-512-upload',
      backend,
      implementation,
      environment: 'chromium',
      baseline: implementation === 'polytensor' ? 'webgl' : null,
      status: 'ok',
      reason: null,
      medianMs,
      minMs: medianMs,
      maxMs: medianMs,
      repeats: 1,
      warmup: 0,
      samplesMs: [medianMs],
      cpuMs: null,
      firstRunMs: medianMs,
      limitMs: null,
      gatePassed: true,
      gate: { passed: true, rule: 'accumulation', worst: 0.01, detail: '' },
      throughput: null,
      gflops: null,
    });
    const rows = [ok('polytensor', 'gpujs', 100), ok('gpu.js', 'naive', 1000), ok('tfjs', 'webgl', 50)];
    const ratios = deriveRatios(rows);
    expect(ratios).toEqual([
      expect.objectContaining({ backend: 'gpujs', versus: 'tfjs', baseline: 'webgl', ratio: 2 }),
      expect.objectContaining({ backend: 'gpujs', versus: 'gpu.js', baseline: 'naive', ratio: 0.1 }),
    ]);
    const r = benchResults(rows, { id: 'matmul-512-upload', title: 'm', description: 'd' }, 'Chromium 1', ratios);
    expect(validateResults(r)).toEqual([]);
    const md = toMarkdown(r);
    expect(md).toContain('| matmul-512-upload | gpujs ↔ tfjs webgl (Chromium) | 100 ms (1 run) | 50.0 ms (1 run) | 2.00 |');
    expect(md).toContain('| matmul-512-upload | gpujs ↔ naive gpu.js (Chromium) | 100 ms (1 run) | 1.00 s (1 run) | 0.10 | ✓ 0.010 / ✓ 0.010 |');
    expect(toHtml(r)).toContain('gpujs ↔ naive gpu.js kernel (Chromium)');
  });
});

describe('report: tfjs webgl with its CPU forwarding on', () => {
  it('shows it beside the ratio, which stays against tfjs webgl with forwarding off', () => {
    const ok = (implementation: Row['implementation'], backend: string, medianMs: number): Row => ({
      ...blankRow({ workload: 'dispatch-add', environment: 'chromium', backend, implementation, baseline: implementation === 'polytensor' ? 'webgl' : null }),
      status: 'ok',
      medianMs,
      minMs: medianMs,
      maxMs: medianMs,
      repeats: 1,
      samplesMs: [medianMs],
      gatePassed: true,
      gate: { passed: true, rule: 'ulp', worst: 0, detail: '' },
    });
    const rows = [ok('polytensor', 'webgl', 30), ok('tfjs', 'webgl', 40), ok('tfjs', TFJS_WEBGL_FORWARDING, 2)];
    const ratios = deriveRatios(rows);
    expect(ratios).toEqual([expect.objectContaining({ backend: 'webgl', baseline: 'webgl', ratio: 0.75 })]);
    const r = benchResults(rows, { id: 'dispatch-add', title: 'd', description: 'd' }, 'Chromium 1', ratios);
    expect(validateResults(r)).toEqual([]);
    const md = toMarkdown(r);
    expect(md).toContain('| dispatch-add | webgl ↔ tfjs webgl (Chromium) | 30.0 ms (1 run) | 40.0 ms (1 run) | 0.75 |');
    expect(md).toContain('| dispatch-add | 40.0 ms (1 run) | 2.00 ms (1 run) | webgl 15.0 |');
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

  it('--composites is a mode of its own', () => {
    expect(parseArgs(['--composites', '--backends', 'ts,wasm'])).toMatchObject({ composites: true, backends: ['ts', 'wasm'] });
    expect(parseArgs([]).composites).toBe(false);
  });

  it('--threads replaces ts and wasm by one backend per setting; --profile is a flag', () => {
    expect(parseArgs(['--backends', 'ts,wasm', '--threads', '1,auto'])).toMatchObject({
      backends: ['ts@1', 'ts@auto', 'wasm@1', 'wasm@auto'],
      threads: [1, 'auto'],
      profile: false,
    });
    expect(parseArgs(['--backends=ts', '--threads=2', '--profile'])).toMatchObject({ backends: ['ts@2'], profile: true });
    expect(parseArgs(['--backends', 'ts@3']).backends).toEqual(['ts@3']);
    expect(parseArgs(['--backends', 'wasm', '--threads', '2']).backends).toEqual(['wasm@2']);
    expect(() => parseArgs(['--backends', 'webgl', '--threads', '1'])).toThrow(
      /--threads sets the threads of backend-ts and backend-wasm, but neither ts nor wasm is among the backends \(webgl\); add --backends ts,wasm/,
    );
    expect(() => parseArgs(['--threads', '0'])).toThrow(/--threads: '0' is neither a positive integer nor 'auto'/);
    expect(() => parseArgs(['--backends', 'ts@0'])).toThrow(/unknown backend 'ts@0'/);
  });

  it('--browser adds the browser backends; --no-browser drops them; workloads keep the canonical order', () => {
    expect(parseArgs(['--backends', 'ts,wasm', '--browser']).backends).toEqual(['ts', 'wasm', 'webgl', 'gpujs', 'webgpu']);
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
    expect(findChromium(), "no Chromium: set CHROMIUM_PATH or install Debian's chromium").toBeTruthy();
    const workDir = join(tmp, 'browser');
    const r = await runBench({ backends: ['webgl', 'gpujs'], workloads: ['matmul-256'], quick: true, workDir, aliases: workspaceAliases });
    expect(validateResults(r)).toEqual([]);
    // webgl and gpujs share one Chromium (no extra flags): one page bundle
    expect(existsSync(join(workDir, 'chromium-0', 'page', 'page.js'))).toBe(true);
    expect(existsSync(join(workDir, 'chromium-1'))).toBe(false);
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
