import { describe, expect, it } from 'vitest';
import { fullCommandLine, machineInfo, type Summary } from './common.js';
import { renderResultsMd } from './results_md.js';

const summary = (reduced: boolean): Summary => ({
  experiment: 'e9',
  title: 'E9. A test',
  backend: 'ts',
  seed: 1,
  reduced,
  ...(reduced ? { reducedNote: '10 steps' } : {}),
  command: 'node apps/examples/dist/main.js e9 --quick',
  fullCommand: 'node apps/examples/dist/main.js e9 --backend ts',
  started: '2025-01-01T00:00:00Z',
  seconds: 3,
  machine: machineInfo(),
  results: [{ name: 'accuracy', published: '97%', ours: '98%', target: '≥ 97%', met: true }],
  figures: [{ file: 'curve.svg', caption: 'A | curve' }],
  notes: ['a note'],
  details: {},
});

describe('docs/results.md', () => {
  it('tables published vs ours, embeds figures and lists what remains', () => {
    const md = renderResultsMd([summary(true)]);
    expect(md).toContain('| accuracy | 97% | 98% | ≥ 97% | yes |');
    expect(md).toContain('![A \\| curve](results/e9/curve.svg)');
    expect(md).toContain('**Reduced run** (10 steps)');
    expect(md).toMatch(/## What remains\n\n- E9\. A test: ran reduced \(10 steps\)\. Full version: `node apps\/examples\/dist\/main\.js e9 --backend ts`/);
    expect(renderResultsMd([summary(false)])).toContain('Every experiment ran in its published configuration.');
    expect(renderResultsMd([summary(false)], 'results', { e9: 'Why it differs.\n' })).toContain('Why it differs.\n\n![A');
  });
});

describe('fullCommandLine', () => {
  it('drops the flags that reduce a run and makes the backend explicit', () => {
    expect(fullCommandLine('e2', ['--parts', 'init', '--cnn-steps', '100', '--cnn-lr=0.01', '--quick', '--out', 'x'], ['cnn-steps'], 'wasm')).toBe(
      'node apps/examples/dist/main.js e2 --backend wasm --parts init --cnn-lr=0.01 --out x',
    );
    expect(fullCommandLine('e3', ['--backend', 'ts', '--epochs', '1'], ['epochs'], 'wasm')).toBe('node apps/examples/dist/main.js e3 --backend ts');
  });
});
