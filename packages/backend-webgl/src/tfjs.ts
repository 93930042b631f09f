/**
 * The one place that touches @tensorflow/tfjs-core / -backend-webgl. Everything
 * else in the package goes through these names, so the coupling to tfjs
 * internals (documented at each use) is visible in one file.
 */
import { env, getKernel, slice_util, type DataType, type NamedAttrMap, type TensorInfo as TfTensorInfo } from '@tensorflow/tfjs-core';
import { GPGPUContext, MathBackendWebGL, setWebGLContext, webgl_util, type GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';

export { env, GPGPUContext, setWebGLContext };
export type { DataType, GPGPUProgram, NamedAttrMap, TfTensorInfo };

/**
 * tfjs's WebGL backend, with its CPU forwarding switched off: tfjs runs small
 * ops whose inputs are still on the CPU with its CPU kernels
 * (`shouldExecuteOnCPU`, flag WEBGL_CPU_FORWARD); polytensor's contract is that
 * this backend computes on the GPU, so every kernel runs its shader. (Setting
 * the flag instead would change it for raw tfjs code in the same page.)
 */
export class TfWebGL extends MathBackendWebGL {
  override shouldExecuteOnCPU(): boolean {
    return false;
  }
}

/**
 * Whether a packed texture of logical shape `a` can be read as shape `b` (same
 * size) with no repacking: tfjs's own test (its Reshape shares the texture
 * then), e.g. a batched matMul output [1, m, n] seen as [m, n].
 */
export const isPackedReshapeFree = (a: readonly number[], b: readonly number[]): boolean => webgl_util.isReshapeFree([...a], [...b]);

/** The texture shape (in values, tfjs's `texShape`) tfjs gives a packed tensor of logical shape `shape`. */
export const getPackedTextureShape = (shape: readonly number[]): [number, number] => webgl_util.getTextureShapeFromLogicalShape([...shape], true);
/** tfjs's [batch, rows, cols] view of a logical shape (the one its packed layout and its read's decode use). */
export const shapeAs3D = (shape: readonly number[]): [number, number, number] => webgl_util.getShapeAs3D([...shape]);

/** The kernel function tfjs-backend-webgl registered under `name` (importing the package registers all of them). */
export function tfKernel(
  name: string,
): (args: { inputs: Record<string, TfTensorInfo>; backend: MathBackendWebGL; attrs?: NamedAttrMap }) => TfTensorInfo | TfTensorInfo[] {
  const config = getKernel(name, 'webgl');
  if (!config) throw new Error(`webgl backend: tfjs-backend-webgl has no kernel '${name}' (version mismatch?)`);
  return config.kernelFunc as never;
}

/** Texture bookkeeping of tfjs's backend (private fields, read for memory reports and leak tests). */
export interface TfTextureStats {
  /** Entries in tfjs's texData map (its data ids: ours plus any it keeps). */
  readonly tfjsDataIds: number;
  /** Textures holding live data. */
  readonly texturesInUse: number;
  /** Textures released to tfjs's free pool (reused by later allocations). */
  readonly texturesFree: number;
  readonly gpuBytesAllocated: number;
}

export function textureStats(tf: MathBackendWebGL): TfTextureStats {
  const tm = tf.getTextureManager();
  return {
    tfjsDataIds: tf.numDataIds(),
    texturesInUse: tm.getNumUsedTextures(),
    texturesFree: tm.getNumFreeTextures(),
    gpuBytesAllocated: tm.numBytesAllocated,
  };
}

/** Number of compiled shader programs in the backend's cache (private field of MathBackendWebGL). */
export function compiledPrograms(tf: MathBackendWebGL): number {
  return Object.keys((tf as unknown as { binaryCache: Record<string, unknown> }).binaryCache).length;
}

/** Delete the GL programs of a backend that made no context of its own (tfjs keeps them otherwise). */
export function deletePrograms(tf: MathBackendWebGL): void {
  const cache = (tf as unknown as { binaryCache: Record<string, { webGLProgram: never }> }).binaryCache;
  for (const key of Object.keys(cache)) {
    try {
      tf.gpgpu.deleteProgram(cache[key]!.webGLProgram);
    } catch {
      // context lost: nothing to delete
    }
    delete cache[key];
  }
}

/**
 * tfjs's repack of a packed texture into another logical shape's packed
 * layout (its private `packedReshape`, one ReshapePackedProgram pass); the
 * result is a new data id, the input untouched.
 */
export function packedReshape(tf: MathBackendWebGL, input: TfTensorInfo, shape: readonly number[]): TfTensorInfo {
  return (tf as unknown as { packedReshape(i: TfTensorInfo, s: number[]): TfTensorInfo }).packedReshape(input, [...shape]);
}

/** Whether tfjs's Slice of `begin`/`size` is one contiguous run of a row-major buffer (it then shares an unpacked texture). */
export const isContiguousSlice = (shape: readonly number[], begin: readonly number[], size: readonly number[]): boolean =>
  slice_util.isSliceContinous([...shape], [...begin], [...size]);
