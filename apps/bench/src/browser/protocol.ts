/** What the CLI sends the page and what the page sends back. */
import type { ProgressEvent, Timing } from '../runner.js';
import type { BackendInfo, Row } from '../types.js';

export interface PageConfig {
  quick: boolean;
  workloads: string[];
  /** polytensor browser backends selected, with why each is unavailable (null when its package is bundled). */
  backends: Array<{ name: string; unavailable: string | null; baseline: string }>;
  /** The tfjs backends to set up (webgl, webgpu): the baselines of `backends`. */
  baselines: string[];
  timing: Timing;
  /** Per implementation ("tfjs webgl"), workloads to report as skipped (after the driver had to stop a run). */
  skip: Record<string, Record<string, { reason: string; limitMs: number }>>;
}

export interface PageResult {
  rows: Row[];
  backends: BackendInfo[];
  webglRenderer: string | null;
  userAgent: string;
}

/** Globals the page defines and the driver calls. */
export interface BenchWindow {
  polytensorBench?: { run(config: PageConfig): Promise<PageResult> };
  __benchProgress?: (e: ProgressEvent) => void;
}
