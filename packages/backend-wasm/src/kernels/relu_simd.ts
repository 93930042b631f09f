import { CDTYPE, type Tw, type WasmRuntime } from '../runtime.js';
import { onHeap } from './heap_simd.js';
import { RELU_SIMD_WASM, RELU_SIMD_WASM_SHARED } from './relu_simd_module.js';

type ReluFn = (src: number, dst: number, vectors: number) => void;

/** The SIMD relu on the runtime's heap, or null where WebAssembly SIMD does not validate. */
function reluSimd(rt: WasmRuntime): ReluFn | null {
  return onHeap<{ relu: ReluFn }>(rt, RELU_SIMD_WASM, RELU_SIMD_WASM_SHARED)?.relu ?? null;
}

/**
 * out = relu(x) for float32 buffers of one size; `out` may be `x` (in place).
 * This package's SIMD module (`scripts/gen-relu-simd.mjs`: `f32x4.max` with 0,
 * so NaN stays NaN and −0 becomes +0), the last 0–3 values on heap views; tfjs's
 * Relu kernel (the same results, a scalar loop) where SIMD does not validate.
 */
export function reluInto(rt: WasmRuntime, x: Tw, out: Tw): void {
  const n = x.data.size;
  if (n === 0) return;
  const simd = reluSimd(rt);
  if (!simd) {
    rt.m._Relu(x.data.id, CDTYPE.float32, out.data.id);
    return;
  }
  const vectors = n >> 2;
  if (vectors > 0) simd(x.data.offset, out.data.offset, vectors);
  const src = rt.f32(x.data);
  const dst = rt.f32(out.data);
  for (let i = vectors << 2; i < n; i++) {
    const v = src[i]!;
    dst[i] = v > 0 || v !== v ? v : 0;
  }
}
