/**
 * A whole run, programmatically: the Node backends, then (optionally) the
 * browser backends through Chromium; rows, derived ratios and machine info.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import * as pt from '@polytensor/core';
import '@polytensor/backend-ts';
import * as tf from '@tensorflow/tfjs-core';
import { BROKEN_BACKEND, registerBrokenBackend } from './broken.js';
import { chromiumLaunchOptions, chromiumVersion } from '@polytensor/conformance/chromium';
import { BROWSER_BACKENDS, chromiumArgsOf, runInBrowser, type Aliases } from './browser.js';
import { loadOnnxRuntime, loadPolytensor, loadTfjs, onnxRuntimeImpl, polytensorImpl, threadsInUse, tfjsImpl, workerGuard } from './node_env.js';
import { compareComposites, type CompositeResult } from './composites.js';
import { profileWorkload } from './profile.js';
import { FULL_TIMING, QUICK_TIMING, blankRow, runWorkload, type ImplSpec, type ProgressFn, type Timing } from './runner.js';
import { baseBackend, threadSetting } from './threads.js';
import { deriveRatios } from './ratios.js';
import { SCHEMA_ID, type BackendInfo, type BenchResults, type KernelProfile, type MachineInfo, type Row } from './types.js';
import { WORKLOADS, WORKLOAD_IDS, clearReferenceCache, type Workload } from './workloads.js';

interface BackendEntry {
  baseline: string;
  where: 'node' | 'chromium';
  note: string;
}

/** Every polytensor backend name the CLI accepts, with its tfjs baseline (and `ts@N`, `wasm@N`, `…@auto`: with that many threads). */
export const BACKENDS: Readonly<Record<string, BackendEntry>> = {
  ts: { baseline: 'cpu', where: 'node', note: 'pure TypeScript (Node) ↔ @tensorflow/tfjs-backend-cpu; ts@N / ts@auto: with N threads (see --threads)' },
  wasm: {
    baseline: 'wasm',
    where: 'node',
    note: 'WebAssembly (Node) ↔ @tensorflow/tfjs-backend-wasm (single-threaded in Node); wasm@N / wasm@auto: XNNPACK on N threads (see --threads)',
  },
  webgl: { baseline: 'webgl', where: 'chromium', note: 'WebGL (Chromium) ↔ @tensorflow/tfjs-backend-webgl' },
  gpujs: { baseline: 'webgl', where: 'chromium', note: 'gpu.js (Chromium) ↔ @tensorflow/tfjs-backend-webgl' },
  webgpu: { baseline: 'webgpu', where: 'chromium', note: 'WebGPU (Chromium, SwiftShader without a GPU) ↔ @tensorflow/tfjs-backend-webgpu' },
  [BROKEN_BACKEND]: { baseline: 'cpu', where: 'node', note: 'backend-ts with a matMul that drops a term: shows the correctness gate failing' },
};

export { deriveRatios };

export const DEFAULT_BACKENDS = ['ts', 'wasm', ...BROWSER_BACKENDS];

/** The entry of a backend name (`ts@4` is ts's); undefined for an unknown name. */
export const backendEntry = (backend: string): BackendEntry | undefined =>
  Object.hasOwn(BACKENDS, baseBackend(backend)) ? BACKENDS[baseBackend(backend)] : undefined;

export interface BenchOptions {
  backends: string[];
  workloads: string[];
  quick: boolean;
  progress?: ProgressFn;
  /** Overrides of the timing policy (tests). */
  timing?: Partial<Timing>;
  /** Where the browser page is built (default: a temp dir). */
  workDir?: string;
  /** Vite aliases for the page bundle. */
  aliases?: Aliases;
  command?: string;
  /** Chromium executable; default: findChromium(). */
  chromiumPath?: string;
  /** Run tfjs cpu's gates in a stoppable worker thread (default: when the compiled worker exists). */
  guard?: boolean;
  /** Also profile each workload kernel by kernel on every available polytensor backend in Node. */
  profile?: boolean;
  /** Chromium flags per browser backend (default: what its package declares, see chromiumArgsOf); tests pass [] to see WebGPU missing. */
  chromiumArgs?: Readonly<Record<string, readonly string[]>>;
}

/**
 * The browser backends in groups that share one Chromium: the same launch
 * flags (webgl and gpujs: none; webgpu: its own four, which change how
 * Chromium's GPU process starts, so the WebGL rows do not run under them and
 * stay comparable with earlier runs).
 */
export function chromiumGroups(
  backends: readonly string[],
  argsOf: (b: string) => readonly string[] = chromiumArgsOf,
): Array<{ backends: string[]; args: readonly string[] }> {
  const groups = new Map<string, { backends: string[]; args: readonly string[] }>();
  for (const b of backends) {
    const args = argsOf(b);
    const key = args.join(' ');
    if (!groups.has(key)) groups.set(key, { backends: [], args });
    groups.get(key)!.backends.push(b);
  }
  return [...groups.values()];
}

export function validateSelection(backends: readonly string[], workloads: readonly string[]): void {
  const badB = backends.filter((b) => !backendEntry(b));
  if (badB.length)
    throw new Error(`unknown backend${badB.length > 1 ? 's' : ''} ${badB.map((b) => `'${b}'`).join(', ')}; valid: ${Object.keys(BACKENDS).join(', ')}`);
  const badW = workloads.filter((w) => !WORKLOAD_IDS.includes(w));
  if (badW.length) throw new Error(`unknown workload${badW.length > 1 ? 's' : ''} ${badW.map((w) => `'${w}'`).join(', ')}; valid: ${WORKLOAD_IDS.join(', ')}`);
}

function errorRow(workload: string, implementation: Row['implementation'], backend: string, baseline: string | null, reason: string): Row {
  return { ...blankRow({ workload, backend, implementation, environment: 'chromium', baseline }), status: 'error', reason };
}

export function machineInfo(chromium: string | null, webglRenderer: string | null, loadAtStart = loadavg()[0]!): MachineInfo {
  const c = cpus();
  return {
    cpuModel: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: process.platform,
    arch: process.arch,
    node: process.version,
    chromium,
    webglRenderer,
    tfjs: tf.version_core,
    loadAverage: { start: Math.round(loadAtStart * 100) / 100, end: Math.round(loadavg()[0]! * 100) / 100 },
  };
}

export async function runBench(o: BenchOptions): Promise<BenchResults> {
  const started = Date.now();
  const loadAtStart = loadavg()[0]!;
  validateSelection(o.backends, o.workloads);
  const timing: Timing = { ...(o.quick ? QUICK_TIMING : FULL_TIMING), ...o.timing };
  const workloads = WORKLOADS.filter((w) => o.workloads.includes(w.id));
  const rows: Row[] = [];
  const backends: BackendInfo[] = [];

  // ---- Node: group our backends by their tfjs baseline, so each tfjs backend is timed once per workload
  const nodeOurs = o.backends.filter((b) => backendEntry(b)!.where === 'node');
  if (nodeOurs.includes(BROKEN_BACKEND)) registerBrokenBackend();
  const groups = new Map<string, ImplSpec[]>();
  for (const b of nodeOurs) {
    const baseline = backendEntry(b)!.baseline;
    if (!groups.has(baseline)) groups.set(baseline, []);
    const why = await loadPolytensor(b);
    const threads = threadSetting(b);
    // wasm says its threads even without a setting: its default ('auto') depends on the machine
    const detail =
      why === null && (threads !== null || baseBackend(b) === 'wasm') ? { detail: `threads: ${threads ?? 'default'} → ${await threadsInUse(b)} in use` } : {};
    backends.push({ environment: 'node', implementation: 'polytensor', backend: b, available: why === null, reason: why, ...detail });
    groups.get(baseline)!.push(polytensorImpl(b, baseline, why));
  }
  // tfjs cpu's conv2d gradients can take minutes per run: its gates run in a worker thread that is stopped at the cap
  const guards: Array<{ close(): Promise<void> }> = [];
  for (const [baseline, impls] of groups) {
    const why = await loadTfjs(baseline);
    backends.push({ environment: 'node', implementation: 'tfjs', backend: baseline, available: why === null, reason: why });
    const guard = baseline === 'cpu' && why === null && o.guard !== false ? workerGuard('tfjs', baseline) : null;
    if (guard) guards.push(guard);
    impls.push(tfjsImpl(baseline, why, guard?.guard));
  }
  // ONNX Runtime, native (cpu) and WebAssembly (onnxruntime-web's wasm provider): timed once per workload
  // (in the first group), the anchors every Node backend is compared with
  const firstGroup = [...groups.values()][0];
  if (firstGroup) {
    for (const ep of ['cpu', 'wasm'] as const) {
      const { why, detail } = await loadOnnxRuntime(ep);
      backends.push({ environment: 'node', implementation: 'onnxruntime', backend: ep, available: why === null, reason: why, ...(detail ? { detail } : {}) });
      firstGroup.push(onnxRuntimeImpl(ep, why));
    }
  }
  const profiles: KernelProfile[] = [];
  try {
    for (const w of workloads) {
      for (const impls of groups.values()) {
        rows.push(...(await runWorkload(w, impls, timing, o.progress)));
        if (o.profile) profiles.push(...(await profileGroup(w, impls, timing.quick, o.progress)));
      }
    }
  } finally {
    for (const g of guards) await g.close();
  }
  clearReferenceCache();

  // ---- Chromium
  const browserOurs = o.backends.filter((b) => backendEntry(b)!.where === 'chromium');
  let chromium: string | null = null;
  let renderer: string | null = null;
  if (browserOurs.length > 0) {
    const exe = chromiumLaunchOptions({ executablePath: o.chromiumPath, purpose: 'for the browser backends' }).executablePath;
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const workDir = o.workDir ?? mkdtempSync(join(tmpdir(), 'polytensor-bench-'));
    const argsOf = (b: string): readonly string[] => o.chromiumArgs?.[b] ?? chromiumArgsOf(b);
    try {
      for (const [g, group] of chromiumGroups(browserOurs, argsOf).entries()) {
        const baselines = Object.fromEntries(group.backends.map((b) => [b, backendEntry(b)!.baseline]));
        try {
          const res = await runInBrowser({
            chromiumPath: exe,
            workDir: join(workDir, `chromium-${g}`),
            quick: o.quick,
            workloads: workloads.map((w) => w.id),
            backends: group.backends,
            baselines,
            chromiumArgs: group.args,
            timing,
            ...(o.progress ? { progress: o.progress } : {}),
            ...(o.aliases ? { aliases: o.aliases } : {}),
          });
          rows.push(...res.rows);
          backends.push(...res.backends);
          chromium ??= res.chromium;
          renderer ??= res.webglRenderer;
        } catch (e) {
          // this browser leg failed as a whole: say so in every row it owed, keep the other results
          const why = `browser run failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
          const impls = [
            ...group.backends.map((b) => ({ implementation: 'polytensor' as const, backend: b, baseline: baselines[b]! as string | null })),
            ...[...new Set(Object.values(baselines))].map((t) => ({ implementation: 'tfjs' as const, backend: t, baseline: null })),
          ];
          for (const i of impls)
            backends.push({ environment: 'chromium', implementation: i.implementation, backend: i.backend, available: false, reason: why });
          for (const w of workloads) for (const i of impls) rows.push(errorRow(w.id, i.implementation, i.backend, i.baseline, why));
        }
      }
    } finally {
      if (!o.workDir) rmSync(workDir, { recursive: true, force: true });
    }
    chromium ??= chromiumVersion(exe);
  }

  return {
    schema: SCHEMA_ID,
    date: new Date(started).toISOString(),
    quick: o.quick,
    durationS: Math.round((Date.now() - started) / 100) / 10,
    command: o.command ?? '',
    machine: machineInfo(chromium, renderer, loadAtStart),
    backends,
    workloads: workloads.map((w) => ({ id: w.id, title: w.title, description: w.description(o.quick) })),
    rows,
    ratios: deriveRatios(rows),
    ...(o.profile ? { profiles } : {}),
  };
}

/** Profile runs per workload and backend (after one untimed run). */
const PROFILE_RUNS = { quick: 1, full: 3 } as const;

/** --profile: each available polytensor backend of a group, kernel by kernel, on one workload. */
async function profileGroup(w: Workload, impls: readonly ImplSpec[], quick: boolean, progress?: ProgressFn): Promise<KernelProfile[]> {
  const out: KernelProfile[] = [];
  for (const spec of impls) {
    if (spec.implementation !== 'polytensor' || spec.unavailable) continue;
    const impl = `profile ${spec.backend}`;
    progress?.({ workload: w.id, impl, phase: 'timing', done: 0, total: 1 });
    try {
      const p = await profileWorkload(w, spec, quick, quick ? PROFILE_RUNS.quick : PROFILE_RUNS.full);
      out.push(p);
      progress?.({
        workload: w.id,
        impl,
        phase: 'done',
        done: 1,
        total: 1,
        message: `${p.kernels.length} kernel call sites, ${p.runMs.toFixed(1)} ms per run`,
      });
    } catch (e) {
      progress?.({
        workload: w.id,
        impl,
        phase: 'done',
        done: 0,
        total: 0,
        message: `profile failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`,
      });
    }
  }
  return out;
}

export interface CompositesRun {
  schema: 'polytensor-bench-composites/1';
  date: string;
  quick: boolean;
  machine: MachineInfo;
  /** Backends left out, and why (not installed, not in Node). */
  skipped: Array<{ backend: string; reason: string }>;
  results: CompositeResult[];
}

/** --composites: each selected Node polytensor backend's own optional kernels against core's composites. */
export async function runComposites(o: Pick<BenchOptions, 'backends' | 'quick' | 'progress'> & { kernels?: readonly string[] }): Promise<CompositesRun> {
  const started = Date.now();
  validateSelection(o.backends, []);
  if (o.backends.includes(BROKEN_BACKEND)) registerBrokenBackend();
  const skipped: CompositesRun['skipped'] = [];
  const results: CompositeResult[] = [];
  for (const b of o.backends) {
    if (backendEntry(b)!.where !== 'node') {
      skipped.push({ backend: b, reason: 'a GPU backend: its kernels return before the GPU is done, so they are not timed one by one' });
      continue;
    }
    const why = await loadPolytensor(b);
    if (why) {
      skipped.push({ backend: b, reason: why });
      continue;
    }
    await polytensorImpl(b, backendEntry(b)!.baseline, null).activate();
    o.progress?.({ workload: 'composites', impl: `polytensor ${b}`, phase: 'timing', done: 0, total: 1 });
    const r = compareComposites(pt.getBackend(), b, o.quick, o.kernels);
    results.push(...r);
    o.progress?.({ workload: 'composites', impl: `polytensor ${b}`, phase: 'done', done: 1, total: 1, message: `${r.length} kernel cases` });
  }
  return { schema: 'polytensor-bench-composites/1', date: new Date(started).toISOString(), quick: o.quick, machine: machineInfo(null, null), skipped, results };
}
