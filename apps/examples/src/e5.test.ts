import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memory } from '@polytensor/core';
import { describe, expect, it } from 'vitest';
import { orderSentences, run } from './e5.js';

describe('E5: Keras breadth (reduced)', () => {
  it('the generated sentences hold A and B once each, padded with 0, labelled by their order', () => {
    const { ids, labels } = orderSentences(50, 3, 16);
    for (let k = 0; k < 50; k++) {
      const row = Array.from(ids.subarray(k * 16, (k + 1) * 16));
      const len = row.findIndex((v) => v === 0) < 0 ? 16 : row.findIndex((v) => v === 0);
      expect(row.slice(len).every((v) => v === 0)).toBe(true);
      expect(row.filter((v) => v === 1)).toHaveLength(1);
      expect(row.filter((v) => v === 2)).toHaveLength(1);
      expect(labels[k]).toBe(row.indexOf(1) < row.indexOf(2) ? 1 : 0);
    }
    expect(new Set(labels).size).toBe(2);
  });

  it('runs: the two-output model learns both heads and round-trips; writes its summary and figures; leaks nothing', async () => {
    const before = memory().numTensors;
    const dir = await mkdtemp(join(tmpdir(), 'e5-'));
    const { summary } = await run({ quick: true, digitsEpochs: 4, outDir: dir });
    const byName = Object.fromEntries(summary.results.map((r) => [r.name, r]));
    expect(byName['functional: save → load predictions']).toMatchObject({ met: true });
    expect(byName['functional: digit accuracy (test)']!.value!).toBeGreaterThan(0.6); // far above chance (0.1) after 4 epochs
    expect(byName['functional: ink RMSE (test, ink in [0, 1])']!.value!).toBeLessThan(0.1);
    const fn = summary.details['functional'] as Record<string, number[]>;
    expect(fn['digit_loss']![3]!).toBeLessThan(fn['digit_loss']![0]!);
    expect(await readFile(join(dir, 'model_summary.txt'), 'utf8')).toMatch(/encoder \(Dense\)\s+\[null,32\]\s+1056\s+top\[0\]\[0\]\n\s+bottom\[0\]\[0\]/);
    expect(await readFile(join(dir, 'functional_losses.svg'), 'utf8')).toMatch(/^<svg/);
    expect(await readFile(join(dir, 'text_accuracy.svg'), 'utf8')).toMatch(/^<svg/);
    expect(memory().numTensors).toBe(before);
  });
});
