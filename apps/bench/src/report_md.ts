/**
 * The Markdown report: one row per (our backend, workload) with polytensor and
 * tfjs figures side by side, the ratio and the gate. Long reasons go to
 * footnotes so the table stays readable.
 */
import { formatMs, formatSpread } from './stats.js';
import { backendLabel, threadSetting } from './threads.js';
import { TFJS_WEBGL_FORWARDING, type BenchResults, type Row } from './types.js';

/** A row pairing one polytensor backend with its tfjs baseline on one workload. */
export interface Pair {
  workload: string;
  environment: Row['environment'];
  backend: string;
  baseline: string;
  ours: Row | null;
  tfjs: Row | null;
}

/** Pairs in report order: by environment and backend, then workload order. */
export function pairs(r: BenchResults): Pair[] {
  const out: Pair[] = [];
  const keys: Array<{ environment: Row['environment']; backend: string; baseline: string }> = [];
  for (const row of r.rows) {
    if (row.implementation !== 'polytensor') continue;
    if (!keys.some((k) => k.environment === row.environment && k.backend === row.backend)) {
      keys.push({ environment: row.environment, backend: row.backend, baseline: row.baseline ?? '' });
    }
  }
  for (const k of keys) {
    for (const w of r.workloads) {
      const ours =
        r.rows.find((x) => x.implementation === 'polytensor' && x.workload === w.id && x.environment === k.environment && x.backend === k.backend) ?? null;
      const tfjs =
        r.rows.find((x) => x.implementation === 'tfjs' && x.workload === w.id && x.environment === k.environment && x.backend === k.baseline) ?? null;
      if (ours || tfjs) out.push({ workload: w.id, ...k, ours, tfjs });
    }
  }
  return out;
}

/** A polytensor row beside a reference implementation of the same workload: the naive gpu.js kernel, or ONNX Runtime. */
export interface ReferencePair {
  workload: string;
  environment: Row['environment'];
  ours: Row;
  ref: Row;
}

/** Each `implementation` row with the polytensor rows it is compared with (those `ours` accepts). */
function referencePairs(r: BenchResults, implementation: Row['implementation'], ours: (x: Row) => boolean): ReferencePair[] {
  return r.rows.flatMap((ref) => {
    if (ref.implementation !== implementation) return [];
    return r.rows
      .filter((x) => x.implementation === 'polytensor' && ours(x) && x.workload === ref.workload && x.environment === ref.environment)
      .map((o) => ({ workload: ref.workload, environment: ref.environment, ours: o, ref }));
  });
}

/** polytensor's gpujs rows beside the naive gpu.js kernels (Chromium). */
export const naivePairs = (r: BenchResults): ReferencePair[] => referencePairs(r, 'gpu.js', (x) => x.backend === 'gpujs');

/** Every Node polytensor row beside ONNX Runtime running the same model (inference workloads). */
export const onnxPairs = (r: BenchResults): ReferencePair[] => referencePairs(r, 'onnxruntime', () => true);

/** The ratio of a pair: against tfjs, (`versus: 'gpu.js'`) against the naive gpu.js kernel, or against ONNX Runtime. */
export function ratioOf(
  r: BenchResults,
  p: Pick<Pair, 'workload' | 'environment' | 'backend'>,
  versus: 'tfjs' | 'gpu.js' | 'onnxruntime' = 'tfjs',
  baseline?: string,
): { ratio: number; approximate: boolean } | null {
  // files written before `versus` existed hold tfjs ratios only
  const q = r.ratios.find(
    (x) =>
      x.workload === p.workload &&
      x.environment === p.environment &&
      x.backend === p.backend &&
      (x.versus ?? 'tfjs') === versus &&
      (baseline === undefined || x.baseline === baseline),
  );
  return q ? { ratio: q.ratio, approximate: q.approximate } : null;
}

/** A pair's backend column: "ts (1 thread) ↔ tfjs cpu (Node)". */
export const pairLabel = (p: Pair): string => `${backendLabel(p.backend)} ↔ tfjs ${p.baseline} (${envLabel(p.environment)})`;

/** The ratio column: measured, approximate (≈, tfjs timed once), an upper bound (<, tfjs stopped), or why none. */
export function ratioText(r: BenchResults, p: Pair): string {
  const q = ratioOf(r, p);
  if (q) return `${q.approximate ? '≈ ' : ''}${formatRatio(q.ratio)}`;
  if (p.ours?.status === 'gate-failed') return 'wrong';
  if (p.ours?.status === 'ok' && p.tfjs?.status === 'skipped' && p.tfjs.firstRunMs === null && p.tfjs.limitMs) {
    return `< ${formatRatio(p.ours.medianMs! / p.tfjs.limitMs)}`;
  }
  return '–';
}

/** GFLOP/s to three significant digits at most (0.0123, 1.23, 12.3, 123). */
export const formatGflops = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : String(Number(x.toPrecision(3))));

export const formatRatio = (x: number): string =>
  x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 0.1 ? x.toFixed(2) : String(Number(x.toPrecision(2)));

/** A cell's text for a row, and a footnote when the reason is long. */
export function cell(row: Row | null, note: (text: string) => string): string {
  if (!row) return '—';
  switch (row.status) {
    case 'ok': {
      // with --threads, the CPU time shows what the extra threads cost
      const cpu = row.cpuMs != null && threadSetting(row.backend) !== null ? `, CPU ${formatMs(row.cpuMs)}` : '';
      // the rate of the products and convolutions (flops.ts), to set against the machine's peak
      const time = row.gflops != null ? `${formatMs(row.medianMs!)} · ${formatGflops(row.gflops)} GFLOP/s` : formatMs(row.medianMs!);
      const base = row.repeats === 1 ? `${time} (1 run${cpu})` : `${time} (${formatSpread(row.medianMs!, row.minMs!, row.maxMs!)}, n=${row.repeats}${cpu})`;
      return row.reason ? `${base}${note(row.reason)}` : base;
    }
    case 'gate-failed':
      return `**WRONG** (gate failed, not timed)${note(row.gate?.detail ?? row.reason ?? '')}`;
    case 'unavailable':
      return `${/not installed/.test(row.reason ?? '') ? 'not installed' : 'unavailable'}${note(row.reason ?? '')}`;
    case 'unsupported':
      return `cannot run${note(row.reason ?? '')}`;
    case 'skipped':
      return row.firstRunMs !== null
        ? `1 run: ${formatMs(row.firstRunMs)} (too slow to repeat)${note(row.reason ?? '')}`
        : `> ${formatMs(row.limitMs ?? 0)} (stopped)${note(row.reason ?? '')}`;
    case 'error':
      return `error${note(row.reason ?? '')}`;
  }
}

export function gateCell(row: Row | null): string {
  if (!row || row.gatePassed === null) return '–';
  const w = row.gate!.worst;
  return `${row.gatePassed ? '✓' : '✗'} ${w === 0 ? 'exact' : w < 1e-3 ? w.toExponential(0) : w.toPrecision(2)}`;
}

export const envLabel = (e: Row['environment']): string => (e === 'node' ? 'Node' : 'Chromium');

export function machineLine(r: Pick<BenchResults, 'machine'>): string {
  const m = r.machine;
  return (
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.platform}-${m.arch}; Node ${m.node}` +
    (m.chromium ? `; ${m.chromium}${m.webglRenderer ? ` (WebGL: ${m.webglRenderer})` : ''}` : '') +
    `; tfjs ${m.tfjs}` +
    (m.loadAverage ? `; load average ${m.loadAverage.start} → ${m.loadAverage.end} (1 min, ${m.cores} cores)` : '')
  );
}

/**
 * `Sequential.fit`'s epoch against the explicit loop's, per polytensor backend
 * with both rows measured: `<model>-fit`'s median over `<model>-loop`'s, and
 * each per step.
 */
export function fitOverheads(
  r: BenchResults,
): Array<{ model: string; environment: Row['environment']; backend: string; fitMs: number; loopMs: number; ratio: number }> {
  return r.rows.flatMap((fit) => {
    const m = /^(.*)-fit$/.exec(fit.workload);
    if (!m || fit.implementation !== 'polytensor' || fit.status !== 'ok' || !fit.throughput) return [];
    const steps = (fit.throughput.value * fit.medianMs!) / 1000;
    const step = r.rows.find(
      (x) =>
        x.implementation === 'polytensor' &&
        x.workload === `${m[1]}-loop` &&
        x.environment === fit.environment &&
        x.backend === fit.backend &&
        x.status === 'ok',
    );
    if (!step) return [];
    return [
      {
        model: m[1]!,
        environment: fit.environment,
        backend: fit.backend,
        fitMs: fit.medianMs! / steps,
        loopMs: step.medianMs! / steps,
        ratio: fit.medianMs! / step.medianMs!,
      },
    ];
  });
}

export function toMarkdown(r: BenchResults): string {
  const notes: string[] = [];
  const note = (text: string): string => {
    if (!text) return '';
    let i = notes.indexOf(text);
    if (i < 0) i = notes.push(text) - 1;
    return ` [^${i + 1}]`;
  };
  const lines: string[] = [];
  lines.push(
    `Measured ${r.date.slice(0, 10)} (${r.date.slice(11, 16)} UTC)${r.quick ? ' in **--quick** mode (tiny sizes; not representative)' : ''} on ${machineLine(r)}.`,
    '',
    'Median of the timed runs, with the spread (min/max relative to the median) and the number of runs; ' +
      '**ratio = polytensor median / tfjs median (below 1: polytensor is faster)**; ≈: tfjs ran once; <: tfjs was stopped at the cap. ' +
      'Gate: the output checked against a float64 reference before timing (✓/✗ and the worst error as a fraction of the allowed bound); a wrong output is never timed.',
    '',
    '| workload | backend | polytensor median (spread) | tfjs median (spread) | ratio | gate (ours / tfjs) |',
    '|---|---|---|---|---:|---|',
  );
  for (const p of pairs(r)) {
    const ratio = ratioText(r, p);
    lines.push(`| ${p.workload} | ${pairLabel(p)} | ${cell(p.ours, note)} | ${cell(p.tfjs, note)} | ${ratio} | ${gateCell(p.ours)} / ${gateCell(p.tfjs)} |`);
  }
  lines.push('');
  const overheads = fitOverheads(r);
  if (overheads.length) {
    lines.push(
      "Sequential.fit against the explicit loop on the same batches (`<model>-fit` median ÷ `<model>-loop` median; 1: fit costs nothing beyond the loop's steps):",
      '',
      '| model | backend | fit, per step | explicit loop, per step | ratio |',
      '|---|---|---|---|---:|',
      ...overheads.map(
        (o) =>
          `| ${o.model} | ${backendLabel(o.backend)} (${envLabel(o.environment)}) | ${formatMs(o.fitMs)} | ${formatMs(o.loopMs)} | ${formatRatio(o.ratio)} |`,
      ),
      '',
    );
  }
  const naive = naivePairs(r);
  if (naive.length) {
    lines.push(
      'Against the naive gpu.js kernel (one thread per output element, a loop over k; ratio = gpujs median / naive median):',
      '',
      '| workload | backend | gpujs median (spread) | naive gpu.js median (spread) | ratio | gate (gpujs / naive) |',
      '|---|---|---|---|---:|---|',
    );
    for (const p of naive) {
      const q = ratioOf(r, { ...p, backend: 'gpujs' }, 'gpu.js');
      lines.push(
        `| ${p.workload} | gpujs ↔ naive gpu.js (${envLabel(p.environment)}) | ${cell(p.ours, note)} | ${cell(p.ref, note)} | ${q ? formatRatio(q.ratio) : '–'} | ${gateCell(p.ours)} / ${gateCell(p.ref)} |`,
      );
    }
    lines.push('');
  }
  const forwarding = r.rows.filter((x) => x.implementation === 'tfjs' && x.backend === TFJS_WEBGL_FORWARDING);
  if (forwarding.length) {
    lines.push(
      "tfjs webgl as it runs by default, with its CPU forwarding on (ops on < 128 values whose inputs are not yet on the GPU run on tfjs's CPU kernels); " +
        'information only: the ratios above compare GPU with GPU, tfjs webgl with forwarding off:',
      '',
      '| workload | tfjs webgl, forwarding off (in the ratio) | tfjs webgl, forwarding on | polytensor median / forwarding on, per backend |',
      '|---|---|---|---|',
    );
    for (const f of forwarding) {
      const off = r.rows.find((x) => x.implementation === 'tfjs' && x.backend === 'webgl' && x.workload === f.workload && x.environment === f.environment);
      const ours = r.rows.filter(
        (x) => x.implementation === 'polytensor' && x.baseline === 'webgl' && x.workload === f.workload && x.environment === f.environment,
      );
      const versus = ours
        .map((o) => `${backendLabel(o.backend)} ${o.status === 'ok' && f.status === 'ok' && f.medianMs ? formatRatio(o.medianMs! / f.medianMs) : '–'}`)
        .join(', ');
      lines.push(`| ${f.workload} | ${off ? cell(off, note) : '–'} | ${cell(f, note)} | ${versus || '–'} |`);
    }
    lines.push('');
  }
  const anchored = onnxPairs(r);
  if (anchored.length) {
    lines.push(
      'Against ONNX Runtime running the same model exported with @polytensor/onnx: onnxruntime-node (cpu: the native CPU execution provider) and onnxruntime-web (wasm: its WebAssembly execution provider, in Node) (ratio = polytensor median / ONNX Runtime median):',
      '',
      '| workload | backend | polytensor median (spread) | ONNX Runtime median (spread) | ratio | gate (ours / ONNX Runtime) |',
      '|---|---|---|---|---:|---|',
    );
    for (const p of anchored) {
      const q = ratioOf(r, { ...p, backend: p.ours.backend }, 'onnxruntime', p.ref.backend);
      lines.push(
        `| ${p.workload} | ${backendLabel(p.ours.backend)} ↔ ONNX Runtime ${p.ref.backend} (${envLabel(p.environment)}) | ${cell(p.ours, note)} | ${cell(p.ref, note)} | ${q ? formatRatio(q.ratio) : '–'} | ${gateCell(p.ours)} / ${gateCell(p.ref)} |`,
      );
    }
    lines.push('');
  }
  if (notes.length) {
    notes.forEach((n, i) => lines.push(`[^${i + 1}]: ${n.replace(/\|/g, '\\|')}`));
    lines.push('');
  }
  lines.push(`Workloads: ${r.workloads.map((w) => `\`${w.id}\`: ${w.description}`).join('; ')}.`, '');
  return lines.join('\n');
}

/** --profile's report: per workload and backend, the kernels that take the most time in one run. */
export function toProfileMarkdown(r: BenchResults, top = 15): string {
  const lines = [`Kernel profiles, ${r.date.slice(0, 10)} (${r.date.slice(11, 16)} UTC)${r.quick ? ', **--quick** sizes' : ''}, on ${machineLine(r)}.`, ''];
  lines.push(
    "Each kernel call the engine makes, timed on its way to the backend (core's composites count as the kernel they stand for), " +
      'averaged over the profiled runs after one untimed run; rows are call sites: kernel, op and input shapes.',
    '',
  );
  for (const p of r.profiles ?? []) {
    const kernelMs = p.kernels.reduce((a, k) => a + k.ms, 0);
    const calls = Number(p.kernels.reduce((a, k) => a + k.calls, 0).toFixed(2));
    lines.push(
      `### ${p.workload} on ${backendLabel(p.backend)}`,
      '',
      `${formatMs(p.runMs)} per run (${p.runs} run${p.runs > 1 ? 's' : ''}); kernels ${formatMs(kernelMs)} in ${calls} call${calls === 1 ? '' : 's'}, the rest is core (dispatch, autodiff, validation) and reads.`,
      '',
      '| ms per run | share | calls | kernel | op | input shapes |',
      '|---:|---:|---:|---|---|---|',
      ...p.kernels
        .slice(0, top)
        .map((k) => `| ${k.ms.toFixed(3)} | ${((k.ms / p.runMs) * 100).toFixed(1)}% | ${Number(k.calls.toFixed(2))} | ${k.kernel} | ${k.op} | ${k.shapes} |`),
    );
    if (p.kernels.length > top)
      lines.push(
        `| ${p.kernels
          .slice(top)
          .reduce((a, k) => a + k.ms, 0)
          .toFixed(3)} | | | ${p.kernels.length - top} more call sites | | |`,
      );
    lines.push('');
  }
  return lines.join('\n');
}
