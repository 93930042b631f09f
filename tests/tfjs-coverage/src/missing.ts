/**
 * Why each tfjs-core function polytensor does not export is missing. The test
 * requires a reason for every missing function, and none for a covered one
 * (a stale entry fails), so this list stays the truth.
 */
const REGISTRY =
  "tfjs's string-keyed kernel and gradient registry; polytensor's kernels are a typed table (`defineBackend`, `KERNELS`) and each kernel's gradient lives in core (`GRADIENTS`): a backend is a typed object, not registrations";
const COMPLEX = 'complex64 tensors are not a polytensor dtype (float32, int32, bool): no complex numbers, so no FFTs';
const RAGGED = 'ragged tensors are not part of polytensor (dense tensors only)';
const ENV =
  "tfjs's global flag environment; polytensor has no flags: its engine checks (leaks, memory caps) are explicit calls (`setKernelLeakChecks`, `setMemoryLimits`)";

export const MISSING: Readonly<Record<string, string>> = {
  registerKernel: REGISTRY,
  unregisterKernel: REGISTRY,
  getKernel: REGISTRY,
  getKernelsForBackend: REGISTRY,
  copyRegisteredKernels: REGISTRY,
  registerGradient: REGISTRY,
  unregisterGradient: REGISTRY,
  getGradient: REGISTRY,
  op: "wraps a function as a named tfjs op for its profiler and registry; polytensor's ops are plain functions that name themselves in errors",
  engine: "tfjs's engine singleton; polytensor exports its engine as `ENGINE` with the same role (tidy, memory, tape)",
  env: ENV,
  enableProdMode: ENV,
  enableDebugMode: ENV,
  disableDeprecationWarnings: ENV,
  deprecationWarn: ENV,
  setPlatform: "tfjs's platform abstraction (fetch, text encoding, timers); polytensor uses the platform's own globals and its io routers",
  complex: COMPLEX,
  real: COMPLEX,
  imag: COMPLEX,
  fft: COMPLEX,
  ifft: COMPLEX,
  rfft: COMPLEX,
  irfft: COMPLEX,
  raggedGather: RAGGED,
  raggedRange: RAGGED,
  raggedTensorToTensor: RAGGED,
  bitwiseAnd: 'needs an integer bitwise kernel; int32 arithmetic in polytensor goes through float32 on GPU backends, where bitwise results are not exact',
};
