/** The ratios of a run, from its rows (no Node-only imports: the playground's Compare tab derives them in the browser). */
import type { Ratio, Row } from './types.js';

/**
 * polytensor/tfjs ratios from the rows: ours median / tfjs median, per (workload, environment, backend);
 * where a workload has a naive gpu.js kernel beside gpujs, ours / naive; where ONNX Runtime ran it, ours / ONNX Runtime.
 */
export function deriveRatios(rows: readonly Row[]): Ratio[] {
  const out: Ratio[] = [];
  for (const r of rows) {
    if (r.implementation !== 'polytensor' || r.status !== 'ok' || r.medianMs === null || !r.baseline) continue;
    const sameRun = (x: Row): boolean => x.workload === r.workload && x.environment === r.environment;
    const others = [
      rows.find((x) => x.implementation === 'tfjs' && sameRun(x) && x.backend === r.baseline),
      r.backend === 'gpujs' ? rows.find((x) => x.implementation === 'gpu.js' && sameRun(x)) : undefined,
      ...rows.filter((x) => x.implementation === 'onnxruntime' && sameRun(x)),
    ];
    for (const t of others) {
      if (!t || t.implementation === 'polytensor') continue;
      const theirsMs = t.status === 'ok' ? t.medianMs : t.status === 'skipped' ? t.firstRunMs : null;
      if (theirsMs === null || theirsMs <= 0) continue;
      out.push({
        workload: r.workload,
        environment: r.environment,
        backend: r.backend,
        versus: t.implementation,
        baseline: t.backend,
        oursMs: r.medianMs,
        theirsMs,
        ratio: r.medianMs / theirsMs,
        approximate: t.status !== 'ok',
      });
    }
  }
  return out;
}
