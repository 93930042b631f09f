// @polytensor/gpu-common: what polytensor's WebGL backends (backend-webgl,
// backend-gpujs) share. No dependencies; nothing runs at import.
export {
  browserContext,
  CONTEXT_ATTRIBUTES,
  floatReadback,
  floatSupportProblem,
  headlessGLContext,
  isNode,
  isWebGL2,
  loseContext,
  newCanvas,
  patchUniformArrays,
  rendererOf,
  requireBrowserContext,
  versionOf,
  type AnyCanvas,
  type CreateHeadlessGL,
  type GL,
  type MadeContext,
  type NoContext,
  type NoContextMessages,
  type WebGLVersion,
} from './context.js';
export { GlslLibrary, type GlslSource } from './glsl/library.js';
export { MATH_GLSL, PT_ENV } from './glsl/math.js';
