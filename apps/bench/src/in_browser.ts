/**
 * The bench's browser-safe surface (`@polytensor/bench/in-browser`): the
 * workload definitions, the runner that gates and times them, and the ratio
 * rule, with no Node-only imports. The bench's own Chromium page and the
 * playground's Compare tab run the same workloads through it.
 */
export { WORKLOADS, WORKLOAD_IDS, workloadById, type Ctx, type Handle, type Workload } from './workloads.js';
export { FULL_TIMING, QUICK_TIMING, runWorkload, type ImplSpec, type ProgressEvent, type ProgressFn, type Timing } from './runner.js';
export { deriveRatios } from './ratios.js';
export { formatMs, median } from './stats.js';
export type { BackendInfo, Environment, GateResult, Implementation, Ratio, Row, RowStatus } from './types.js';
