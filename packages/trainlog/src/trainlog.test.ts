import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dense, Dropout, Sequential, randomNormal, setSeed, slice, tensor } from '@polytensor/core';
import {
  JsonLinesWriter,
  MemoryWriter,
  TrainingLog,
  histogramChartSpec,
  histogramOf,
  layerStatsSpec,
  lineChartSpec,
  parseJsonLines,
  readJsonLines,
  renderReport,
  renderSvg,
  scalarChartSpec,
  scalarSeries,
  sparkline,
  terminalView,
  toJsonLines,
  type LogRecord,
  type TrainingLogOptions,
} from './index.js';

async function trainTiny(options: TrainingLogOptions, epochs = 3): Promise<TrainingLog> {
  setSeed(3);
  const x = randomNormal([40, 4]);
  const y = tensor(
    Int32Array.from({ length: 40 }, (_, i) => i % 3),
    [40],
    'int32',
  );
  const probe = slice(x, 0, [8]);
  const log = new TrainingLog({ ...options, probe });
  const model = new Sequential({ layers: [new Dense({ units: 8, activation: 'relu', inputShape: [4] }), new Dropout({ rate: 0.1 }), new Dense({ units: 3 })] });
  model.compile({ optimizer: 'sgd', learningRate: 0.1, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
  await model.fit(x, y, { epochs, batchSize: 16, verbose: 0, validationData: [x, y], callbacks: [log] });
  model.dispose();
  for (const t of [x, y, probe]) t.dispose();
  return log;
}

describe('histogramOf', () => {
  it('bins finite values and reports statistics', () => {
    const h = histogramOf([0, 1, 2, 3, NaN, Infinity], 3);
    expect(h.count).toBe(4);
    expect(h.nonFinite).toBe(2);
    expect(h.edges).toEqual([0, 1, 2, 3]);
    expect(h.counts).toEqual([1, 1, 2]);
    expect(h.mean).toBeCloseTo(1.5);
    expect(h.std).toBeCloseTo(Math.sqrt(1.25));
  });
  it('handles constant and empty inputs', () => {
    expect(histogramOf([2, 2, 2], 4).counts.reduce((a, b) => a + b)).toBe(3);
    expect(histogramOf([], 4).count).toBe(0);
    expect(() => histogramOf([1], 0)).toThrow(/bins/);
  });
});

describe('TrainingLog', () => {
  it('records meta, batch and epoch scalars, and weight/activation histograms from fit', async () => {
    const log = await trainTiny({ run: 'tiny', meta: { note: 'test' } });
    const recs = log.records;
    expect(recs[0]).toMatchObject({ type: 'meta', run: 'tiny', data: { epochs: 3, batchSize: 16, note: 'test' } });
    expect(scalarSeries(recs, 'tiny', 'loss', 'batch').length).toBe(9); // 3 epochs × 3 batches
    expect(scalarSeries(recs, 'tiny', 'val_accuracy').map((p) => p.step)).toEqual([1, 2, 3]);
    const hists = recs.filter((r) => r.type === 'histogram');
    // steps 0, 1 (first epoch) and 3 (last): 4 weights + 2 activations (the Dropout is skipped) each
    expect([...new Set(hists.map((h) => h.step))]).toEqual([0, 1, 3]);
    const tags = hists.filter((h) => h.step === 0).map((h) => h.tag.replace(/_\d+/g, ''));
    expect(tags).toEqual([
      'weights/dense/kernel',
      'weights/dense/bias',
      'weights/dense/kernel',
      'weights/dense/bias',
      'activations/dense',
      'activations/dense',
    ]);
    expect(hists.every((h) => h.counts.reduce((a, b) => a + b, 0) === h.count)).toBe(true);
  });

  it('supports explicit loops through scalar/step/histogram', () => {
    const log = new TrainingLog({ run: 'manual', batchEvery: 2 });
    for (let i = 0; i < 4; i++) log.step({ loss: 1 / (i + 1) });
    log.scalar('accuracy', 0.5, 1);
    const t = tensor([1, 2, 3, 4]);
    log.histogram('activations/x', t, 1);
    t.dispose();
    expect(log.steps).toBe(4);
    expect(scalarSeries(log.records, 'manual', 'loss', 'batch')).toEqual([
      { step: 2, value: 0.5 },
      { step: 4, value: 0.25 },
    ]);
    expect(log.records.at(-1)).toMatchObject({ type: 'histogram', tag: 'activations/x', count: 4, min: 1, max: 4 });
  });
});

describe('JSON lines', () => {
  it('round-trips through a file and through strings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trainlog-'));
    const path = join(dir, 'sub', 'log.jsonl');
    const writer = await JsonLinesWriter.open(path);
    await trainTiny({ writer, run: 'file', histograms: 'all' }, 2);
    const text = await readFile(path, 'utf8');
    expect(text.trim().split('\n').length).toBe(writer.records.length);
    const back = await readJsonLines(path);
    expect(back).toEqual(JSON.parse(JSON.stringify(writer.records)));
    expect(parseJsonLines(toJsonLines(back))).toEqual(back);
    expect(() => parseJsonLines('{"type":"scalar"}\n')).toThrow(/line 1/);
    expect(() => parseJsonLines('nope')).toThrow(/not JSON/);
  });
});

describe('plots, report and terminal view', () => {
  let records: readonly LogRecord[] = [];
  it('renders SVG plots with vega-lite', async () => {
    const a = await trainTiny({ run: 'a', writer: new MemoryWriter() });
    const b = await trainTiny({ run: 'b' });
    records = [...a.records, ...b.records];
    const curves = await renderSvg(scalarChartSpec(records, { tags: ['loss', 'val_loss'], title: 'loss curves' }));
    expect(curves.startsWith('<svg')).toBe(true);
    expect(curves).toContain('loss curves');
    expect(curves).toMatch(/<path[^>]*d="M/);
    const hist = await renderSvg(histogramChartSpec(records, { run: 'a', kind: 'weights', title: 'weights' }));
    expect(hist).toContain('kernel');
    const stats = await renderSvg(layerStatsSpec(records, { kind: 'activations', title: 'std by layer' }));
    expect(stats).toContain('std by layer');
    const panels = await renderSvg(
      lineChartSpec(
        [
          { x: 1, y: 1, series: 's', panel: 'p1' },
          { x: 2, y: 2, series: 's', panel: 'p2' },
        ],
        { title: 'panels' },
      ),
    );
    expect(panels).toContain('p2');
  });

  it('writes a self-contained HTML report', async () => {
    const html = await renderReport(records, { title: 'Tiny <report>' });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Tiny &lt;report&gt;');
    expect(html).toContain('Run: a');
    expect(html).toContain('All runs');
    expect(html).toContain('Histograms: weights');
    expect(html).toContain('Histograms: activations');
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(8);
    expect(html).not.toMatch(/<script|src="http/);
  });

  it('draws a compact terminal view', () => {
    const text = terminalView(records, { width: 30, height: 5 });
    expect(text).toContain('── a');
    expect(text).toMatch(/loss per epoch/);
    expect(text).toMatch(/[┼┤╭╮╰╯│─]/);
    expect(text).toMatch(/histograms at step 3/);
    expect(sparkline([0, 1, 4])).toBe(' ▂█');
  });
});
