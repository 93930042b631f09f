/**
 * The shape of a benchmark run: what `bench-results/latest.json` holds.
 * Rows are measurements; ratios are derived from rows (ours / tfjs).
 */

export const SCHEMA_ID = 'polytensor-bench/1';

/**
 * Which library a row measures: polytensor, TensorFlow.js, a naive kernel
 * hand-written in gpu.js (what backend-gpujs's kernels must beat; a few
 * workloads, in Chromium beside gpujs), or ONNX Runtime (onnxruntime-node's
 * CPU provider and onnxruntime-web's wasm provider running the model
 * @polytensor/onnx exported: the anchors of the inference workloads, in Node).
 */
export type Implementation = 'polytensor' | 'tfjs' | 'gpu.js' | 'onnxruntime';
export const IMPLEMENTATIONS: readonly Implementation[] = ['polytensor', 'tfjs', 'gpu.js', 'onnxruntime'];

/**
 * The tfjs rows (backend name) of tfjs webgl with its CPU forwarding on, its
 * default: information beside the ratio's tfjs webgl, which runs with it off
 * (GPU against GPU; docs/decisions.md).
 */
export const TFJS_WEBGL_FORWARDING = 'webgl-cpu-forward';

/** Where it ran. */
export type Environment = 'node' | 'chromium';

/**
 * - `ok`: gate passed, timed.
 * - `gate-failed`: the output is wrong; NOT timed, never ranked.
 * - `unavailable`: the backend is not installed or did not initialise (reason given).
 * - `unsupported`: the library cannot run this workload on this backend (e.g. a missing kernel).
 * - `skipped`: one run took longer than the cap: either it finished (its time is
 *   firstRunMs) or it was stopped after limitMs.
 * - `error`: something else went wrong (message in reason).
 */
export type RowStatus = 'ok' | 'gate-failed' | 'unavailable' | 'unsupported' | 'skipped' | 'error';
export const ROW_STATUSES: readonly RowStatus[] = ['ok', 'gate-failed', 'unavailable', 'unsupported', 'skipped', 'error'];

/** How an output was compared with the float64 reference. */
export interface GateResult {
  passed: boolean;
  /** The rule: 'accumulation', 'ulp', 'softmax', 'training', 'tolerance'. */
  rule: string;
  /**
   * The worst element's error as a fraction of what the rule allows
   * (≤ 1 passes). For a rule that allows no error at all it is the raw error.
   */
  worst: number;
  /** Human-readable: what was compared and the bound. */
  detail: string;
}

export interface Throughput {
  value: number;
  unit: string;
}

export interface Row {
  workload: string;
  /**
   * The backend's own name: ts, wasm, webgl, gpujs, webgpu (polytensor; `ts@N` / `ts@auto`: backend-ts with
   * that many threads, see --threads); cpu, wasm, webgl, webgpu (tfjs); naive (gpu.js).
   */
  backend: string;
  implementation: Implementation;
  environment: Environment;
  /** For polytensor rows: the tfjs backend it is compared with (ts ↔ cpu, wasm ↔ wasm, webgl/gpujs ↔ webgl, webgpu ↔ webgpu). */
  baseline: string | null;
  status: RowStatus;
  /** Why the row is not `ok`, or a note (e.g. reduced repeats). */
  reason: string | null;
  medianMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  /** Timed runs (after warm-up). */
  repeats: number;
  warmup: number;
  samplesMs: number[];
  /** Median CPU time of the process per timed run (all its threads), in Node; null in Chromium. */
  cpuMs: number | null;
  /** The gate run's time: the first run, with compilation, JIT and allocation. */
  firstRunMs: number | null;
  /** Status skipped: the first run was stopped after this long without finishing. */
  limitMs: number | null;
  /** null when no output was produced (unavailable, unsupported, error). */
  gatePassed: boolean | null;
  gate: GateResult | null;
  throughput: Throughput | null;
  /** GFLOP/s at the median time, for workloads with a FLOP count (flops.ts); null otherwise. */
  gflops: number | null;
}

export interface Ratio {
  workload: string;
  environment: Environment;
  backend: string;
  /** What polytensor is compared with: the tfjs baseline backend, gpu.js's naive kernel, or ONNX Runtime. */
  versus: Exclude<Implementation, 'polytensor'>;
  /** The other side's backend (tfjs: cpu, wasm, webgl, webgpu; gpu.js: naive; onnxruntime: cpu or wasm, its execution provider). */
  baseline: string;
  oursMs: number;
  /** The other side's median (tfjs, gpu.js or ONNX Runtime; its one run when `approximate`). */
  theirsMs: number;
  /** oursMs / theirsMs: < 1 means polytensor is faster. */
  ratio: number;
  /** True when the other side was too slow to repeat (status skipped): its single first run stands in for the median. */
  approximate: boolean;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  arch: string;
  node: string;
  chromium: string | null;
  /** WebGL renderer string the page saw (e.g. SwiftShader), when the browser ran. */
  webglRenderer: string | null;
  tfjs: string;
  /** 1-minute load average at the start and the end of the run (other work on the machine skews timings). */
  loadAverage: { start: number; end: number } | null;
}

export interface BackendInfo {
  environment: Environment;
  implementation: Implementation;
  backend: string;
  available: boolean;
  reason: string | null;
  /** Settings worth knowing when reading its figures (e.g. the threads backend-ts ran with). */
  detail?: string;
}

export interface WorkloadInfo {
  id: string;
  title: string;
  description: string;
}

export interface BenchResults {
  schema: typeof SCHEMA_ID;
  date: string;
  quick: boolean;
  durationS: number;
  command: string;
  machine: MachineInfo;
  backends: BackendInfo[];
  workloads: WorkloadInfo[];
  rows: Row[];
  ratios: Ratio[];
  /** With --profile: time per kernel in one run of each workload, per polytensor backend in Node. */
  profiles?: KernelProfile[];
}

/** Where a polytensor backend spends one run of a workload, kernel by kernel (--profile). */
export interface KernelProfile {
  workload: string;
  backend: string;
  /** Profiled runs (after an untimed one), averaged. */
  runs: number;
  /** Wall time of one run while profiled (the timing wrapper adds a little). */
  runMs: number;
  /** Per kernel call site (kernel, its op label and input shapes), most time first: calls and milliseconds per run. */
  kernels: Array<{ kernel: string; op: string; shapes: string; calls: number; ms: number }>;
}
