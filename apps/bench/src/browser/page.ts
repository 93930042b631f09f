/**
 * The browser page: every polytensor browser backend that is installed (webgl,
 * gpujs, webgpu) beside the tfjs backend it is compared with (webgl, webgpu),
 * running the same workloads and runner as Node.
 * Bundled by the CLI with Vite and driven through playwright-core.
 */
import * as pt from '@polytensor/core';
// the seed models' initial weights are built on a polytensor backend, also when none of ours initialises
import '@polytensor/backend-ts';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
// registers tfjs's 'webgpu' only where navigator.gpu exists (see webgpuMissing)
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { gpujs, loaders } from 'virtual:polytensor-browser-backends';
import { GPU_NUMERICS } from '../gate.js';
import type { GpuConstructor } from '../naive_gpujs.js';
import { runWorkload, type ImplSpec } from '../runner.js';
import { TFJS_WEBGL_FORWARDING, type BackendInfo, type Row } from '../types.js';
import { workloadById, type Workload } from '../workloads.js';
import type { BenchWindow, PageConfig, PageResult } from './protocol.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

let renderer: string | null | undefined;

/**
 * The WebGL renderer string, read once per page from a context that is then
 * released: Chromium keeps at most 16 WebGL contexts alive and takes the oldest
 * away (a backend's) when a page makes more, so probing once per workload call
 * broke the backends of a long run.
 */
function webglRenderer(): string | null {
  if (renderer !== undefined) return renderer;
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  if (!gl) return (renderer = null);
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer;
}

/**
 * Why this page has no WebGPU (null when it has an adapter): WebGPU needs a
 * secure context (http://127.0.0.1 is one) and, in headless Chromium without
 * a GPU, the SwiftShader flags that backend-webgpu declares.
 */
async function webgpuMissing(): Promise<string | null> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!window.isSecureContext) return `no WebGPU: the page (${location.origin}) is not a secure context`;
  if (!gpu) return 'no WebGPU in this Chromium (navigator.gpu is missing): launch it with the flags in backend-webgpu\'s "polytensor.chromiumArgs"';
  try {
    if (!(await gpu.requestAdapter()))
      return 'no WebGPU adapter (navigator.gpu.requestAdapter() gave null): no usable GPU; headless Chromium without one needs the SwiftShader flags in backend-webgpu\'s "polytensor.chromiumArgs"';
  } catch (e) {
    return `no WebGPU adapter: ${message(e)}`;
  }
  return null;
}

/** The WebGPU adapter's description ('google swiftshader'), for the backend list. */
async function webgpuAdapter(): Promise<string | null> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }).gpu;
  const info = (await gpu?.requestAdapter().catch(() => null))?.info;
  if (!info) return null;
  return [info['vendor'], info['architecture'], info['description']].filter(Boolean).join(' ') || null;
}

interface Setup {
  impls: ImplSpec[];
  backends: BackendInfo[];
}

let setup: Promise<Setup> | null = null;

/** Load tfjs-webgl and our bundled backends, once per page. */
async function init(config: PageConfig): Promise<Setup> {
  tf.enableProdMode();
  const backends: BackendInfo[] = [];
  const noWebGPU = config.baselines.includes('webgpu') ? await webgpuMissing() : null;
  const adapter = config.baselines.includes('webgpu') && !noWebGPU ? await webgpuAdapter() : null;
  const tfUnavailable: Record<string, string | null> = {};
  for (const name of config.baselines) {
    let why: string | null = name === 'webgpu' ? noWebGPU : null;
    try {
      if (!why && !(await tf.setBackend(name))) why = `tfjs ${name} failed to initialise`;
    } catch (e) {
      why = `tfjs ${name}: ${message(e)}`;
    }
    tfUnavailable[name] = why;
    const detail = name === 'webgpu' && adapter ? { detail: `adapter: ${adapter}` } : {};
    backends.push({ environment: 'chromium', implementation: 'tfjs', backend: name, available: why === null, reason: why, ...detail });
  }

  const impls: ImplSpec[] = [];
  for (const b of config.backends) {
    let why = b.unavailable ?? (b.baseline === 'webgpu' ? noWebGPU : null);
    if (!why) {
      try {
        const load = loaders[b.name];
        if (!load) throw new Error(`@polytensor/backend-${b.name} is not bundled`);
        await load();
        await pt.setBackend(b.name);
      } catch (e) {
        why = `polytensor backend '${b.name}' did not initialise: ${message(e)}`;
      }
    }
    const detail = b.baseline === 'webgpu' && adapter && why === null ? { detail: `adapter: ${adapter}` } : {};
    backends.push({ environment: 'chromium', implementation: 'polytensor', backend: b.name, available: why === null, reason: why, ...detail });
    impls.push({
      implementation: 'polytensor',
      backend: b.name,
      environment: 'chromium',
      baseline: b.baseline,
      unavailable: why,
      async activate() {
        if (pt.activeBackendName() !== b.name) await pt.setBackend(b.name);
      },
    });
  }
  // beside gpujs: the naive gpu.js kernels some workloads have, from the gpu.js backend-gpujs bundles
  if (gpujs && config.backends.some((b) => b.name === 'gpujs' && b.unavailable === null)) {
    let GPU: GpuConstructor | null = null;
    let why: string | null = null;
    try {
      const mod = (await gpujs()) as { GPU?: GpuConstructor; default?: { GPU?: GpuConstructor } };
      GPU = mod.GPU ?? mod.default?.GPU ?? null;
      if (!GPU) why = 'gpu.js loaded without a GPU class';
    } catch (e) {
      why = `gpu.js did not load: ${message(e)}`;
    }
    backends.push({ environment: 'chromium', implementation: 'gpu.js', backend: 'naive', available: why === null, reason: why });
    impls.push({
      implementation: 'gpu.js',
      backend: 'naive',
      environment: 'chromium',
      baseline: null,
      unavailable: why,
      numerics: GPU_NUMERICS,
      covers: (w) => w.gpujs !== undefined,
      setup: (w, ctx) => w.gpujs!(ctx, GPU!),
      async activate() {},
    });
  }
  // The ratios compare GPU with GPU: tfjs runs with its CPU forwarding off (WEBGL_CPU_FORWARD,
  // WEBGPU_CPU_FORWARD: by default it computes ops on < 128 values whose inputs are not yet on the
  // GPU with its CPU kernels, which polytensor's GPU backends never do; docs/decisions.md).
  // Forwarding on, tfjs's default, is measured beside webgl on dispatch-add, the one row it
  // changes, as information.
  const forwardFlag: Readonly<Record<string, string>> = { webgl: 'WEBGL_CPU_FORWARD', webgpu: 'WEBGPU_CPU_FORWARD' };
  const tfjsGpu = (name: string, backend: string, forward: boolean, covers?: (w: Workload) => boolean): ImplSpec => ({
    implementation: 'tfjs',
    backend,
    environment: 'chromium',
    baseline: null,
    unavailable: tfUnavailable[name] ?? null,
    numerics: GPU_NUMERICS,
    ...(covers ? { covers } : {}),
    async activate() {
      if (tf.getBackend() !== name) await tf.setBackend(name);
      const flag = forwardFlag[name];
      if (flag) tf.env().set(flag, forward);
    },
  });
  for (const name of config.baselines) {
    impls.push(tfjsGpu(name, name, false));
    if (name === 'webgl' && !tfUnavailable[name]) {
      backends.push({ environment: 'chromium', implementation: 'tfjs', backend: TFJS_WEBGL_FORWARDING, available: true, reason: null });
      impls.push(tfjsGpu('webgl', TFJS_WEBGL_FORWARDING, true, (w) => w.id === 'dispatch-add'));
    }
  }
  return { impls, backends };
}

async function run(config: PageConfig): Promise<PageResult> {
  const progress = (window as unknown as BenchWindow).__benchProgress ?? (() => {});
  const { impls, backends } = await (setup ??= init(config));
  const withSkips = impls.map((i) => ({ ...i, skip: config.skip[`${i.implementation} ${i.backend}`] ?? {} }));
  const rows: Row[] = [];
  for (const id of config.workloads) rows.push(...(await runWorkload(workloadById(id), withSkips, config.timing, progress)));
  // a page that ran only WebGPU backends reports no WebGL renderer (its adapter is in the backend list)
  const ranWebgl = config.baselines.includes('webgl');
  return { rows, backends, webglRenderer: ranWebgl ? webglRenderer() : null, userAgent: navigator.userAgent };
}

(window as unknown as BenchWindow).polytensorBench = { run };
document.title = 'polytensor bench (ready)';
