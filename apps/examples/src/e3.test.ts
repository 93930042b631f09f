import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kerasCnn, run } from './e3.js';

describe('E3: the Keras-style CNN (reduced)', () => {
  it("has 469,514 trainable parameters, as the article's summary()", () => {
    const m = kerasCnn();
    m.build();
    expect(m.paramCounts().trainable).toBe(469514);
    expect(m.summary(() => {})).toMatch(/Total params: 469,514/);
    m.dispose();
  });

  it('trains a step or two on a tiny subset and writes its outputs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e3-'));
    const { summary, params } = await run({ quick: true, outDir: dir });
    expect(params).toBe(469514);
    expect(summary.reduced).toBe(true);
    expect(summary.results[0]).toMatchObject({ met: true });
    expect(await readFile(join(dir, 'model_summary.txt'), 'utf8')).toContain('469,514');
    expect(await readFile(join(dir, 'activations.svg'), 'utf8')).toMatch(/^<svg/);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('E3');
  });

  it('resumed from an epoch checkpoint, it ends exactly where an uninterrupted run ends', async () => {
    const straight = await run({ quick: true, epochs: 2, outDir: null, seed: 3 });
    const ckpt = await mkdtemp(join(tmpdir(), 'e3-ckpt-'));
    const first = await run({ quick: true, epochs: 1, outDir: null, seed: 3, checkpoint: ckpt });
    expect(JSON.parse(await readFile(join(ckpt, 'checkpoint.json'), 'utf8'))).toMatchObject({ epochsDone: 1, iterations: 2 });
    const resumed = await run({ quick: true, epochs: 2, outDir: null, seed: 3, checkpoint: ckpt, resume: true });
    const details = (r: typeof straight): Record<string, unknown> => r.summary.details as Record<string, unknown>;
    expect(details(resumed)['history']).toEqual(details(straight)['history']);
    expect(details(resumed)['testLoss']).toBe(details(straight)['testLoss']);
    expect(resumed.testAccuracy).toBe(straight.testAccuracy);
    // the summary says it was resumed, and its wall time includes the training before the checkpoint
    expect(resumed.summary.notes[0]).toMatch(/^Resumed from the checkpoint in .* after epoch 1 \(\d+ s of training before it/);
    expect(straight.summary.notes[0]).toBe('The model summary:');
    expect(resumed.summary.seconds).toBeGreaterThanOrEqual(details(first)['trainSeconds'] as number);
    // a checkpoint of other settings is refused, naming the difference
    await expect(run({ quick: true, epochs: 2, outDir: null, seed: 4, checkpoint: ckpt, resume: true })).rejects.toThrow(
      /other settings \(seed: 3 there, 4 now\)/,
    );
    expect(details(first)['testLoss']).not.toBe(details(straight)['testLoss']);
  });
});
