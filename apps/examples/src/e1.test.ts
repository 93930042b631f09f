import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJsonLines } from '@polytensor/trainlog';
import { bitIdentical, disposeData, loadE1Data, maxAbsDiff, run, trainLevel } from './e1.js';

describe('E1: the MNIST MLP at three API levels', () => {
  it('raw ops, layers and Sequential.fit give bit-identical weights for the same seed (512 examples, 2 epochs)', async () => {
    const { levels } = await run({ quick: true, trainLimit: 512, testLimit: 200, epochs: 2, seed: 7, outDir: null });
    const [raw, layers, fit] = levels;
    expect(levels.map((l) => l.level)).toEqual(['raw', 'layers', 'fit']);
    expect(bitIdentical(raw!.weights, layers!.weights)).toBe(true);
    expect(bitIdentical(raw!.weights, fit!.weights)).toBe(true);
    // and training moved them: the loss fell
    expect(fit!.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(fit!.history[1]!.trainLoss).toBeLessThan(fit!.history[0]!.trainLoss);
    expect(raw!.history).toEqual(layers!.history);
    // test metrics: the loop evaluates in batches of 1000, fit in batches of 64: same count of correct answers, loss within rounding
    raw!.history.forEach((h, i) => expect(Math.round(h.testAccuracy * 200)).toBe(Math.round(fit!.history[i]!.testAccuracy * 200)));
    raw!.history.forEach((h, i) => expect(h.testLoss).toBeCloseTo(fit!.history[i]!.testLoss, 5));
  });

  it('another seed gives other weights; the composite raw ops (matMul → add → sigmoid) differ only by float32 rounding', async () => {
    const data = await loadE1Data(512, 100);
    try {
      const o = { seed: 7, epochs: 2, batchSize: 64, learningRate: 0.5, hidden: 64 };
      const fused = await trainLevel('raw', data, { ...o, rawOps: 'fused' });
      const composite = await trainLevel('raw', data, { ...o, rawOps: 'composite' });
      const other = await trainLevel('raw', data, { ...o, seed: 8, rawOps: 'fused' });
      expect(maxAbsDiff(fused.weights, other.weights)).toBeGreaterThan(1e-2);
      // The fused kernel rounds act(x·W + b) once; the composite rounds after matMul and after add.
      // After 16 SGD steps at lr 0.5 the weights agree to ~1e-6 (weights are ~0.1 in size).
      const d = maxAbsDiff(fused.weights, composite.weights);
      expect(d).toBeLessThan(1e-4);
    } finally {
      disposeData(data);
    }
  });

  it('the reduced run writes its log, figures, report and summary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e1-'));
    const { summary } = await run({ quick: true, trainLimit: 256, testLimit: 100, epochs: 1, outDir: dir });
    expect(summary.reduced).toBe(true);
    expect(summary.figures.map((f) => f.file)).toEqual(['accuracy.svg', 'loss.svg', 'histograms.svg']);
    expect(await readFile(join(dir, 'accuracy.svg'), 'utf8')).toMatch(/^<svg/);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('<svg');
    const recs = parseJsonLines(await readFile(join(dir, 'log.jsonl'), 'utf8'));
    expect(recs.some((r) => r.type === 'histogram' && r.tag === 'activations/hidden')).toBe(true);
    const s = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as { results: Array<{ name: string }> };
    expect(s.results.some((r) => r.name === 'same weights for the same seed')).toBe(true);
  });
});
