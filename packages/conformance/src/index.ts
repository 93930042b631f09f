/**
 * @polytensor/conformance: proves a backend computes what a float64
 * reference computes, to the accuracy float32 allows.
 *
 * @example
 * import { runConformance, formatReport } from '@polytensor/conformance';
 * const report = await runConformance(createTsBackend);
 * console.log(formatReport(report));
 */
export {
  runConformance,
  selectCases,
  allCases,
  kernelNames,
  aggregate,
  runCase,
  severity,
  checkContract,
  outcomeOf,
  type ConformanceOptions,
  type ConformanceReport,
  type KernelRow,
  type CaseOutcome,
} from './suite.js';
export {
  formatReport,
  formatError,
  describeBound,
  describeNumerics,
  reportToJson,
  reportFromJson,
  rowLabel,
  rowStatus,
  type FormatOptions,
} from './report.js';
export { resolveBackend, type ResolvedBackend } from './cli_main.js';
export {
  kernelReference,
  discoverBackendKernels,
  describeTolerance,
  DOC_BACKENDS,
  type BackendKernelSet,
} from './kernel_doc.js';
export {
  ReferenceBackend,
  RefStore,
  REFERENCE_KERNELS,
  REFERENCE_PRIMITIVE_KERNELS,
  createReferenceBackend,
  referenceBackendFactory,
  referencePrimitivesBackendFactory,
  referenceOptimizer,
  type ReferenceBackendOptions,
  type ReferenceBackendConstructor,
  type AllKernelImpls,
} from './reference_backend.js';
export { wrapBackend, type BackendOverrides } from './wrap.js';
export { brokenBackend, BROKEN_VARIANTS, BROKEN_KERNEL, type BrokenVariant } from './broken_backends.js';
export {
  GRADIENT_TOLERANCE,
  REGION_GRADIENT_TOLERANCE,
  TRAINING_TOLERANCE,
  toleranceOf,
  effectiveNumerics,
  type ErrorClass,
  type Tolerance,
  type EffectiveNumerics,
  type GradientTolerance,
} from './tolerances.js';
export type { CaseKind, CaseResult, CaseSubject, ConformanceCase } from './cases/types.js';
export { KERNEL_CASES, kernelCases, kernelAndCompositeCases } from './cases/index.js';
export { kernelCase, execute, executeMany, type KernelSpec, type Expected, type OutputSpec } from './cases/harness.js';
export {
  compositeTwin,
  compositeView,
  compositeKernel,
  compositeContext,
  compositeApplies,
} from './composite_check.js';
export { updateOf, type UpdateRule } from './cases/optimizer.js';
export { compare, type CheckResult, type Expectation, type Judgement, type Unit } from './compare.js';
export { gradientCases, gradientCase, referenceVjp, richardson, type GradientSpec } from './gradients.js';
export {
  trainingCases,
  mlpProblem,
  mlpReference,
  trainReference,
  trainCore,
  compareTrajectories,
  type MlpProblem,
  type Trajectory,
} from './training.js';
export { useBackend, releaseBackend, derivedBackend } from './engine_bridge.js';
export { host, type HostTensor, type HostArray } from './host.js';
export { U, gamma, ulp32, ulpDistance32 } from './float.js';
export { Rng } from './rng.js';
export * as reference from './reference/index.js';
export { modelTrainingCase, modelTrainingCases, type ModelProblem } from './model_training.js';
export { opCases, opCase, opGradient, EXACT, EXACT_SIGNED_ZERO, ulps, relative, type OpJudge, type OpSpec } from './ops/index.js';
