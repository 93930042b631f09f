// gpu.js is a CommonJS package (its browser build a UMD bundle): the default
// import is its module.exports in Node and, through Vite's pre-bundling, in
// the browser. Its bundled typings describe little of what this backend uses,
// so the parts we touch are typed here.
import gpujsModule from 'gpu.js';

/** A gpu.js texture (a GLTexture): one WebGL texture plus its size and dims. */
export interface GpuTexture {
  readonly texture: object;
  /** Texture width and height in texels. */
  readonly size: ArrayLike<number>;
  /** Kernel output dims [x, y?, z?] that produced it. */
  readonly output: ArrayLike<number>;
  /** 'ArrayTexture(1)' (one float per texel), 'ArrayTexture(4)' (vec4 per texel). */
  readonly type: string;
  clone(): GpuTexture;
  delete(): void;
  /** RGBA float32 values of every texel (GL textures only). */
  renderRawOutput(): Float32Array;
}

/** The internal kernel behind a run shortcut. */
export interface GpuKernelInstance {
  readonly compiledFragmentShader?: string;
  readonly context?: unknown;
  destroy(removeCanvasReferences?: boolean): void;
}

/** gpu.js's callable kernel ("run shortcut"). */
export interface GpuKernel {
  (...args: unknown[]): unknown;
  setOutput(output: readonly number[]): GpuKernel;
  readonly kernel: GpuKernelInstance;
}

export interface GpuNativeFunction {
  readonly name: string;
  readonly source: string;
  readonly argumentTypes: Readonly<Record<string, string>>;
  readonly returnType: string;
}

export interface GpuKernelSettings {
  output: readonly number[];
  argumentTypes: Readonly<Record<string, string>>;
  returnType?: string;
  precision: 'single';
  tactic: 'precision';
  pipeline: boolean;
  immutable: boolean;
  dynamicOutput: boolean;
  dynamicArguments: boolean;
  loopMaxIterations: number;
  nativeFunctions?: readonly GpuNativeFunction[];
  functions?: ReadonlyArray<string | ((...args: never[]) => unknown)>;
  injectedNative?: string;
  strictIntegers?: boolean;
}

/** A GPU instance (one WebGL context shared by all its kernels). */
export interface GpuInstance {
  readonly mode: string;
  readonly context: unknown;
  readonly Kernel: { readonly name: string; readonly features?: { readonly maxTextureSize?: number } };
  createKernel(source: string, settings: GpuKernelSettings): GpuKernel;
}

export interface GpuSettings {
  mode?: string;
  context?: unknown;
  canvas?: unknown;
}

interface GpuClass {
  new (settings?: GpuSettings): GpuInstance;
  readonly isHeadlessGLSupported: boolean;
  readonly isWebGL2Supported: boolean;
  readonly isWebGLSupported: boolean;
  readonly isSinglePrecisionSupported: boolean;
}

interface GpujsExports {
  GPU: GpuClass;
  Texture: abstract new (...args: never[]) => GpuTexture;
}

const gpujs = gpujsModule as unknown as GpujsExports;

export const GPU: GpuClass = gpujs.GPU;

/** True for gpu.js Texture objects (kernel outputs in pipeline mode). */
export function isGpuTexture(value: unknown): value is GpuTexture {
  return value instanceof gpujs.Texture;
}
