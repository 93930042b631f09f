import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ltfnCnn, run } from './e2.js';

describe('E2: the Learn TensorFlow Now series (reduced)', () => {
  it("the LTFN CNN has the article's shape (conv 64, 64, pool, 128, 128, pool, FC 10)", () => {
    const m = ltfnCnn('he');
    m.build();
    expect(m.outputShape).toEqual([null, 10]);
    // 640 + 36,928 + 73,856 + 147,584 + 62,730
    expect(m.paramCounts().total).toBe(321738);
    m.dispose();
  });

  it('runs every part on a tiny subset and shows the variance exploding, vanishing, then stable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e2-'));
    const { summary, parts } = await run({ quick: true, outDir: dir, seed: 2 });
    expect(Object.keys(parts)).toEqual(['ltfn1', 'ltfn3', 'normal', 'x0.01', 'he']);
    expect(summary.reduced).toBe(true);
    // ×0.01 learns nothing: the cost sits at ln(10)
    expect(parts['x0.01']!.firstCost).toBeCloseTo(Math.log(10), 3);
    expect(parts['normal']!.firstCost).toBeGreaterThan(1000);
    const recs = (await readFile(join(dir, 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; run: string; tag: string; step: number; std: number });
    const std = (run: string, layer: string): number =>
      recs.find((r) => r.type === 'histogram' && r.run.includes(run) && r.tag === `activations/${layer}` && r.step === 0)!.std;
    // N(0,1): each conv multiplies the spread; ×0.01: each divides it; He: within an order of magnitude
    expect(std('N(0,1) (LTFN5)', 'layer4_conv') / std('N(0,1) (LTFN5)', 'layer1_conv')).toBeGreaterThan(100);
    expect(std('× 0.01', 'layer4_conv') / std('× 0.01', 'layer1_conv')).toBeLessThan(0.01);
    const heRatio = std('He convs', 'layer4_conv') / std('He convs', 'layer1_conv');
    expect(heRatio).toBeGreaterThan(0.1);
    expect(heRatio).toBeLessThan(10);
    for (const f of ['mlp_cost.svg', 'init_std_by_layer.svg', 'init_histograms.svg', 'trained_histograms.svg', 'init_cost.svg']) {
      expect(await readFile(join(dir, f), 'utf8')).toMatch(/^<svg/);
    }
    expect(JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'))).toMatchObject({ experiment: 'e2', reduced: true });
  });
});
