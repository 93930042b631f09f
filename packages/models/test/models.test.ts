import { describe, expect, it } from 'vitest';
import { setSeed, tensor, tidy } from '@polytensor/core';
import { type LTFN_INITS, RECIPES, RECIPE_NAMES, fcMlp, ltfnCnn, seedCnn, seedMlp } from '../src/index.js';

describe('the seed models', () => {
  it.each([
    ['seedMlp (E1)', seedMlp, 50_890, [null, 10]],
    ['seedMlp hidden 16', () => seedMlp({ hidden: 16 }), 784 * 16 + 16 + 16 * 10 + 10, [null, 10]],
    ['fcMlp (LTFN3)', fcMlp, 648_010, [null, 10]],
    ['seedCnn (E3, as seed 004 prints)', seedCnn, 469_514, [null, 10]],
    ['ltfnCnn (LTFN5)', () => ltfnCnn('normal'), 321_738, [null, 10]],
  ] as const)('%s has its published parameter count and output shape', (_, build, params, out) => {
    const m = build();
    expect(m.paramCounts()).toEqual({ total: params, trainable: params });
    expect(m.outputShape).toEqual(out);
    m.dispose();
  });

  it('one seed gives bit-identical initial weights; another seed different ones', () => {
    const weights = (seed: number): number[][] => {
      setSeed(seed);
      const m = seedCnn();
      m.build();
      const w = m.getWeightValues().map((a) => Array.from(a.subarray(0, 50)));
      m.dispose();
      return w;
    };
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)).not.toEqual(weights(4));
  });

  it('the three LTFN initialisations differ in scale as described', () => {
    const std = (init: (typeof LTFN_INITS)[number]): number => {
      setSeed(1);
      const m = ltfnCnn(init);
      m.build();
      const w = m.getWeightValues()[2]!; // layer2_conv kernel, 3·3·64·64 values
      m.dispose();
      let s = 0;
      for (const v of w) s += v * v;
      return Math.sqrt(s / w.length);
    };
    expect(std('normal')).toBeCloseTo(1, 1);
    expect(std('x0.01')).toBeCloseTo(0.01, 3);
    expect(std('he')).toBeCloseTo(Math.sqrt(2 / (9 * 64)), 2); // He normal: sqrt(2 / fanIn)
  });

  it.each(RECIPE_NAMES)('recipe %s compiles and takes one step on its input shape', (name) => {
    const r = RECIPES[name];
    setSeed(1);
    const m = r.build();
    m.compile(r.compile);
    const n = 2;
    const [x, y] = tidy(() => [
      tensor(new Float32Array(n * r.inputShape.reduce((p, d) => p * d, 1)).fill(0.5), [n, ...r.inputShape]),
      tensor([3, 7], [n], 'int32'),
    ]);
    const logs = m.trainOnBatch(x!, y!);
    expect(Number.isFinite(logs['loss'])).toBe(true);
    for (const t of [x!, y!]) t.dispose();
    m.dispose();
  });
});
