import type { LayersModel } from './layers_model.js';

/** Keras' summary layout: a header, one row (or several lines) per layer, then the parameter totals. */
export function summaryTable(
  model: LayersModel,
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | readonly string[]>>,
  print: (line: string) => void,
): string {
  // A cell may hold several lines (a layer connected to several inputs).
  const linesOf = (c: string | readonly string[]): readonly string[] => (typeof c === 'string' ? [c] : c.length ? c : ['']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.flatMap((r) => linesOf(r[i]!).map((l) => l.length))) + 2);
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('')
      .trimEnd();
  const rowLines = (r: ReadonlyArray<string | readonly string[]>): string[] => {
    const height = Math.max(...r.map((c) => linesOf(c).length));
    return Array.from({ length: height }, (_, k) => line(r.map((c) => linesOf(c)[k] ?? '')));
  };
  const total = widths.reduce((a, b) => a + b, 0);
  const { total: params, trainable } = model.paramCounts();
  const text = [
    `Model: "${model.name}"`,
    '_'.repeat(total),
    line(header),
    '='.repeat(total),
    ...rows.flatMap((r, i) => [...rowLines(r), i < rows.length - 1 ? '_'.repeat(total) : '='.repeat(total)]),
    `Total params: ${params.toLocaleString('en-US')}`,
    `Trainable params: ${trainable.toLocaleString('en-US')}`,
    `Non-trainable params: ${(params - trainable).toLocaleString('en-US')}`,
    '_'.repeat(total),
  ].join('\n');
  print(text);
  return text;
}
