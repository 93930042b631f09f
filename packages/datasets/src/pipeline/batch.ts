// Stacking dataset elements into batches: leaves (numbers, numeric arrays,
// typed arrays, core Tensors) become one tensor with a batch axis in front;
// records and tuples (arrays holding tensors or records) batch field by field.
import { Tensor, stack, tensor } from '@polytensor/core';
import { DatasetError } from '../errors.js';

/** A numeric leaf's values and shape, or null when `v` is not a numeric leaf. */
function numericLeaf(v: unknown): { values: ArrayLike<number>; shape: number[] } | null {
  if (typeof v === 'number') return { values: [v], shape: [] };
  if (ArrayBuffer.isView(v) && !(v instanceof DataView))
    return { values: v as unknown as ArrayLike<number>, shape: [(v as unknown as ArrayLike<number>).length] };
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'number')) return { values: v as number[], shape: [v.length] };
    // an array of equal-shaped numeric arrays is a matrix (or higher)
    const inner = v.map(numericLeaf);
    if (inner.length > 0 && inner.every((x) => x !== null && x.shape.length > 0 && x.shape.join() === inner[0]!.shape.join())) {
      const flat: number[] = [];
      for (const x of inner) for (let i = 0; i < x!.values.length; i++) flat.push(x!.values[i]!);
      return { values: flat, shape: [v.length, ...inner[0]!.shape] };
    }
  }
  return null;
}

const describe = (v: unknown): string =>
  v instanceof Tensor ? `a tensor [${v.shape.join(',')}]` : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v;

/**
 * Stack `items` (the elements of one batch, all of one structure) into the
 * same structure with batched tensors. `where` names the position in errors.
 */
export function stackElements(items: readonly unknown[], where = 'element'): unknown {
  const first = items[0];
  if (first instanceof Tensor) {
    items.forEach((t, i) => {
      if (!(t instanceof Tensor) || t.shape.join() !== first.shape.join() || t.dtype !== first.dtype) {
        throw new DatasetError(
          `batch: ${where} ${i} is ${describe(t)}${t instanceof Tensor ? ` ${t.dtype}` : ''} but element 0 is ${describe(first)} ${first.dtype}; elements of a batch need one shape and dtype`,
        );
      }
    });
    return stack(items as Tensor[], 0);
  }
  const leaf = numericLeaf(first);
  if (leaf) {
    const flat = new Float32Array(items.length * (leaf.shape.reduce((a, b) => a * b, 1) || 1));
    const per = flat.length / items.length;
    items.forEach((v, i) => {
      const l = numericLeaf(v);
      if (!l || l.shape.join() !== leaf.shape.join()) {
        throw new DatasetError(
          `batch: ${where} ${i} has shape [${l ? l.shape.join(',') : describe(v)}] but element 0 has [${leaf.shape.join(',')}]; elements of a batch need one shape (pad or crop them first)`,
        );
      }
      for (let k = 0; k < per; k++) flat[i * per + k] = l.values[k]!;
    });
    return tensor(flat, [items.length, ...leaf.shape]);
  }
  if (Array.isArray(first)) {
    return first.map((_, k) => {
      items.forEach((v, i) => {
        if (!Array.isArray(v) || v.length !== first.length) throw new DatasetError(`batch: ${where} ${i} is not a tuple of ${first.length} like element 0`);
      });
      return stackElements(
        items.map((v) => (v as unknown[])[k]),
        `${where}[${k}] of element`,
      );
    });
  }
  if (first !== null && typeof first === 'object') {
    const keys = Object.keys(first);
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      items.forEach((v, i) => {
        if (v === null || typeof v !== 'object' || !(key in v)) throw new DatasetError(`batch: ${where} ${i} lacks the field '${key}' element 0 has`);
      });
      out[key] = stackElements(
        items.map((v) => (v as Record<string, unknown>)[key]),
        `field '${key}' of element`,
      );
    }
    return out;
  }
  throw new DatasetError(`batch: cannot batch ${describe(first)}; elements must be numbers, numeric arrays, typed arrays, tensors, or records/tuples of them`);
}

/** Every core tensor inside a value (records and arrays searched). */
export function tensorsIn(v: unknown, out: Tensor[] = []): Tensor[] {
  if (v instanceof Tensor) out.push(v);
  else if (Array.isArray(v)) for (const x of v) tensorsIn(x, out);
  else if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) for (const x of Object.values(v)) tensorsIn(x, out);
  return out;
}

/** Dispose every tensor inside a value (an element a transform drops). */
export function disposeElement(v: unknown): void {
  for (const t of tensorsIn(v)) if (!t.isDisposed) t.dispose();
}
