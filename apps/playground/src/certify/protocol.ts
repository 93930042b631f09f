/** Messages between the Certify tab (tab.ts) and its worker (worker.ts). */

export type CertifyRequest = {
  type: 'run';
  /** Backends to certify, in order. */
  backends: string[];
  /** Only these kernels (the CLI's --filter: comma-separated ops or kernel names); empty for all. */
  filter: string;
  /** A backend whose initialisation fails on purpose (the page's `?fail=backend:<name>`), or null. */
  failBackend: string | null;
};

/** One row of the per-kernel table, formatted in the worker (the page never loads the suite's code). */
export interface CertifyRow {
  /** 'exp', 'exp (grad)', 'softmax (composite)'. */
  label: string;
  kind: string;
  cases: number;
  failed: number;
  /** 'pass', 'FAIL 2/6' or 'skipped'. */
  verdict: string;
  /** Worst error as a fraction of its bound (0 exact, ≤ 1 passes); null when no case ran. */
  fraction: number | null;
  /** The worst error in its unit: '0.501 ULP', 'exact', '3e-4 of bound'. */
  worst: string;
  /** The bound in words: '≤ 2 ULP', 'γ_n·Σ|term|'. */
  bound: string;
  /** `case: message` of each failing case. */
  failures: string[];
}

export type CertifyEvent =
  | { type: 'start'; backend: string; total: number }
  | { type: 'progress'; backend: string; done: number; total: number; kernel: string }
  | {
      type: 'report';
      backend: string;
      numerics: string;
      rows: CertifyRow[];
      passed: number;
      failed: number;
      skipped: number;
      ms: number;
      /** The suite's own JSON of the report (reportToJson), for the export. */
      json: string;
    }
  | { type: 'unavailable'; backend: string; reason: string }
  | { type: 'finished' }
  | { type: 'error'; message: string };
