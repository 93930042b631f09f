/**
 * The Certify worker: runs @polytensor/conformance on each requested backend,
 * posting progress per case (at most every 100 ms) and each backend's report
 * as table rows plus the suite's JSON. The suite runs here, not in the page,
 * so the page stays responsive; Stop terminates this worker.
 */
import {
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

async function certify(backend: string, filter: string): Promise<void> {
  const selection = filter.trim() ? { filter } : {};
  const total = selectCases(selection).length;
  post({ type: 'start', backend, total });
  let resolved: Awaited<ReturnType<typeof resolveBackend>>;
  try {
    resolved = await resolveBackend(backend, importBackend);
  } catch (e) {
    post({ type: 'unavailable', backend, reason: message(e) });
    return;
  }
  let done = 0;
  let last = 0;
  let report: Awaited<ReturnType<typeof runConformance>>;
  try {
    report = await runConformance(resolved.factory, {
      ...selection,
      disposeBackend: resolved.owned,
      onResult: (c) => {
        done++;
        const t = performance.now();
        if (t - last < 100) return;
        last = t;
        post({ type: 'progress', backend, done, total, kernel: `${c.kind} ${c.op}` });
      },
    });
  } catch (e) {
    // the factory failing (no WebGL here, …) ends this backend's run before any case: it cannot run in this browser
    if (done === 0) post({ type: 'unavailable', backend, reason: message(e) });
    else throw e;
    return;
  }
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
    for (const backend of e.data.backends) await certify(backend, e.data.filter);
    post({ type: 'finished' });
  } catch (err) {
    post({ type: 'error', message: message(err) });
  }
};
