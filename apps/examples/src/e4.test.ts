import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMBOS, crossValidate, main, run } from './e4.js';

describe('E4: six-layer MLPs, knockout and rescue (reduced)', () => {
  it('the four combinations give identical CV curves under identical settings (dropout included)', async () => {
    const o = { folds: 2, epochs: 3, hidden: 16, lr: 0.01, batchSize: 32, dropout: 0.3 };
    const curves = [];
    // one after the other: they share the global seeded stream (fit awaits between epochs)
    for (const c of COMBOS) curves.push(await crossValidate('wine', c, 'baseline', 5, o));
    for (const c of curves) expect(c.meanAcc).toEqual(curves[0]!.meanAcc);
    expect(curves[0]!.steps).toEqual([3, 6, 9]); // 89 training rows per fold / 32 → 3 steps per epoch
    // dropout takes effect: without it the same seed trains to other weights
    const plain = await crossValidate('wine', 'layers+loop', 'no-dropout', 5, o);
    expect(plain.meanAcc).not.toEqual(curves[0]!.meanAcc);
  });

  it('rejects a dropout rate outside [0, 1) before training', async () => {
    await expect(main(['--quick', '--dropout', '1'])).rejects.toThrow(/--dropout must be a number in \[0, 1\), got '1'/);
  });

  it('runs the reduced experiment and writes curves for combinations and variants', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e4-'));
    const { summary, curves } = await run({ quick: true, outDir: dir });
    expect(summary.results[0]).toMatchObject({ met: true });
    expect(new Set(curves.map((c) => c.variant))).toEqual(new Set(['baseline', 'full-batch', 'full-batch-same-steps', 'no-shuffle', 'unscaled', 'no-dropout']));
    const fb = curves.find((c) => c.variant === 'full-batch')!;
    const same = curves.find((c) => c.variant === 'full-batch-same-steps')!;
    const base = curves.find((c) => c.variant === 'baseline')!;
    expect(fb.steps[fb.steps.length - 1]).toBe(3); // one step per epoch
    expect(same.steps[same.steps.length - 1]).toBe(base.steps[base.steps.length - 1]); // as many steps as batch 32
    expect(await readFile(join(dir, 'combos_iris.svg'), 'utf8')).toMatch(/^<svg/);
    expect(await readFile(join(dir, 'knockout_iris.svg'), 'utf8')).toMatch(/^<svg/);
    // the summary and figures can be re-rendered from the recorded curves, without training
    const again = await run({ fromSummary: join(dir, 'summary.json'), outDir: join(dir, 'again') });
    expect(again.summary.results).toEqual(summary.results);
    expect(again.summary.notes).toEqual(summary.notes);
  });
});
