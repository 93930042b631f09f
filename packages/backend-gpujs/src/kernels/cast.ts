import { sizeOfShape, type DType, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';

/**
 * Convert dtype. float32 and bool share the float texture format, so
 * float32→float32, bool→bool and bool→float32 share the texture (a counted
 * reference, no copy); float32→bool is a GPU kernel (x != 0, NaN → true). int32
 * lives on the host: →int32 reads the values back (float→int truncates toward
 * zero; NaN/±Inf → 0), int32→float32/bool converts on the host and uploads.
 * A small tensor held on the host (store.ts) is converted there.
 */
export function cast(s: GpujsStore, x: TensorInfo, dtype: DType): TensorInfo {
  const n = sizeOfShape(x.shape);
  if (x.dtype === 'int32') {
    const v = s.ints(x);
    if (dtype === 'int32') return s.outHost(v.slice(), x.shape);
    if (dtype === 'float32') return s.outHost(Float32Array.from(v), x.shape);
    return s.outHost(
      Uint8Array.from(v, (e) => (e !== 0 ? 1 : 0)),
      x.shape,
    );
  }
  if (dtype === 'int32') {
    const v = s.hostValues(x);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const e = v[i]!;
      out[i] = Number.isFinite(e) ? Math.trunc(e) | 0 : 0;
    }
    return s.outHost(out, x.shape);
  }
  if (n === 0) return s.outEmpty(x.shape, dtype);
  const small = s.smallValues(x);
  if (small) return s.outSmall(dtype === 'bool' && x.dtype !== 'bool' ? small.map((v) => (v !== 0 ? 1 : 0)) : small.slice(), x.shape, dtype);
  if (dtype === x.dtype || x.dtype === 'bool') return s.outTex(s.tex(x).clone(), x.shape, dtype);
  const tex = s.rt.run(
    { key: 'cast:bool', params: [['x', 'tex']], body: 'const v = rd(x, this.thread.x * 1.0);\nif (v != 0.0) { return 1.0; }\nreturn 0.0;' },
    [n],
    [s.tex(x)],
  );
  return s.outTex(tex, x.shape, 'bool');
}

/** The contract-level kernel. */
export const castKernel: KernelImpl<'cast', GpujsStore> = cast;
