// Tensor methods are defined on the class and call the ops statically: no
// side-effect import attaches them (a bundler honouring "sideEffects": false
// would drop it). These tests keep that true as ops are added.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as core from '@polytensor/core';
import { Tensor, tensor, tensor1d, tensor2d, tensor3d, tensor4d, tensor5d, tensor6d, tidy } from './helpers.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * Public ops that take a tensor first but have no method, each with the reason.
 * Everything else exported from ops/ops.ts that takes a tensor first must be a method.
 */
const NOT_METHODS: Record<string, string> = {
  tensor: 'creates a tensor from host values',
  scalar: 'creates a tensor from host values',
  tensor1d: 'creates a tensor from host values',
  tensor2d: 'creates a tensor from host values',
  tensor3d: 'creates a tensor from host values',
  tensor4d: 'creates a tensor from host values',
  tensor5d: 'creates a tensor from host values',
  tensor6d: 'creates a tensor from host values',
  fill: 'creation from a shape',
  zeros: 'creation from a shape',
  ones: 'creation from a shape',
  zerosLike: 'creation (tfjs has no method either)',
  onesLike: 'creation (tfjs has no method either)',
  range: 'creation from numbers',
  eye: 'creation from numbers',
  scatterAdd: 'takes updates first and an output shape; a gradient building block',
  conv2dBackpropInput: 'a gradient building block; reached through conv2d',
  conv2dBackpropFilter: 'a gradient building block; reached through conv2d',
  fusedMatMul: 'takes one argument object',
  fusedConv2d: 'takes one argument object',
  softmaxCrossEntropyWithLogits: 'labels first; a loss building block',
  sumToShape: 'a gradient building block (reduces broadcast dimensions)',
  computeConv2DInfo: 'geometry helper, not an op',
  computePool2DInfo: 'geometry helper, not an op',
  // indexing and selection (tfjs has no method for these):
  gatherND: 'tfjs has no method',
  scatterND: 'takes indices first and an output shape (tfjs has no method)',
  tensorScatterUpdate: 'tfjs has no method',
  searchSorted: 'takes the sorted sequence first (tfjs has no method)',
  lowerBound: 'takes the sorted sequence first (tfjs has no method)',
  upperBound: 'takes the sorted sequence first (tfjs has no method)',
  bincount: 'tfjs has no method',
  denseBincount: 'tfjs has no method',
  sparseToDense: 'takes indices first and an output shape (tfjs has no method)',
  whereAsync: 'async (tfjs has no method)',
  booleanMaskAsync: 'async (tfjs has no method)',
  setdiff1dAsync: 'async (tfjs has no method)',
  inTopKAsync: 'async (tfjs has no method)',
  basicLSTMCell: 'takes the forget bias first; tfjs has no method either',
  multiRNNCell: 'takes the cell functions first',
  movingAverage: 'tfjs has no method either; v first, x second',
  cosineWindow: 'creation from numbers',
  // random: creation from a shape, or sampling from parameters (tfjs has no methods)
  randomUniformInt: 'creation from a shape',
  randomStandardNormal: 'creation from a shape',
  rand: 'creation from a shape and a function',
  multinomial: 'samples class ids from logits; tfjs has no method either',
  randomGamma: 'creation from a shape',
  bernoulli: 'creation from a shape or a probabilities tensor; not a transformation of it',
  customGrad: 'takes a function, not a tensor (tfjs has no method either)',
  stopGradient: "TensorFlow's stop_gradient; tfjs has neither the op nor a method",
  clipByGlobalNorm: 'takes an array of tensors',
  // shape and movement: tfjs's rank-checked spellings have no methods (x.reverse(), x.slice() … cover them)
  reverse1d: 'rank-checked spelling of reverse (tfjs has no method either)',
  reverse2d: 'rank-checked spelling of reverse (tfjs has no method either)',
  reverse3d: 'rank-checked spelling of reverse (tfjs has no method either)',
  reverse4d: 'rank-checked spelling of reverse (tfjs has no method either)',
  slice1d: 'rank-checked spelling of slice (tfjs has no method either)',
  slice2d: 'rank-checked spelling of slice (tfjs has no method either)',
  slice3d: 'rank-checked spelling of slice (tfjs has no method either)',
  slice4d: 'rank-checked spelling of slice (tfjs has no method either)',
  concat1d: 'rank-checked spelling of concat (tfjs has no method either)',
  concat2d: 'rank-checked spelling of concat (tfjs has no method either)',
  concat3d: 'rank-checked spelling of concat (tfjs has no method either)',
  concat4d: 'rank-checked spelling of concat (tfjs has no method either)',
  pad1d: 'rank-checked spelling of pad (tfjs has no method either)',
  pad2d: 'rank-checked spelling of pad (tfjs has no method either)',
  pad3d: 'rank-checked spelling of pad (tfjs has no method either)',
  pad4d: 'rank-checked spelling of pad (tfjs has no method either)',
  diag: 'tfjs has no method either',
  meshgrid: 'takes coordinate lists, returns several tensors (tfjs has no method either)',
  linspace: 'creation from numbers',
  broadcastArgs: 'takes two shapes as int32 vectors (tfjs has no method either)',
  ensureShape: 'a shape assertion (tfjs has no method either)',
  einsum: 'takes the equation first (tfjs has no method either)',
  // math:
  addN: 'takes a list of tensors (tfjs has no method either)',
  gelu: 'a Keras activation, not a tfjs-core op (no method in tfjs)',
  swish: 'a Keras activation, not a tfjs-core op (no method in tfjs)',
  softsign: 'a Keras activation, not a tfjs-core op (no method in tfjs)',
  moments: 'returns { mean, variance } (tfjs has no method either)',
  batchNorm2d: 'rank-checked batchNorm; the method is batchNorm (as tfjs)',
  batchNorm3d: 'rank-checked batchNorm; the method is batchNorm (as tfjs)',
  batchNorm4d: 'rank-checked batchNorm; the method is batchNorm (as tfjs)',
  outerProduct: 'tfjs has no method either',
  // convolutions, pooling and images:
  maxPoolWithArgmax: 'returns two tensors (tfjs has no method either)',
  conv3d: 'tfjs has no method',
  conv3dTranspose: 'tfjs has no method',
  maxPool3d: 'tfjs has no method',
  avgPool3d: 'tfjs has no method',
};

function opsBarrelNames(): string[] {
  const text = readFileSync(join(src, 'ops/ops.ts'), 'utf8');
  const names: string[] = [];
  for (const m of text.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim();
      if (name && !name.startsWith('type ')) names.push(name);
    }
  }
  return names;
}

describe('Tensor methods', () => {
  it('exist for every public op that takes a tensor first (or are listed with a reason)', () => {
    const names = opsBarrelNames();
    expect(names.length).toBeGreaterThan(60);
    const missing = names.filter((n) => !(n in NOT_METHODS) && typeof (Tensor.prototype as unknown as Record<string, unknown>)[n] !== 'function');
    expect(missing, 'public ops without a Tensor method: add one in tensor.ts or list it in NOT_METHODS with the reason').toEqual([]);
    const stale = Object.keys(NOT_METHODS).filter((n) => !names.includes(n));
    expect(stale, 'NOT_METHODS lists names that are no longer ops').toEqual([]);
    for (const n of names) expect(typeof (core as Record<string, unknown>)[n], `core exports ${n}`).toBe('function');
  });

  it('compute what the ops compute', () => {
    tidy(() => {
      const x = tensor([
        [1, -2],
        [3, 4],
      ]);
      expect(x.slice([1, 0], [1, 2]).arraySync()).toEqual([[3, 4]]);
      expect(x.gather(tensor([1, 0], undefined, 'int32')).arraySync()).toEqual([
        [3, 4],
        [1, -2],
      ]);
      expect(x.concat(x, 1).shape).toEqual([2, 4]);
      expect(x.concat([x, x]).shape).toEqual([6, 2]);
      expect(x.stack(x).shape).toEqual([2, 2, 2]);
      expect(x.abs().prod().arraySync()).toBe(24);
      expect(
        x
          .pad([
            [0, 0],
            [1, 0],
          ])
          .arraySync(),
      ).toEqual([
        [0, 1, -2],
        [0, 3, 4],
      ]);
      expect(x.greaterEqual(3).arraySync()).toEqual([
        [false, false],
        [true, true],
      ]);
      expect(x.where(x.greater(0), 0).arraySync()).toEqual([
        [1, 0],
        [3, 4],
      ]);
      expect(tensor([0, 2], undefined, 'int32').oneHot(3).arraySync()).toEqual([
        [1, 0, 0],
        [0, 0, 1],
      ]);
      const img = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
      expect(img.maxPool(2).arraySync()).toEqual([[[[4]]]]);
      expect(img.avgPool(2).arraySync()).toEqual([[[[2.5]]]]);
      expect(img.conv2d(tensor([1], [1, 1, 1, 1])).arraySync()).toEqual(img.arraySync());
    });
  });

  it('print() logs the shape, dtype and values', () => {
    const lines: string[] = [];
    const t = tensor([1, 2]);
    t.print((l) => lines.push(l));
    t.dispose();
    expect(lines).toEqual(['Tensor([2], float32)\n[1,2]']);
  });
});

describe('tensor1d … tensor6d', () => {
  it('create tensors of the stated rank', () => {
    tidy(() => {
      expect(tensor1d([1, 2, 3]).shape).toEqual([3]);
      expect(tensor1d([1, 2], 'int32').dtype).toBe('int32');
      expect(
        tensor2d([
          [1, 2],
          [3, 4],
        ]).shape,
      ).toEqual([2, 2]);
      expect(tensor2d([1, 2, 3, 4, 5, 6], [3, 2]).shape).toEqual([3, 2]);
      expect(tensor3d([[[1]], [[2]]]).shape).toEqual([2, 1, 1]);
      expect(tensor4d(new Float32Array(8), [1, 2, 2, 2]).shape).toEqual([1, 2, 2, 2]);
      expect(tensor5d(new Float32Array(2), [1, 1, 1, 1, 2]).shape).toEqual([1, 1, 1, 1, 2]);
      expect(tensor6d(new Float32Array(1), [1, 1, 1, 1, 1, 1]).rank).toBe(6);
    });
  });

  it('reject values or shapes of another rank, naming the function', () => {
    expect(() => tensor2d([1, 2, 3])).toThrow(/tensor2d: expected values of rank 2, got rank 1 \(shape \[3\]\)/);
    expect(() => tensor1d([[1], [2]])).toThrow(/tensor1d: expected values of rank 1, got rank 2/);
    expect(() => tensor3d([1, 2], [2] as unknown as [number, number, number])).toThrow(/tensor3d: shape \[2\] has rank 1, expected 3/);
    expect(() => tensor4d(new Float32Array(4))).toThrow(/tensor4d: expected values of rank 4, got a flat typed array/);
  });
});

// ---- the module graph -------------------------------------------------------
// tensor.ts imports the ops (for its methods), and the ops import tensor.ts (for
// instanceof): a cycle that is safe only while nothing evaluated during
// tensor.ts's own imports needs Tensor at load time (`class X extends Tensor`).

/** Value imports (not `import type`) of a source module, resolved to files under src. */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)([^;]*?)\s+from\s+'(\.[^']+)'/gm)) {
    if (/^\{?\s*type\s/.test(m[1]!) && !/,\s*(?!type\b)\w/.test(m[1]!)) continue;
    out.push(resolve(dirname(file), m[2]!.replace(/\.js$/, '.ts')));
  }
  for (const m of text.matchAll(/^import\s+'(\.[^']+)'/gm)) out.push(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  return out;
}

function reachableFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const walk = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const g of valueImports(f)) walk(g);
  };
  walk(entry);
  return seen;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}

describe('core module graph', () => {
  it('nothing tensor.ts loads extends Tensor (so the tensor ↔ ops cycle cannot hit a class before it exists)', () => {
    const extenders = sourceFiles(src).filter((f) => /\bclass\s+\w+\s+extends\s+(Tensor|Variable)\b/.test(readFileSync(f, 'utf8')));
    expect(extenders.map((f) => relative(src, f))).toContain('variable.ts');
    const reached = reachableFrom(join(src, 'tensor.ts'));
    expect(reached.size).toBeGreaterThan(20);
    expect([...reached].filter((f) => extenders.includes(f)).map((f) => relative(src, f))).toEqual([]);
  });

  it('tensor.ts is the one module import cycles pass through: without it the value-import graph is acyclic', () => {
    // Tensor's methods import the ops and the ops make tensors through the engine,
    // which constructs Tensor: that knot is by design (docs/decisions.md). Any
    // other cycle is a bug (Biome checks the other packages; core is checked here).
    const tensorFile = join(src, 'tensor.ts');
    const files = sourceFiles(src).filter((f) => f !== tensorFile);
    const edges = new Map(files.map((f) => [f, valueImports(f).filter((g) => g !== tensorFile && files.includes(g))]));
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(src, p)).join(' → '));
        return;
      }
      state.set(f, 'visiting');
      for (const g of edges.get(f) ?? []) visit(g, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
    expect(edges.size).toBeGreaterThan(60);
  });

  it('core has no side-effect-only imports (bundlers drop them under "sideEffects": false)', () => {
    const bare = sourceFiles(src).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^import\s+'[^']+'/gm)].map((m) => `${relative(src, f)}: ${m[0]}`));
    expect(bare).toEqual([]);
  });
});
