/**
 * The Compare worker: the bench's workloads and runner (through the bench's
 * browser-safe entry) on each ticked polytensor backend beside its TensorFlow.js
 * counterpart, interleaved per workload as the bench does. Every output is
 * gated against the float64 reference before it is timed.
 */
import {
  type BackendInfo,
  deriveRatios,
  FULL_TIMING,
  type ImplSpec,
  QUICK_TIMING,
  type Row,
  runWorkload,
  WORKLOADS,
  workloadById,
} from '@polytensor/bench/in-browser';
import '@polytensor/backend-ts';
import '@polytensor/backend-wasm';
import '@polytensor/backend-webgl';
import * as pt from '@polytensor/core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgl';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { type CompareEvent, type CompareRequest, PAIRS, type RunRequest, type PairBackend } from './protocol.js';

const post = (msg: CompareEvent): void => self.postMessage(msg);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/** Initialise each polytensor backend and its tfjs partner; a pair side that fails is reported unavailable, with why. */
async function implementations(backends: readonly PairBackend[], failBackend: string | null): Promise<{ impls: ImplSpec[]; infos: BackendInfo[] }> {
  tf.enableProdMode();
  const impls: ImplSpec[] = [];
  const infos: BackendInfo[] = [];
  const ours = new Map<PairBackend, string | null>();
  // polytensor first: backend-wasm points tfjs-backend-wasm at its own (revoked) blob while it loads, so tfjs's paths are set after
  for (const b of backends) {
    let why: string | null = null;
    try {
      if (b === failBackend) throw new Error(`initialisation failed (injected by ?fail=backend:${b})`);
      await pt.setBackend(b);
    } catch (e) {
      why = `polytensor backend '${b}' did not initialise: ${message(e)}`;
    }
    ours.set(b, why);
  }
  setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });
  for (const b of backends) {
    const theirs = PAIRS[b];
    let tfWhy: string | null = null;
    try {
      if (!(await tf.setBackend(theirs))) tfWhy = `tfjs ${theirs} failed to initialise`;
    } catch (e) {
      tfWhy = `tfjs ${theirs}: ${message(e)}`;
    }
    const why = ours.get(b)!;
    infos.push({ environment: 'chromium', implementation: 'polytensor', backend: b, available: why === null, reason: why });
    infos.push({ environment: 'chromium', implementation: 'tfjs', backend: theirs, available: tfWhy === null, reason: tfWhy });
    impls.push(
      {
        implementation: 'polytensor',
        backend: b,
        environment: 'chromium',
        baseline: theirs,
        unavailable: why,
        async activate() {
          if (pt.activeBackendName() !== b) await pt.setBackend(b);
        },
      },
      {
        implementation: 'tfjs',
        backend: theirs,
        environment: 'chromium',
        baseline: null,
        unavailable: tfWhy,
        async activate() {
          if (tf.getBackend() !== theirs) await tf.setBackend(theirs);
        },
      },
    );
  }
  return { impls, infos };
}

async function compare(req: RunRequest): Promise<void> {
  // unknown ids fail here, before anything runs, with the list of valid ones
  const workloads = req.workloads.map(workloadById);
  const { impls, infos } = await implementations(req.backends, req.failBackend);
  post({ type: 'ready', backends: infos });
  const timing = req.quick ? QUICK_TIMING : FULL_TIMING;
  const rows: Row[] = [];
  for (const [index, w] of workloads.entries()) {
    rows.push(...(await runWorkload(w, impls, timing, (event) => post({ type: 'progress', index, event }))));
    post({ type: 'rows', index, rows, ratios: deriveRatios(rows) });
  }
}

self.onmessage = async (e: MessageEvent<CompareRequest>) => {
  try {
    if (e.data.type === 'list') {
      post({ type: 'workloads', list: WORKLOADS.map((w) => ({ id: w.id, title: w.title, quick: w.description(true), full: w.description(false) })) });
      return;
    }
    await compare(e.data);
    post({ type: 'finished' });
  } catch (err) {
    post({ type: 'error', message: message(err) });
  }
};
