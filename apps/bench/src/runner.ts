/**
 * Runs one workload on a group of implementations (polytensor backends and the
 * tfjs backend they are compared with), in Node or in the browser page:
 *
 * 1. set up each implementation on its backend; a library that cannot run the
 *    workload there is reported `unsupported`, with the reason;
 * 2. the gate: one run whose output is compared with the float64 reference.
 *    A wrong output is reported `gate-failed` and never timed;
 * 3. warm-up runs, then timed repeats, interleaved across the group
 *    (A, B, A, B, …) so that machine drift hits every implementation alike.
 *    Repeats adapt to a time budget; very slow implementations get fewer.
 */
import { numericsFor, type Numerics } from './gate.js';
import { formatMs, formatSpread, median } from './stats.js';
import type { Environment, GateResult, Implementation, Row } from './types.js';
import { gflopsOf } from './flops.js';
import { throughputOf, type Ctx, type Handle, type Workload } from './workloads.js';

export interface ImplSpec {
  implementation: Implementation;
  backend: string;
  environment: Environment;
  /** polytensor rows: the tfjs backend they are compared with. */
  baseline: string | null;
  /** Why it cannot run at all (not installed, failed to initialise); null when it can. */
  unavailable: string | null;
  /** Make this implementation's backend the active one (called before setup and before every run, untimed). */
  activate(): Promise<void>;
  /** Set the workload up on this implementation (default: its polytensor or tfjs side). */
  setup?: (w: Workload, ctx: Ctx) => Handle | Promise<Handle>;
  /** Whether this implementation has a version of `w` at all (default: yes); no row when not. */
  covers?: (w: Workload) => boolean;
  /** The rounding it is judged by (default: by backend name, see numericsFor). */
  numerics?: Numerics;
  /**
   * Run the gate somewhere it can be stopped (a worker thread), giving up after
   * `limitMs`: for libraries whose kernels can take minutes (tfjs cpu).
   */
  guard?: (workload: string, quick: boolean, limitMs: number) => Promise<GuardResult>;
  /** Workloads to report as skipped without running them (the browser driver's retry after a stopped run). */
  skip?: Readonly<Record<string, { reason: string; limitMs: number }>>;
}

export type GuardResult = { kind: 'done'; ms: number; gate: GateResult } | { kind: 'stopped' } | { kind: 'error'; message: string };

export interface Timing {
  quick: boolean;
  /** Warm-up runs after the gate run (1 for runs over 1 s, 0 for runs longer than `slowMs`). */
  warmup: number;
  /** Target time for the timed runs of one implementation. */
  budgetMs: number;
  minRepeats: number;
  maxRepeats: number;
  /** A run longer than this gets no warm-up and at most `slowRepeats` repeats. */
  slowMs: number;
  slowRepeats: number;
  /**
   * A gate run longer than this is not timed further: the row is `skipped`
   * with that run's time (or, when the run is guarded, it is stopped at this limit).
   */
  skipAboveMs: number;
}

export const FULL_TIMING: Timing = {
  quick: false,
  warmup: 2,
  budgetMs: 3000,
  minRepeats: 5,
  maxRepeats: 25,
  slowMs: 5000,
  slowRepeats: 3,
  skipAboveMs: 60_000,
};

export const QUICK_TIMING: Timing = { quick: true, warmup: 1, budgetMs: 200, minRepeats: 3, maxRepeats: 5, slowMs: 2000, slowRepeats: 1, skipAboveMs: 30_000 };

export interface ProgressEvent {
  workload: string;
  /** "polytensor ts", "tfjs cpu" … */
  impl: string;
  phase: 'setup' | 'gate' | 'warmup' | 'timing' | 'done';
  done: number;
  total: number;
  /** Final status line for phase 'done'. */
  message?: string;
}

export type ProgressFn = (e: ProgressEvent) => void;

const label = (s: ImplSpec): string => `${s.implementation} ${s.backend}`;
const now = (): number => performance.now();
/** Process CPU time in ms (all threads), where there is one to read (Node, not the browser page). */
const cpuNow: (() => number) | null =
  typeof process !== 'undefined' && typeof process.cpuUsage === 'function'
    ? () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      }
    : null;

const defaultSetup =
  (spec: ImplSpec) =>
  (w: Workload, ctx: Ctx): Handle | Promise<Handle> => {
    if (spec.implementation === 'polytensor') return w.polytensor(ctx);
    if (spec.implementation === 'tfjs') return w.tfjs(ctx);
    throw new Error(`${label(spec)}: no setup for workload ${w.id}`);
  };
/** Let timers and I/O (progress output, page messages) run between runs. */
const breathe = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** A row with nothing measured yet (status 'ok'): the fields that name it, every measurement empty. */
export function blankRow(id: Pick<Row, 'workload' | 'backend' | 'implementation' | 'environment' | 'baseline'>): Row {
  return {
    ...id,
    status: 'ok',
    reason: null,
    medianMs: null,
    minMs: null,
    maxMs: null,
    repeats: 0,
    warmup: 0,
    samplesMs: [],
    cpuMs: null,
    firstRunMs: null,
    limitMs: null,
    gatePassed: null,
    gate: null,
    throughput: null,
    gflops: null,
  };
}

const emptyRow = (w: Workload, s: ImplSpec): Row =>
  blankRow({ workload: w.id, backend: s.backend, implementation: s.implementation, environment: s.environment, baseline: s.baseline });

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);

/** A library refusing the workload (missing kernel) rather than failing at it. */
const looksUnsupported = (msg: string): boolean =>
  /kernel .*not (registered|found|implemented)|not (yet )?(implemented|supported)|no (gradient|kernel)|gradient function not found|unsupported/i.test(msg);

interface Live {
  spec: ImplSpec;
  row: Row;
  handle: Handle;
  repeats: number;
  cpuSamples: number[];
}

export async function runWorkload(w: Workload, impls: readonly ImplSpec[], timing: Timing, progress: ProgressFn = () => {}): Promise<Row[]> {
  const rows: Row[] = [];
  const live: Live[] = [];
  // 1-2: set up and gate, one implementation at a time
  for (const spec of impls) {
    if (spec.covers && !spec.covers(w)) continue;
    const row = emptyRow(w, spec);
    rows.push(row);
    const ev = (phase: ProgressEvent['phase'], done = 0, total = 0, msg?: string): void =>
      progress({ workload: w.id, impl: label(spec), phase, done, total, ...(msg ? { message: msg } : {}) });
    if (spec.unavailable) {
      row.status = 'unavailable';
      row.reason = spec.unavailable;
      ev('done', 0, 0, `unavailable: ${spec.unavailable}`);
      continue;
    }
    const preset = spec.skip?.[w.id];
    if (preset) {
      row.status = 'skipped';
      row.reason = preset.reason;
      row.limitMs = preset.limitMs;
      ev('done', 0, 0, `skipped: ${preset.reason}`);
      continue;
    }
    ev('setup');
    let handle: Handle;
    try {
      await spec.activate();
      handle = await (spec.setup ?? defaultSetup(spec))(w, { quick: timing.quick, numerics: spec.numerics ?? numericsFor(spec.backend) });
    } catch (e) {
      const m = message(e);
      row.status = looksUnsupported(m) ? 'unsupported' : 'error';
      row.reason = m;
      ev('done', 0, 0, `${row.status}: ${m}`);
      continue;
    }
    ev('gate');
    try {
      if (spec.guard) {
        const g = await spec.guard(w.id, timing.quick, timing.skipAboveMs);
        if (g.kind === 'error') throw new Error(g.message);
        if (g.kind === 'stopped') {
          row.status = 'skipped';
          row.limitMs = timing.skipAboveMs;
          row.reason = `one run did not finish within ${timing.skipAboveMs / 1000} s; stopped, not timed`;
          handle.dispose();
          ev('done', 0, 0, `skipped: ${row.reason}`);
          continue;
        }
        row.firstRunMs = g.ms;
        row.gate = g.gate;
      } else {
        const t0 = now();
        row.gate = await handle.gate();
        row.firstRunMs = now() - t0;
      }
      row.gatePassed = row.gate.passed;
    } catch (e) {
      const m = message(e);
      row.status = looksUnsupported(m) ? 'unsupported' : 'error';
      row.reason = m;
      handle.dispose();
      ev('done', 0, 0, `${row.status}: ${m}`);
      continue;
    }
    if (!row.gatePassed) {
      row.status = 'gate-failed';
      row.reason = `wrong output, not timed: ${row.gate!.detail}`;
      handle.dispose();
      ev('done', 0, 0, `GATE FAILED: ${row.gate!.detail}`);
      continue;
    }
    if (row.firstRunMs! > timing.skipAboveMs) {
      row.status = 'skipped';
      row.reason = `one run took ${(row.firstRunMs! / 1000).toFixed(1)} s (over the ${timing.skipAboveMs / 1000} s cap); not repeated`;
      handle.dispose();
      ev('done', 0, 0, `skipped: ${row.reason}`);
      continue;
    }
    live.push({ spec, row, handle, repeats: 0, cpuSamples: [] });
    await breathe();
  }

  // 3: warm-up, then interleaved repeats
  const estimate = new Map<Live, number>();
  for (const l of live) {
    const first = l.row.firstRunMs!;
    l.row.warmup = first > timing.slowMs ? 0 : first > 1000 ? Math.min(1, timing.warmup) : timing.warmup;
    estimate.set(l, l.row.firstRunMs!);
  }
  const maxWarm = Math.max(0, ...live.map((l) => l.row.warmup));
  for (let r = 0; r < maxWarm; r++) {
    for (const l of live) {
      if (r >= l.row.warmup) continue;
      progress({ workload: w.id, impl: label(l.spec), phase: 'warmup', done: r, total: l.row.warmup });
      try {
        await l.spec.activate();
        const t0 = now();
        await l.handle.run();
        estimate.set(l, now() - t0);
      } catch (e) {
        fail(l, e);
      }
      await breathe();
    }
  }
  const plan = (t: number): number =>
    t > timing.slowMs
      ? Math.max(1, Math.min(timing.slowRepeats, Math.floor((timing.slowRepeats * timing.slowMs) / t)))
      : Math.max(timing.minRepeats, Math.min(timing.maxRepeats, Math.round(timing.budgetMs / Math.max(t, 1e-3))));
  for (const l of live) if (l.row.status === 'ok') l.repeats = plan(estimate.get(l)!);
  let rounds = Math.max(0, ...live.map((l) => l.repeats));
  for (let r = 0; ; r++) {
    if (r === 1) {
      // re-plan from the first timed run: a first (gate) run slowed by compilation must not cut the repeats
      for (const l of live) if (l.row.status === 'ok' && l.row.samplesMs.length === 1) l.repeats = plan(l.row.samplesMs[0]!);
      rounds = Math.max(0, ...live.map((l) => l.repeats));
    }
    if (r >= rounds) break;
    for (const l of live) {
      if (l.row.status !== 'ok' || r >= l.repeats) continue;
      progress({ workload: w.id, impl: label(l.spec), phase: 'timing', done: r, total: l.repeats });
      try {
        await l.spec.activate();
        const c0 = cpuNow?.() ?? 0;
        const t0 = now();
        await l.handle.run();
        l.row.samplesMs.push(now() - t0);
        if (cpuNow) l.cpuSamples.push(cpuNow() - c0);
      } catch (e) {
        fail(l, e);
      }
      await breathe();
    }
  }
  for (const l of live) {
    const t = l.row.samplesMs[0];
    if (l.row.status === 'ok' && l.row.samplesMs.length < timing.minRepeats && t !== undefined && t > timing.slowMs) {
      l.row.reason = `slow: ${l.row.samplesMs.length} timed run${l.row.samplesMs.length > 1 ? 's' : ''}${l.row.warmup === 0 ? ', no warm-up beyond the gate run' : ''}`;
    }
    try {
      await l.spec.activate();
      l.handle.dispose();
    } catch {
      // nothing left to report
    }
    const row = l.row;
    if (row.status === 'ok' && row.samplesMs.length > 0) {
      row.repeats = row.samplesMs.length;
      row.medianMs = median(row.samplesMs);
      row.minMs = Math.min(...row.samplesMs);
      row.maxMs = Math.max(...row.samplesMs);
      row.cpuMs = l.cpuSamples.length ? median(l.cpuSamples) : null;
      row.throughput = throughputOf(w, timing.quick, row.medianMs);
      row.gflops = w.flops ? gflopsOf(w.flops(timing.quick), row.medianMs) : null;
    }
    const summary =
      row.status === 'ok' && row.medianMs !== null
        ? `${formatMs(row.medianMs)} (${formatSpread(row.medianMs, row.minMs!, row.maxMs!)}) ×${row.repeats}; gate ✓ (${row.gate!.worst === 0 ? 'exact' : `worst ${row.gate!.worst.toPrecision(2)} of bound`})`
        : `${row.status}: ${row.reason}`;
    progress({ workload: w.id, impl: label(l.spec), phase: 'done', done: row.repeats, total: row.repeats, message: summary });
  }
  return rows;
}

function fail(l: Live, e: unknown): void {
  const m = message(e);
  l.row.status = looksUnsupported(m) ? 'unsupported' : 'error';
  l.row.reason = m;
}
