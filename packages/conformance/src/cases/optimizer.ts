/**
 * The optimizer capability (`backend.optimizer.optimizerUpdate`): one step of
 * every update kind must be bit-identical to core's composite update, in which
 * every operation is one correctly rounded float32 op (the reference steps
 * through the same formula rounding each operation, `reference/optimizer.ts`).
 *
 * Rows: 'optimizerUpdate' calls the backend's capability where it has one
 * (with the storage checks of every kernel case); on a backend without one it
 * runs core's composite update (sgdUpdate, adamUpdate… through the engine).
 * 'optimizerUpdate (composite)' runs core's composite on a backend that has the
 * capability, so both are held to the same result. A backend that declares
 * inexact arithmetic (`arithmeticUlp` k > 0) or flushes subnormals is judged
 * against a bound carried through the formula instead: each operation may be
 * k + ½ ULP from exact, on inputs already off by the bound so far.
 */
import type { Backend, OptimizerUpdate, Tensor } from '@polytensor/core';
import { adagradUpdate, adamUpdate, memory, momentumUpdate, rmspropUpdate, sgdUpdate, tensor, tidy } from '@polytensor/core';
import { compare, type Expectation } from '../compare.js';
import { derivedBackend, useBackend } from '../engine_bridge.js';
import { FLT_MIN, fmtNum, ulp32 } from '../float.js';
import { host, shapeStr, sizeOf, toTyped, type HostTensor } from '../host.js';
import { optimizerStep, optimizerUpdate as referenceUpdate, slotCount, type StepArithmetic } from '../reference/optimizer.js';
import { Rng } from '../rng.js';
import { effectiveNumerics, type EffectiveNumerics } from '../tolerances.js';
import { wrapBackend } from '../wrap.js';
import { executeMany, worse } from './harness.js';
import { failResult, skipResult, type CaseResult, type ConformanceCase } from './types.js';
import { wide } from './values.js';

/** An update rule with its hyperparameters as a user gives them to core's optimizers. */
export type UpdateRule =
  | { readonly kind: 'sgd'; readonly lr: number }
  | { readonly kind: 'momentum'; readonly lr: number; readonly momentum: number; readonly nesterov: boolean }
  | { readonly kind: 'adam'; readonly lr: number; readonly beta1: number; readonly beta2: number; readonly epsilon: number; readonly step: number }
  | { readonly kind: 'rmsprop'; readonly lr: number; readonly rho: number; readonly momentum: number; readonly epsilon: number; readonly centered: boolean }
  | { readonly kind: 'adagrad'; readonly lr: number; readonly epsilon: number };

const fr = Math.fround;

/** The OptimizerUpdate core hands the capability for a rule (each hyperparameter rounded to float32; Adam's bias correction folded into alpha). */
export function updateOf(rule: UpdateRule): OptimizerUpdate {
  switch (rule.kind) {
    case 'sgd':
      return { kind: 'sgd', lr: fr(rule.lr) };
    case 'momentum':
      return { kind: 'momentum', lr: fr(rule.lr), momentum: fr(rule.momentum), nesterov: rule.nesterov };
    case 'adam': {
      const alpha = (rule.lr * Math.sqrt(1 - rule.beta2 ** rule.step)) / (1 - rule.beta1 ** rule.step);
      return {
        kind: 'adam',
        alpha: fr(alpha),
        beta1: fr(rule.beta1),
        oneMinusBeta1: fr(1 - rule.beta1),
        beta2: fr(rule.beta2),
        oneMinusBeta2: fr(1 - rule.beta2),
        epsilon: fr(rule.epsilon),
      };
    }
    case 'rmsprop':
      return {
        kind: 'rmsprop',
        lr: fr(rule.lr),
        rho: fr(rule.rho),
        oneMinusRho: fr(1 - rule.rho),
        momentum: fr(rule.momentum),
        epsilon: fr(rule.epsilon),
        centered: rule.centered,
      };
    case 'adagrad':
      return { kind: 'adagrad', lr: fr(rule.lr), epsilon: fr(rule.epsilon) };
  }
}

/** Core's composite update for a rule, through core's ops on the active backend: [value', ...slots']. */
function coreUpdate(rule: UpdateRule, value: Tensor, grad: Tensor, slots: readonly Tensor[]): Tensor[] {
  switch (rule.kind) {
    case 'sgd':
      return [sgdUpdate(value, grad, rule.lr)];
    case 'momentum': {
      const r = momentumUpdate(value, grad, slots[0]!, rule.lr, rule.momentum, rule.nesterov);
      return [r.value, r.accum];
    }
    case 'adam': {
      const r = adamUpdate(value, grad, slots[0]!, slots[1]!, rule.lr, rule.beta1, rule.beta2, rule.epsilon, rule.step);
      return [r.value, r.m, r.v];
    }
    case 'rmsprop': {
      const mg = rule.centered ? slots[1]! : null;
      const mom = rule.momentum > 0 ? slots[rule.centered ? 2 : 1]! : null;
      const r = rmspropUpdate(value, grad, slots[0]!, mg, mom, rule.lr, rule.rho, rule.momentum, rule.epsilon);
      return [r.value, r.rms, ...(r.mg ? [r.mg] : []), ...(r.mom ? [r.mom] : [])];
    }
    case 'adagrad': {
      const r = adagradUpdate(value, grad, slots[0]!, rule.lr, rule.epsilon);
      return [r.value, r.accumulator];
    }
  }
}

/** A value and a bound on how far a backend's value may be from it. */
interface Tracked {
  readonly v: number;
  readonly e: number;
}

/**
 * Float32 steps with an error bound: the value is the reference's (each
 * operation rounded once); the bound grows by what the inputs' bounds do to
 * the operation plus k + 1 ULPs of the result (k + ½ for the backend's
 * rounding, ½ for the reference's), and FLT_MIN where subnormals flush.
 */
function trackedArithmetic(k: number, flush: boolean): StepArithmetic<Tracked> {
  const out = (v: number, prop: number): Tracked => ({ v, e: prop + (k + 1) * ulp32(2 * (Math.abs(v) + prop)) + (flush ? FLT_MIN : 0) });
  return {
    add: (a, b) => out(fr(a.v + b.v), a.e + b.e),
    sub: (a, b) => out(fr(a.v - b.v), a.e + b.e),
    mul: (a, b) => out(fr(a.v * b.v), Math.abs(a.v) * b.e + Math.abs(b.v) * a.e + a.e * b.e),
    div: (a, b) => out(fr(a.v / b.v), Math.abs(b.v) > b.e ? (Math.abs(a.v) * b.e + Math.abs(b.v) * a.e) / (Math.abs(b.v) * (Math.abs(b.v) - b.e)) : Infinity),
    sqrt: (a) => out(fr(Math.sqrt(a.v)), a.v - a.e > 0 ? a.e / (Math.sqrt(a.v) + Math.sqrt(a.v - a.e)) : Math.sqrt(Math.max(0, a.v) + a.e)),
    input: (v) => ({ v: fr(v), e: 0 }),
  };
}

/** The expected outputs: bit-identical on exact arithmetic, else within the carried bound. */
function expectations(u: OptimizerUpdate, inputs: readonly HostTensor[], num: EffectiveNumerics): Expectation[] {
  const [value, grad, ...slots] = inputs as [HostTensor, HostTensor, ...HostTensor[]];
  const refs = referenceUpdate(
    u,
    value.values,
    grad.values,
    slots.map((s) => s.values),
  );
  if (num.arithmeticUlp === 0 && !num.flushesSubnormals) return refs.map((ref) => ({ ref, judge: { kind: 'exact', signedZero: true } }));
  const A = trackedArithmetic(num.arithmeticUlp, num.flushesSubnormals);
  const bounds = refs.map(() => new Float64Array(value.values.length));
  for (let i = 0; i < value.values.length; i++) {
    const t = optimizerStep(
      A,
      u,
      A.input(value.values[i]!),
      A.input(grad.values[i]!),
      slots.map((s) => A.input(s.values[i]!)),
    );
    t.forEach((x, k) => (bounds[k]![i] = x.e));
  }
  return refs.map((ref, k) => ({ ref, judge: { kind: 'bound', bound: bounds[k]! } }));
}

const OUTPUT_NAMES: Readonly<Record<UpdateRule['kind'], readonly string[]>> = {
  sgd: ['value'],
  momentum: ['value', 'accum'],
  adam: ['value', 'm', 'v'],
  rmsprop: ['value', 'rms', 'mg/mom', 'mom'],
  adagrad: ['value', 'accumulator'],
};

function judge(
  u: OptimizerUpdate,
  rule: UpdateRule,
  inputs: readonly HostTensor[],
  outputs: readonly (readonly ArrayLike<number>[])[],
  num: EffectiveNumerics,
): CaseResult {
  const ex = expectations(u, inputs, num);
  const shape = inputs[0]!.shape;
  const describe = (i: number): string =>
    `value=${fmtNum(inputs[0]!.values[i]!)}, grad=${fmtNum(inputs[1]!.values[i]!)}${inputs
      .slice(2)
      .map((s, k) => `, slot ${k}=${fmtNum(s.values[i]!)}`)
      .join('')}`;
  const checks = outputs.flatMap((outs) =>
    outs.map((got, k) => {
      const c = compare(got, [ex[k]!], { dtype: 'float32', shape, flush: num.flushesSubnormals, describe });
      return c.pass ? c : { ...c, message: `${OUTPUT_NAMES[rule.kind][k] ?? `output ${k}`}: ${c.message}` };
    }),
  );
  const c = checks.reduce(worse);
  return { pass: c.pass, worst: c.worst, bound: c.bound, unit: c.unit, message: c.message, notes: num.notesFor('optimizerUpdate') };
}

/** Run core's composite update through the engine on `backend` (a view without the capability where it has one). */
function runComposite(backend: Backend, rule: UpdateRule, inputs: readonly HostTensor[]): CaseResult {
  const num = effectiveNumerics(backend.numerics);
  const u = updateOf(rule);
  const target = backend.optimizer ? derivedBackend(backend, 'no-optimizer', () => wrapBackend(backend, { optimizer: undefined })) : backend;
  useBackend(target);
  const tensorsBefore = memory().numTensors;
  const idsBefore = backend.numDataIds();
  let outputs: Float32Array[];
  const xs = inputs.map((x) => tensor(toTyped(x), x.shape, 'float32'));
  try {
    outputs = tidy(() => coreUpdate(rule, xs[0]!, xs[1]!, xs.slice(2))).map((t) => {
      const v = Float32Array.from(t.dataSync());
      t.dispose();
      return v;
    });
  } catch (e) {
    return failResult(`core's composite update threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  } finally {
    for (const x of xs) x.dispose();
  }
  if (memory().numTensors !== tensorsBefore) return failResult(`leaked ${memory().numTensors - tensorsBefore} tensor(s)`);
  if (backend.numDataIds() !== idsBefore) return failResult(`numDataIds() went from ${idsBefore} to ${backend.numDataIds()}: a buffer leaked`);
  const r = judge(u, rule, inputs, [outputs], num);
  return backend.optimizer ? r : { ...r, notes: [...(r.notes ?? []), "core's composite (the backend has no optimizer capability)"] };
}

/** Call the backend's capability directly, under the storage checks of every kernel case. */
function runCapability(backend: Backend, rule: UpdateRule, inputs: readonly HostTensor[]): CaseResult {
  const num = effectiveNumerics(backend.numerics);
  const u = updateOf(rule);
  const optimizer = backend.optimizer!;
  const spec = { shape: inputs[0]!.shape, dtype: 'float32' as const };
  const ex = executeMany(
    backend,
    inputs,
    (_b, [value, grad, ...slots]) => optimizer.optimizerUpdate(u, value!, grad!, slots),
    inputs.slice(1).map(() => spec),
  );
  if (!ex.ok) return failResult(ex.message, num.arithmeticUlp === 0 && !num.flushesSubnormals ? 'ulp' : 'bound', num.notesFor('optimizerUpdate'));
  return judge(u, rule, inputs, ex.outputs, num);
}

/** Slot values each rule keeps (non-negative where the rule squares into them; centered rms above mg²). */
function slotsFor(rule: UpdateRule, shape: readonly number[], r: Rng): HostTensor[] {
  const n = sizeOf(shape);
  const signed = (): HostTensor => host(shape, r.array(n, wide(-12, 4)));
  const positive = (): HostTensor =>
    host(
      shape,
      r.array(n, (q) => Math.abs(wide(-24, 8)(q))),
    );
  switch (rule.kind) {
    case 'sgd':
      return [];
    case 'momentum':
      return [signed()];
    case 'adam':
      return [signed(), positive()];
    case 'adagrad':
      return [positive()];
    case 'rmsprop': {
      const mg = signed();
      // rms ≥ mg² (+ a margin), as the update keeps it, so the centered denominator stays positive
      const rms = host(
        shape,
        Array.from(mg.values, (m) => m * m * r.float(1.5, 4) + r.float(0, 1)),
      );
      return [rms, ...(rule.centered ? [mg] : []), ...(rule.momentum > 0 ? [signed()] : [])];
    }
  }
}

function describeRule(rule: UpdateRule): string {
  return Object.entries(rule)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}

/** One optimizer case: the capability (or, without one, core's composite) — and its composite twin. */
function optimizerCases(
  rule: UpdateRule,
  shape: readonly number[],
  what: string,
  grads?: (r: Rng, n: number) => number[],
): ConformanceCase<'optimizerUpdate'>[] {
  const name = `${rule.kind} (${describeRule(rule)}) ${what} ${shapeStr(shape)}`;
  const inputs = (): HostTensor[] => {
    const r = new Rng(`optimizerUpdate/${name}`);
    const n = sizeOf(shape);
    const value = host(shape, r.array(n, wide(-8, 4)));
    const grad = host(shape, grads ? grads(r, n) : r.array(n, (q) => (q.bool(0.05) ? 0 : wide(-16, 6)(q))));
    const slots = slotsFor(rule, shape, r);
    if (slots.length !== slotCount(updateOf(rule))) throw new Error(`optimizer case ${name}: ${slots.length} slots for ${rule.kind}`);
    return [value, grad, ...slots];
  };
  const base = { kernel: 'optimizerUpdate' as const, op: 'optimizerUpdate', name, kind: 'kernel' as const };
  return [
    { ...base, run: (backend) => (backend.optimizer ? runCapability(backend, rule, inputs()) : runComposite(backend, rule, inputs())) },
    {
      ...base,
      composite: true,
      run: (backend) =>
        backend.optimizer
          ? runComposite(backend, rule, inputs())
          : skipResult(`${backend.name} has no optimizer capability: its optimizerUpdate row runs core's composite`),
    },
  ];
}

/** Zeros of both signs, tiny and huge magnitudes in the gradient. */
const extremeGrads = (r: Rng, n: number): number[] => r.array(n, (q) => (q.bool(0.2) ? q.pick([0, -0]) : wide(-40, 30)(q)));

function allOptimizerCases(): ConformanceCase<'optimizerUpdate'>[] {
  const s = [3, 7];
  return [
    ...optimizerCases({ kind: 'sgd', lr: 0.1 }, s, 'random'),
    ...optimizerCases({ kind: 'sgd', lr: 0.01 }, [41], 'zeros, tiny and huge gradients', extremeGrads),
    ...optimizerCases({ kind: 'momentum', lr: 0.05, momentum: 0.9, nesterov: false }, s, 'random'),
    ...optimizerCases({ kind: 'momentum', lr: 0.05, momentum: 0.9, nesterov: true }, s, 'random'),
    ...optimizerCases({ kind: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 1 }, s, 'random'),
    ...optimizerCases({ kind: 'adam', lr: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-3, step: 7 }, [2, 3, 4], 'random'),
    ...optimizerCases({ kind: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 3 }, [41], 'zeros, tiny and huge gradients', extremeGrads),
    ...optimizerCases({ kind: 'rmsprop', lr: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false }, s, 'random'),
    ...optimizerCases({ kind: 'rmsprop', lr: 0.01, rho: 0.95, momentum: 0, epsilon: 1e-6, centered: true }, s, 'random'),
    ...optimizerCases({ kind: 'rmsprop', lr: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-7, centered: false }, s, 'random'),
    ...optimizerCases({ kind: 'rmsprop', lr: 0.001, rho: 0.8, momentum: 0.9, epsilon: 1e-7, centered: true }, s, 'random'),
    ...optimizerCases({ kind: 'adagrad', lr: 0.01, epsilon: 1e-7 }, s, 'random'),
    ...optimizerCases({ kind: 'adagrad', lr: 0.1, epsilon: 1e-7 }, [], 'scalar'),
    ...optimizerCases({ kind: 'momentum', lr: 0.1, momentum: 0.5, nesterov: true }, [0, 3], 'empty'),
  ];
}

const ALL = allOptimizerCases();

/** The capability rows (`optimizerUpdate`): every update kind on a backend with the capability, core's composite on one without. */
export const optimizerUpdateCases: readonly ConformanceCase<'optimizerUpdate'>[] = ALL.filter((c) => !c.composite);
/** The composite checks (`optimizerUpdate (composite)`): core's composite on a backend that has the capability. */
export const optimizerCompositeCases: readonly ConformanceCase<'optimizerUpdate'>[] = ALL.filter((c) => c.composite);
