// einsum: the operands are contracted two at a time, left to right; each
// step is one batched matMul ([shared kept] × [only-left kept] × [summed] ·
// [shared kept] × [summed] × [only-right kept]) after a transpose and
// reshape of each side, and indices no later step or the output needs are
// summed out before. Gradients come from matMul's, transpose's and sum's.
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { assertDType, expectTensor } from './convert.js';
import { matMul } from './mat_mul.js';
import { sum } from './reduce.js';
import { reshape } from './reshape.js';
import { transpose } from './transpose.js';

const SUPPORTED =
  "einsum supports explicit equations 'terms->output' of letters, one term per tensor, each letter at most once per term " +
  "(e.g. 'bij,bjk->bik', 'bhqd,bhkd->bhqk', 'ij,j->i', 'i,i->', 'ij->ji', 'bi,ij,bj->b'); no '...' and no diagonals ('ii->i')";

/** An operand under contraction: its tensor and the letter of each axis. */
interface Term {
  t: Tensor;
  letters: string[];
}

/** `x` with its axes put in the order of `letters` (a permutation of its own). */
function arrange(x: Term, letters: readonly string[]): Tensor {
  const perm = letters.map((l) => x.letters.indexOf(l));
  return perm.every((p, i) => p === i) ? x.t : transpose(x.t, perm);
}

/** Sum out the letters of `x` that are not in `keep`. */
function sumOut(x: Term, keep: ReadonlySet<string>): Term {
  const axes = x.letters.flatMap((l, i) => (keep.has(l) ? [] : [i]));
  if (axes.length === 0) return x;
  return { t: sum(x.t, axes), letters: x.letters.filter((l) => keep.has(l)) };
}

/** a·b contracted over their shared letters not in `keep`; shared letters in `keep` are batch axes. */
function contract(a: Term, b: Term, keep: ReadonlySet<string>, size: ReadonlyMap<string, number>): Term {
  const inB = new Set(b.letters);
  const batch = a.letters.filter((l) => inB.has(l) && keep.has(l));
  const summed = a.letters.filter((l) => inB.has(l) && !keep.has(l));
  const freeA = a.letters.filter((l) => !inB.has(l));
  const freeB = b.letters.filter((l) => !a.letters.includes(l));
  const n = (ls: readonly string[]): number => ls.reduce((p, l) => p * size.get(l)!, 1);
  const a3 = reshape(arrange(a, [...batch, ...freeA, ...summed]), [n(batch), n(freeA), n(summed)]);
  const b3 = reshape(arrange(b, [...batch, ...summed, ...freeB]), [n(batch), n(summed), n(freeB)]);
  const letters = [...batch, ...freeA, ...freeB];
  return {
    t: reshape(
      matMul(a3, b3),
      letters.map((l) => size.get(l)!),
    ),
    letters,
  };
}

/**
 * Einstein summation (tfjs's einsum): `equation` names each tensor's axes by
 * letters ('bij,bjk->bik'); letters shared between terms multiply, letters
 * missing from the output are summed. Any number of float32 tensors,
 * contracted left to right with matMul.
 * @example
 * einsum('bhqd,bhkd->bhqk', q, k) // attention scores
 * einsum('bi,ij,bj->b', x, W, y)  // a bilinear form per row
 */
export function einsum(equation: string, ...tensors: Tensor[]): Tensor {
  if (typeof equation !== 'string') throw new PolytensorError(`einsum: equation must be a string, got ${typeof equation}; ${SUPPORTED}`);
  const eq = equation.replace(/\s/g, '');
  const m = /^([a-zA-Z]*(?:,[a-zA-Z]*)*)->([a-zA-Z]*)$/.exec(eq);
  const fail = (why: string): never => {
    throw new PolytensorError(`einsum: '${equation}' ${why}; ${SUPPORTED}`);
  };
  if (!m) return fail("is not of the form 'terms->output'");
  const terms = m[1]!.split(',').map((s) => [...s]);
  const output = [...m[2]!];
  if (terms.length !== tensors.length) fail(`has ${terms.length} input term(s) but ${tensors.length} tensor(s) were given`);
  const ts = tensors.map((t, i) => expectTensor('einsum', `tensors[${i}]`, t));
  ts.forEach((t, i) => assertDType('einsum', `tensors[${i}]`, t, ['float32']));
  const size = new Map<string, number>();
  terms.forEach((letters, i) => {
    const t = ts[i]!;
    if (new Set(letters).size !== letters.length) fail(`repeats a letter in term ${i} ('${letters.join('')}')`);
    if (letters.length !== t.rank)
      fail(`gives term ${i} ('${letters.join('')}') ${letters.length} letters, but tensors[${i}] has rank ${t.rank} (${fmt(t.shape)})`);
    letters.forEach((l, a) => {
      const d = t.shape[a]!;
      const seen = size.get(l);
      if (seen !== undefined && seen !== d) {
        throw new PolytensorError(
          `einsum: '${equation}': letter '${l}' has size ${seen} in one term but ${d} on axis ${a} of tensors[${i}] ${fmt(t.shape)}; they must match`,
        );
      }
      size.set(l, d);
    });
  });
  if (new Set(output).size !== output.length) fail('repeats a letter in the output');
  const missing = output.find((l) => !size.has(l));
  if (missing !== undefined) fail(`has output letter '${missing}' in no input term`);
  return ENGINE.tidy(() => {
    const needed = (from: number): Set<string> => new Set([...output, ...terms.slice(from).flat()]);
    let acc = sumOut({ t: ts[0]!, letters: terms[0]! }, needed(1));
    for (let i = 1; i < ts.length; i++) {
      const keep = needed(i + 1);
      const next = sumOut({ t: ts[i]!, letters: terms[i]! }, new Set([...keep, ...acc.letters]));
      acc = contract(sumOut(acc, new Set([...keep, ...next.letters])), next, keep, size);
    }
    const out = arrange(acc, output);
    return out === ts[0] ? reshape(out, out.shape) : out;
  });
}
