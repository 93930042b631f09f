/**
 * The Certify worker: runs @polytensor/conformance on each requested backend,
 * posting progress per case (at most every 100 ms) and each backend's report
 * as table rows plus the suite's JSON. The suite runs here, not in the page,
 * so the page stays responsive; Stop terminates this worker.
 */
import type { Backend } from '@polytensor/core';
import {
  compositeApplies,
  describeBound,
  describeNumerics,
  formatError,
  type KernelRow,
  reportToJson,
  resolveBackend,
  rowLabel,
  rowStatus,
  runConformance,
  selectCases,
} from '@polytensor/conformance';
import type { CertifyEvent, CertifyRequest, CertifyRow } from './protocol.js';

const post = (msg: CertifyEvent): void => self.postMessage(msg);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Each backend package is its own chunk, fetched when its turn comes. */
const PACKAGES: Record<string, () => Promise<unknown>> = {
  '@polytensor/backend-wasm': () => import('@polytensor/backend-wasm'),
  '@polytensor/backend-webgl': () => import('@polytensor/backend-webgl'),
  '@polytensor/backend-ts': () => import('@polytensor/backend-ts'),
};

async function importBackend(pkg: string): Promise<unknown> {
  const load = PACKAGES[pkg];
  if (!load) throw new Error(`${pkg} is not bundled with the playground (bundled: ${Object.keys(PACKAGES).join(', ')}): not found`);
  return load();
}

/** Worst error as a fraction of its bound: a bound of 0 means exact, so any error is infinitely over. */
function fraction(row: KernelRow): number | null {
  if (row.passed + row.failed === 0) return null;
  if (row.bound === 0) return row.worst === 0 ? 0 : Number.POSITIVE_INFINITY;
  return row.worst / row.bound;
}

function tableRow(row: KernelRow): CertifyRow {
  const ran = row.passed + row.failed > 0;
  return {
    label: rowLabel(row),
    kind: row.kind,
    cases: row.cases,
    failed: row.failed,
    verdict: rowStatus(row),
    fraction: fraction(row),
    worst: ran ? formatError(row) : '–',
    bound: describeBound(row),
    failures: [...row.failures],
  };
}

async function certify(backend: string, filter: string, failBackend: string | null): Promise<void> {
  // a filter naming no kernel throws here, before any backend starts
  const selected = selectCases(filter.trim() ? { filter } : {});
  let instance: Backend;
  let owned: boolean;
  try {
    if (backend === failBackend) throw new Error(`${backend} backend: initialisation failed (injected by ?fail=backend:${backend})`);
    const resolved = await resolveBackend(backend, importBackend);
    instance = await resolved.factory();
    owned = resolved.owned;
  } catch (e) {
    // no WebGL here, no WebAssembly, …: this backend cannot run in this browser
    post({ type: 'unavailable', backend, reason: message(e) });
    return;
  }
  // composite checks run only where the backend has its own kernel: count what will run, for the progress bar
  const cases = selected.filter((c) => compositeApplies(c, instance));
  const total = cases.length;
  post({ type: 'start', backend, total });
  let done = 0;
  let last = 0;
  const report = await runConformance(() => instance, {
    cases,
    disposeBackend: owned,
    onResult: (c) => {
      done++;
      const t = performance.now();
      if (t - last < 100) return;
      last = t;
      post({ type: 'progress', backend, done, total, kernel: `${c.kind} ${c.op}` });
    },
  });
  post({
    type: 'report',
    backend,
    numerics: describeNumerics(report.numerics),
    rows: report.rows.map(tableRow),
    passed: report.passed,
    failed: report.failed,
    skipped: report.skipped,
    ms: report.ms,
    json: reportToJson(report),
  });
}

self.onmessage = async (e: MessageEvent<CertifyRequest>) => {
  try {
    for (const backend of e.data.backends) await certify(backend, e.data.filter, e.data.failBackend);
    post({ type: 'finished' });
  } catch (err) {
    post({ type: 'error', message: message(err) });
  }
};
