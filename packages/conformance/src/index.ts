/**
 * @polytensor/conformance: proves a backend computes what a float64
 * reference computes, to the accuracy float32 allows.
 *
 * @example
 * import { runConformance, formatReport } from '@polytensor/conformance';
 * const report = await runConformance(() => new TsBackend());
 * console.log(formatReport(report));
 */
export {
  runConformance, selectCases, allCases, kernelNames, aggregate, runCase, severity,
  type ConformanceOptions, type ConformanceReport, type KernelRow, type CaseOutcome,
} from './suite.js';
export { formatReport, formatError, describeBound, describeNumerics, reportToJson, reportFromJson, type FormatOptions } from './report.js';
export { resolveBackend, type ResolvedBackend } from './cli_main.js';
export { ReferenceBackend, referenceBackendFactory } from './reference_backend.js';
export { wrapBackend, type BackendOverrides } from './wrap.js';
export { brokenBackend, BROKEN_VARIANTS, BROKEN_KERNEL, type BrokenVariant } from './broken_backends.js';
export {
  TOLERANCES, GRADIENT_TOLERANCE, TRAINING_TOLERANCE, toleranceOf, effectiveNumerics,
  type ErrorClass, type Tolerance, type KernelName, type EffectiveNumerics,
} from './tolerances.js';
export type { CaseKind, CaseResult, ConformanceCase } from './cases/types.js';
export { kernelCases } from './cases/index.js';
export { kernelCase, execute, type KernelSpec, type Expected } from './cases/harness.js';
export { compare, type CheckResult, type Expectation, type Judgement, type Unit } from './compare.js';
export { gradientCases, gradientCase, referenceVjp, richardson, type GradientSpec } from './gradients.js';
export { trainingCases, mlpProblem, mlpReference, trainReference, trainCore, compareTrajectories, type MlpProblem, type Trajectory } from './training.js';
export { useBackend, releaseBackend } from './engine_bridge.js';
export { host, type HostTensor, type HostArray } from './host.js';
export { U, gamma, ulp32, ulpDistance32 } from './float.js';
export { Rng } from './rng.js';
export * as reference from './reference/index.js';
