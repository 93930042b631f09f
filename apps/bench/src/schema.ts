/**
 * A hand-written validator for latest.json (no schema library needed): returns
 * the list of problems, empty when the document matches `BenchResults`.
 */
import { IMPLEMENTATIONS, ROW_STATUSES, SCHEMA_ID } from './types.js';

type Check = (v: unknown) => boolean;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const numOrNull: Check = (v) => v === null || num(v);
const str: Check = (v) => typeof v === 'string';
const strOrNull: Check = (v) => v === null || str(v);
const bool: Check = (v) => typeof v === 'boolean';
const boolOrNull: Check = (v) => v === null || bool(v);
const oneOf =
  (xs: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && xs.includes(v);
const arrayOf =
  (c: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(c);

/** Checks each field of `spec`; those in `optional` may be absent (fields added since schema 1 began: older files lack them). */
function fields(where: string, o: unknown, spec: Record<string, Check>, problems: string[], optional: readonly string[] = []): void {
  if (!isObj(o)) {
    problems.push(`${where}: expected an object`);
    return;
  }
  for (const [k, c] of Object.entries(spec)) {
    if (!(k in o)) {
      if (!optional.includes(k)) problems.push(`${where}.${k}: missing`);
    } else if (!c(o[k])) problems.push(`${where}.${k}: bad value ${JSON.stringify(o[k])?.slice(0, 80)}`);
  }
}

const PROFILE: Record<string, Check> = {
  workload: str,
  backend: str,
  runs: num,
  runMs: num,
  kernels: arrayOf((k) => isObj(k) && str(k['kernel']) && str(k['op']) && str(k['shapes']) && num(k['calls']) && num(k['ms'])),
};

const GATE: Record<string, Check> = { passed: bool, rule: str, worst: (v) => typeof v === 'number' && !Number.isNaN(v), detail: str };

export function validateResults(doc: unknown): string[] {
  const p: string[] = [];
  fields(
    '$',
    doc,
    {
      schema: (v) => v === SCHEMA_ID,
      date: (v) => str(v) && !Number.isNaN(Date.parse(v as string)),
      quick: bool,
      durationS: num,
      command: str,
      machine: isObj,
      backends: Array.isArray,
      workloads: Array.isArray,
      rows: Array.isArray,
      ratios: Array.isArray,
    },
    p,
  );
  if (p.length || !isObj(doc)) return p;
  fields(
    '$.machine',
    doc['machine'],
    {
      cpuModel: str,
      cores: num,
      memoryGiB: num,
      platform: str,
      arch: str,
      node: str,
      chromium: strOrNull,
      webglRenderer: strOrNull,
      tfjs: str,
      loadAverage: (v) => v === null || (isObj(v) && num(v['start']) && num(v['end'])),
    },
    p,
  );
  (doc['backends'] as unknown[]).forEach((b, i) =>
    fields(
      `$.backends[${i}]`,
      b,
      { environment: oneOf(['node', 'chromium']), implementation: oneOf(IMPLEMENTATIONS), backend: str, available: bool, reason: strOrNull, detail: str },
      p,
      ['detail'],
    ),
  );
  (doc['workloads'] as unknown[]).forEach((w, i) => fields(`$.workloads[${i}]`, w, { id: str, title: str, description: str }, p));
  (doc['rows'] as unknown[]).forEach((r, i) => {
    const where = `$.rows[${i}]`;
    fields(
      where,
      r,
      {
        workload: str,
        backend: str,
        implementation: oneOf(IMPLEMENTATIONS),
        environment: oneOf(['node', 'chromium']),
        baseline: strOrNull,
        status: oneOf(ROW_STATUSES),
        reason: strOrNull,
        medianMs: numOrNull,
        minMs: numOrNull,
        maxMs: numOrNull,
        repeats: num,
        warmup: num,
        samplesMs: arrayOf(num),
        cpuMs: numOrNull,
        firstRunMs: numOrNull,
        limitMs: numOrNull,
        gatePassed: boolOrNull,
        gate: (v) => v === null || isObj(v),
        throughput: (v) => v === null || (isObj(v) && num(v['value']) && str(v['unit'])),
        gflops: numOrNull,
      },
      p,
      ['cpuMs', 'gflops'],
    );
    if (!isObj(r)) return;
    if (r['gate'] !== null) fields(`${where}.gate`, r['gate'], GATE, p);
    // consistency: only ok rows carry timings; a failed gate is never timed
    if (r['status'] === 'ok') {
      if (r['gatePassed'] !== true) p.push(`${where}: status ok but the gate did not pass`);
      if (!num(r['medianMs']) || !num(r['minMs']) || !num(r['maxMs'])) p.push(`${where}: status ok without median/min/max`);
      else if (!((r['minMs'] as number) <= (r['medianMs'] as number) && (r['medianMs'] as number) <= (r['maxMs'] as number)))
        p.push(`${where}: min ≤ median ≤ max violated`);
      if (r['repeats'] !== (r['samplesMs'] as unknown[]).length || (r['repeats'] as number) < 1)
        p.push(`${where}: repeats must equal the number of samples (≥ 1)`);
    } else if (r['medianMs'] !== null) {
      p.push(`${where}: status ${String(r['status'])} must not carry a median`);
    }
    if (r['status'] === 'gate-failed' && r['gatePassed'] !== false) p.push(`${where}: gate-failed row must have gatePassed false`);
    if (r['implementation'] === 'polytensor' && !str(r['baseline'])) p.push(`${where}: a polytensor row names its tfjs baseline`);
  });
  (doc['ratios'] as unknown[]).forEach((q, i) =>
    fields(
      `$.ratios[${i}]`,
      q,
      {
        workload: str,
        environment: oneOf(['node', 'chromium']),
        backend: str,
        versus: oneOf(['tfjs', 'gpu.js', 'onnxruntime']),
        baseline: str,
        oursMs: num,
        theirsMs: num,
        ratio: num,
        approximate: bool,
      },
      p,
      ['versus'],
    ),
  );
  if ('profiles' in doc) {
    if (!Array.isArray(doc['profiles'])) p.push('$.profiles: expected an array');
    else doc['profiles'].forEach((q, i) => fields(`$.profiles[${i}]`, q, PROFILE, p));
  }
  return p;
}
