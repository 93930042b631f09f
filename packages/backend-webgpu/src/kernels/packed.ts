import type { DType, TensorInfo } from '@polytensor/core';
import { PACK, PACKED_WORKGROUP_MIN, packedRead, type ProgramLayout } from '../program.js';
import type { WebGPUStore } from '../store.js';

const LANES = ['x', 'y', 'z', 'w'] as const;

/** An input of a packed elementwise program: its WGSL array name and the scalar each lane's expression calls it by. */
export interface PackedInput {
  readonly array: string;
  readonly scalar: string;
  readonly tensor: TensorInfo;
}

/**
 * Run the elementwise `expr` (WGSL of the inputs' scalar names) over
 * `outShape` as a packed program (PACK values per thread, see program.ts),
 * or return null when the shapes do not allow it: the output size is not a
 * multiple of PACK, or an input is neither a single value nor a contiguous
 * block that tiles the output. Each lane computes exactly the scalar
 * expression, so results are bit-identical to the one-value-per-thread path.
 */
export function runPacked(
  s: WebGPUStore,
  op: string,
  inputs: readonly PackedInput[],
  outShape: readonly number[],
  dtype: DType,
  expr: string,
): TensorInfo | null {
  // the body depends only on this signature: built once, then reused (tiny ops are bound by per-op host work)
  const sig = `${expr}|${dtype}|${outShape}|${s.flushesSubnormals}${inputs.map((i) => `|${i.array}:${i.scalar}:${i.tensor.dtype}:${i.tensor.shape}`).join('')}`;
  let plan = plans.get(sig);
  if (plan === undefined) {
    plan = planPacked(s, inputs, outShape, dtype, expr);
    plans.set(sig, plan);
  }
  if (plan === null) return null;
  const names = inputs.map((i) => i.array);
  const tensors = inputs.map((i) => i.tensor);
  return s.run(op, names, tensors, outShape, dtype, plan.body, '', undefined, plan.layout);
}

interface PackedPlan {
  readonly body: string;
  readonly layout: ProgramLayout;
}

/** Bodies by signature; null where the shapes do not pack. */
const plans = new Map<string, PackedPlan | null>();

function planPacked(s: WebGPUStore, inputs: readonly PackedInput[], outShape: readonly number[], dtype: DType, expr: string): PackedPlan | null {
  const size = outShape.reduce((p, d) => p * d, 1);
  if (size === 0 || size % PACK !== 0) return null;
  const reads = inputs.map((i) => packedRead(i.tensor.shape, outShape));
  if (reads.some((r) => r === null)) return null;
  const vecs = size / PACK;
  // Large outputs: two vec4s per thread. SwiftShader's cost per invocation (its index math, the
  // bound check, scheduling) is most of a cheap op's time: ten adds of 1M values took 55 ms this
  // way and 74 with one vec4 per thread (paired in one page, load 12); four per thread was 66.
  const perThread = vecs % 2 === 0 && size >= PACKED_WORKGROUP_MIN ? 2 : 1;
  const lines: string[] = [];
  // the dispatch rounds the thread count up to whole workgroups: the extra threads stop here
  if (perThread === 2) lines.push(`  if (index >= ${vecs / 2}) { return; }`);
  const slots = perThread === 2 ? ['2 * index', '2 * index + 1'] : ['index'];
  const type = `vec4<${dtype === 'float32' ? 'f32' : 'i32'}>`;
  slots.forEach((slot, h) => {
    lines.push(`  let i${h} = ${slot};`);
    inputs.forEach((inp, k) => {
      const r = reads[k]!;
      // a single value is read once, by the first slot
      if (r.component === 1 && h > 0) return;
      const at = r.component === 1 ? '0' : r.vecs === vecs ? `i${h}` : `i${h} % ${r.vecs}`;
      lines.push(`  let ${inp.array}_v${r.component === 1 ? '' : h} = ${inp.array}[${at}];`);
    });
    lines.push(`  var r${h}: ${type};`);
    for (const lane of LANES) {
      const lets = inputs.map((inp, k) => {
        const v = reads[k]!.component === 1 ? `${inp.array}_v` : `${inp.array}_v${h}.${lane}`;
        return `let ${inp.scalar} = ${s.flushed(v, inp.tensor.dtype)};`;
      });
      lines.push(`  { ${lets.join(' ')} r${h}.${lane} = ${expr}; }`);
    }
    lines.push(`  result[i${h}] = r${h};`);
  });
  const layout: ProgramLayout = { outputComponent: PACK, inputComponents: reads.map((r) => r!.component), ...(perThread === 2 ? { threads: vecs / 2 } : {}) };
  return { body: lines.join('\n'), layout };
}
