// The optimizer capability: one pass per output (the new value, then each new
// slot) where core's composite runs two (sgd: g·lr, then value − that) to a
// dozen (adam) elementwise kernels, each writing and re-reading the whole
// variable. gpu.js kernels have one render target, so a rule with slots runs one
// pass per output, each recomputing the few operations that output needs.
//
// Same rounding as the composite: every product that feeds a sum and every
// named intermediate passes through the math library's opaque identity ptK, so
// the shader compiler can neither fuse a multiply-add nor re-associate; ÷ and √
// are GLSL's, as the composite's div and sqrt kernels here run them. In gpu.js's
// CPU mode (JavaScript doubles) every operation is rounded with Math.fround.
import { sizeOfShape, type OptimizerCapability, type OptimizerUpdate, type TensorInfo } from '@polytensor/core';
import { defineNative } from '../native.js';
import type { GpujsStore } from '../store.js';
import { blocksOf, type Blocks22 } from '../util/gemm.js';
import { sharedRowsDims } from '../util/layout.js';

/** One rule: its hyperparameters (float32 values, uniforms), its slot count and each output's formula. */
interface Rule {
  /** Key part for the formula's structure (variants that change the code). */
  readonly key: string;
  readonly hyper: ReadonlyArray<readonly [string, number]>;
  readonly slots: number;
  /** Statements defining o0 (value'), o1… (slots'), from v, g, s0… and the hyper names; `k(x)` rounds x as an op result, `sq(x)` is the sqrt kernel's √x. */
  readonly code: (k: (x: string) => string, sq: (x: string) => string) => string[];
}

function ruleOf(u: OptimizerUpdate): Rule {
  switch (u.kind) {
    case 'sgd':
      return { key: 'sgd', hyper: [['lr', u.lr]], slots: 0, code: (k) => [`o0 = v - ${k('g * lr')}`] };
    case 'momentum':
      return {
        key: `momentum:${u.nesterov ? 'n' : 'p'}`,
        hyper: [
          ['lr', u.lr],
          ['mom', u.momentum],
        ],
        slots: 1,
        code: (k) => [`o1 = ${k(`${k('s0 * mom')} + g`)}`, `o0 = v - ${k(`${u.nesterov ? k(`g + ${k('o1 * mom')}`) : 'o1'} * lr`)}`],
      };
    case 'adam':
      return {
        key: 'adam',
        hyper: [
          ['alpha', u.alpha],
          ['b1', u.beta1],
          ['c1', u.oneMinusBeta1],
          ['b2', u.beta2],
          ['c2', u.oneMinusBeta2],
          ['eps', u.epsilon],
        ],
        slots: 2,
        code: (k, sq) => [
          `o1 = ${k(`${k('s0 * b1')} + ${k('g * c1')}`)}`,
          `o2 = ${k(`${k('s1 * b2')} + ${k(`${k('g * g')} * c2`)}`)}`,
          `o0 = v - ${k(`${k(`o1 / ${k(`${k(sq('o2'))} + eps`)}`)} * alpha`)}`,
        ],
      };
    case 'rmsprop': {
      const withMom = u.momentum > 0;
      const mg = u.centered ? 's1' : '';
      const mom = u.centered ? 's2' : 's1';
      const momOut = u.centered ? 'o3' : 'o2';
      return {
        key: `rmsprop:${u.centered ? 'c' : 'p'}:${withMom ? 'm' : 'n'}`,
        hyper: [
          ['lr', u.lr],
          ['rho', u.rho],
          ['c', u.oneMinusRho],
          ['mom', u.momentum],
          ['eps', u.epsilon],
        ],
        slots: 1 + (u.centered ? 1 : 0) + (withMom ? 1 : 0),
        code: (k, sq) => [
          `o1 = ${k(`${k('s0 * rho')} + ${k(`${k('g * g')} * c`)}`)}`,
          ...(u.centered ? [`o2 = ${k(`${k(`${mg} * rho`)} + ${k('g * c')}`)}`, `d = ${k(`o1 - ${k('o2 * o2')}`)}`] : ['d = o1']),
          `inc = ${k(`${k(`g / ${k(sq(k('d + eps')))}`)} * lr`)}`,
          ...(withMom ? [`${momOut} = ${k(`${k(`${mom} * mom`)} + inc`)}`, `o0 = v - ${momOut}`] : ['o0 = v - inc']),
        ],
      };
    }
    case 'adagrad':
      return {
        key: 'adagrad',
        hyper: [
          ['lr', u.lr],
          ['eps', u.epsilon],
        ],
        slots: 1,
        code: (k, sq) => [`o1 = ${k(`s0 + ${k('g * g')}`)}`, `o0 = v - ${k(`${k(`g / ${k(sq(k('o1 + eps')))}`)} * lr`)}`],
      };
  }
}

/** The native computing output `out` of `rule` from one element's v, g, slots and the hyperparameters. */
function updateNative(rule: Rule, out: number) {
  const names = ['v', 'g', ...Array.from({ length: rule.slots }, (_, i) => `s${i}`), ...rule.hyper.map(([h]) => h)];
  // every assigned name is a float local; the last statement's output is returned
  const locals = (lines: string[]): string[] => lines.map((l) => l.split(' = ')[0]!);
  // √ of a negative is NaN, as the sqrt kernel returns it (GLSL leaves it undefined)
  const glslLines = rule.code(
    (x) => `ptK(${x})`,
    (x) => `(${x} < 0.0 ? K.z : sqrt(${x}))`,
  );
  const declared = [...new Set(locals(glslLines))];
  const glsl = `  float ${declared.join(', ')};\n${glslLines.map((l) => `  ${l};`).join('\n')}\n  return o${out};`;
  const jsLines = rule
    .code(
      (x) => `Math.fround(${x})`,
      (x) => `Math.sqrt(${x})`,
    )
    .map((l) => l.replace(/^(o\d) = v - (.*)$/, '$1 = Math.fround(v - $2)'));
  // (gpu.js parses CPU-mode natives itself: each local declared where it is assigned, Math.fround called by name)
  const js = `${jsLines.map((l) => `  const ${l};`).join('\n')}\n  return o${out};`;
  return defineNative('upd', `${names.join(' ')} K:vec4`, 'float', glsl, js);
}

/**
 * One optimizer step for one variable: [value', ...slots'], one pass per
 * output. The passes run over the gradient's rows when it has them (a
 * product's output), so after the first step the value and slots keep that
 * layout and every input is read at the fragment's own texel.
 */
export function optimizerUpdate(s: GpujsStore, u: OptimizerUpdate, value: TensorInfo, grad: TensorInfo, slots: readonly TensorInfo[]): TensorInfo[] {
  const rule = ruleOf(u);
  const n = sizeOfShape(value.shape);
  if (n === 0) return Array.from({ length: rule.slots + 1 }, () => s.outEmpty(value.shape, 'float32'));
  const hyper = rule.hyper.map(([h]) => `h_${h}`);
  const blocks = blocksOf(s, grad)?.blocks;
  if (blocks && blocks.batch === 1 && !blocks.c.flat && blocks.m >= 2 && blocks.m * blocks.n === n) {
    return updateFromBlocks(s, rule, hyper, value, blocks, slots);
  }
  const texs = [value, grad, ...slots].map((x) => s.tex(x));
  const rows = sharedRowsDims(s.rt, n, [texs[1]!]);
  const width = rows ? rows[0]! : s.rt.texWidth([n]);
  const here = texs.map((t) => t.size[0] === width);
  const index = rows ? 'this.thread.y * W + this.thread.x' : 'this.thread.x * 1.0';
  const inputs = texs.map((_, i) => `t${i}`);
  const reads = inputs.map((t, i) => (here[i] ? `rdh(${t})` : `rd(${t}, ${index})`));
  const outs: TensorInfo[] = [];
  for (let out = 0; out <= rule.slots; out++) {
    const tex = s.rt.run(
      {
        key: `optimizer:${rule.key}:${out}:${rows ? 'r' : 'f'}:${here.map((h) => (h ? 'h' : 'i')).join('')}`,
        params: [...inputs.map((t) => [t, 'tex'] as const), ...hyper.map((h) => [h, 'float'] as const), ['W', 'float']],
        body: `return upd(${[...reads, ...hyper].join(', ')}, kc);`,
        natives: [updateNative(rule, out)],
      },
      rows ?? [n],
      [...texs, ...rule.hyper.map(([, v]) => v), width ?? 1],
    );
    outs.push(s.outTex(tex, value.shape, 'float32'));
  }
  return outs;
}

/**
 * The update with the gradient read straight from a product's 2×2 blocks (a
 * weight's gradient xᵀ·dy, never unpacked: the unpacking pass and its
 * texture are saved), over [N, M] rows: the outputs keep the weight's rows.
 */
function updateFromBlocks(
  s: GpujsStore,
  rule: Rule,
  hyper: readonly string[],
  value: TensorInfo,
  blocks: Blocks22['blocks'],
  slots: readonly TensorInfo[],
): TensorInfo[] {
  const { c, m, n } = blocks;
  const others = [value, ...slots].map((x) => s.tex(x));
  const here = others.map((t) => t.size[0] === n);
  const names = others.map((_, i) => `t${i}`);
  const reads = names.map((t, i) => (here[i] ? `rdh(${t})` : `rd(${t}, r * W + col)`));
  // element (r, col) is lane (r mod 2)·2 + (col mod 2) of texel (col / 2, r / 2)
  const body = `const col = this.thread.x * 1.0;
const r = this.thread.y * 1.0;
const ty = Math.floor(r * 0.5);
const tx = Math.floor(col * 0.5);
const lane = (r - ty * 2.0) * 2.0 + (col - tx * 2.0);
const gv = rd4xy(gb, tx, ty);
let g = gv[3];
if (lane == 0.0) { g = gv[0]; }
if (lane == 1.0) { g = gv[1]; }
if (lane == 2.0) { g = gv[2]; }
return upd(${[reads[0]!, 'g', ...reads.slice(1), ...hyper].join(', ')}, kc);`;
  const outs: TensorInfo[] = [];
  for (let out = 0; out <= rule.slots; out++) {
    const tex = s.rt.run(
      {
        key: `optimizer:${rule.key}:${out}:blocks:${here.map((h) => (h ? 'h' : 'i')).join('')}`,
        params: [['gb', 'tex4'], ...names.map((t) => [t, 'tex'] as const), ...hyper.map((h) => [h, 'float'] as const), ['W', 'float']],
        body,
        natives: [updateNative(rule, out)],
      },
      [n, m],
      [c.tex, ...others, ...rule.hyper.map(([, v]) => v), n],
    );
    outs.push(s.outTex(tex, value.shape, 'float32'));
  }
  return outs;
}

/** The backend's optimizer capability. */
export function gpujsOptimizer(s: GpujsStore): OptimizerCapability {
  return { optimizerUpdate: (u, value, grad, slots) => optimizerUpdate(s, u, value, grad, slots) };
}
