/** Messages between the Compare tab (tab.ts) and its worker (worker.ts). */
import type { BackendInfo, ProgressEvent, Ratio, Row } from '@polytensor/bench/in-browser';

/** polytensor backend → the tfjs backend it is compared with (the bench's pairs). */
export const PAIRS = { wasm: 'wasm', webgl: 'webgl', ts: 'cpu' } as const;
export type PairBackend = keyof typeof PAIRS;

/** The workloads ticked by default: a short set (a product, an elementwise op, softmax, a training step, an inference). */
export const DEFAULT_WORKLOADS = ['matmul-256', 'add-1m', 'softmax-1k', 'mlp-train', 'mlp-infer'] as const;

/** A workload as the tab lists it. */
export interface WorkloadEntry {
  id: string;
  title: string;
  /** What one timed run does, at quick and at full sizes. */
  quick: string;
  full: string;
}

export type CompareRequest = { type: 'list' } | RunRequest;

export interface RunRequest {
  type: 'run';
  backends: PairBackend[];
  workloads: string[];
  /** The bench's --quick: tiny sizes and few repeats (a smoke test); otherwise its full sizes and timing. */
  quick: boolean;
  /** A polytensor backend whose initialisation fails on purpose (the page's `?fail=backend:<name>`), or null. */
  failBackend: string | null;
}

export type CompareEvent =
  | { type: 'workloads'; list: WorkloadEntry[] }
  | { type: 'ready'; backends: BackendInfo[] }
  | { type: 'progress'; index: number; event: ProgressEvent }
  /** After each workload: every row so far and the ratios derived from them. */
  | { type: 'rows'; index: number; rows: Row[]; ratios: Ratio[] }
  | { type: 'finished' }
  | { type: 'error'; message: string };
