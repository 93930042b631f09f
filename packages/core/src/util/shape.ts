import { MAX_RANK } from '../backend/types.js';
import { PolytensorError } from '../errors.js';

export const fmt = (shape: readonly number[]): string => `[${shape.join(',')}]`;

export function assertValidShape(op: string, shape: readonly number[]): void {
  if (shape.length > MAX_RANK) {
    throw new PolytensorError(
      `${op}: rank ${shape.length} (shape ${fmt(shape)}) exceeds the maximum rank ${MAX_RANK}; reshape to ${MAX_RANK} or fewer dimensions`,
    );
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new PolytensorError(`${op}: shape ${fmt(shape)} has an invalid dimension ${d}; dimensions are non-negative integers`);
    }
  }
}

/** NumPy broadcasting of two shapes; throws naming the op and both shapes. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new PolytensorError(
        `${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast: dimension ${i} is ${da} vs ${db}; ` +
          `make them equal or 1 (reshape or expandDims one operand)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Normalize possibly negative axes against `rank`; sorted and unique. Undefined means all axes. */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = new Set<number>();
  for (const a of list) {
    if (!Number.isInteger(a) || a < -rank || a >= Math.max(rank, 1) || (rank === 0 && a !== 0 && a !== -1)) {
      throw new PolytensorError(`${op}: axis ${a} is out of range for a tensor of rank ${rank}; use an axis in [${-rank}, ${rank - 1}]`);
    }
    out.add(a < 0 ? a + rank : a);
  }
  return [...out].sort((x, y) => x - y);
}

export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new PolytensorError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}; use an axis in [${-rank}, ${rank - 1}]`);
  }
  return axis < 0 ? axis + rank : axis;
}

export function arraysEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Shape after reducing `axes` with keepDims. */
export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}
