/**
 * E4: six-layer MLPs on iris, wine and digits, "knockout and rescue"
 * (seeds/000-mlp-knockout-rescue-readme.txt, 001-…-article.txt).
 *
 * Two models with one architecture (5 hidden relu layers, each followed by
 * dropout as in the article's models, + a linear output; Glorot-uniform
 * weights, zero biases) and Adam: `matmul` (raw fusedMatMul ops
 * on variables; packaged as a Layer for fit, as the article wrapped it in a
 * model_fn for Estimator.fit) and `layers` (Dense layers). Each is trained two
 * ways: an explicit loop of optimizer steps, and Sequential.fit. Four
 * combinations, 5-fold stratified cross-validation, several seeds.
 *
 * 1. With identical seeds, batching (32), per-epoch shuffling, epochs and
 *    feature scaling, the four combinations give the same curves (the explicit
 *    loop draws `shuffle(n)` each epoch and gathers batches as fit does).
 * 2. Knockout/rescue: starting from fit's defaults, change one training-loop
 *    setting at a time in the explicit loop: one full-batch step per epoch (a
 *    loop that runs the train op on the whole training set each epoch), the
 *    same full batch but as many steps as the minibatch run, no shuffling,
 *    unscaled features. The setting whose change opens the gap is the cause.
 *    One model setting is varied the same way: no dropout.
 */
import { readFile } from 'node:fs/promises';
import {
  Adam,
  Dense,
  Dropout,
  Layer,
  LambdaCallback,
  Sequential,
  dropout,
  fusedMatMul,
  initializers,
  setSeed,
  shuffle,
  sparseSoftmaxCrossEntropy,
  tensor,
  tidy,
  variable,
  type CallOptions,
  type LayerConfig,
  type Shape,
  type Tensor,
  type Variable,
} from '@polytensor/core';
import { kFold, loadTabular, standardize, subset, type TabularName } from '@polytensor/datasets';
import { MemoryWriter, lineChartSpec, terminalView, type LogRecord, type Point } from '@polytensor/trainlog';
import { UsageError, intOption, listOption, experimentCli } from './cli.js';
import { Outputs, provenance, evaluateLogits, gatherBatch, pct, since, useBackend, type ResultRow, type Summary } from './common.js';

export const E4_DATASETS = ['iris', 'wine', 'digits'] as const;
export const COMBOS = ['matmul+loop', 'matmul+fit', 'layers+loop', 'layers+fit'] as const;
export type Combo = (typeof COMBOS)[number];
export const VARIANTS = ['baseline', 'full-batch', 'full-batch-same-steps', 'no-shuffle', 'unscaled', 'no-dropout'] as const;
export type Variant = (typeof VARIANTS)[number];

const VARIANT_LABEL: Record<Variant, string> = {
  baseline: "fit's defaults (batch 32, shuffled, scaled)",
  'full-batch': 'knockout: one full-batch step per epoch',
  'full-batch-same-steps': 'rescue: full batch, as many steps as batch 32',
  'no-shuffle': 'no shuffling (batch 32)',
  unscaled: 'unscaled features (batch 32)',
  'no-dropout': 'no dropout (model setting)',
};

/** Dropout rate after each hidden layer unless told otherwise. */
export const E4_DROPOUT = 0.2;

export interface E4Options {
  backend?: string;
  /** Seeds of the weights and shuffles (default 1, 2, 3). */
  seeds?: readonly number[];
  seed?: number;
  datasets?: readonly TabularName[];
  combos?: readonly Combo[];
  variants?: readonly Variant[];
  folds?: number;
  /** Epochs per dataset (default iris 100, wine 100, digits 30). */
  epochs?: Partial<Record<TabularName, number>>;
  hidden?: number;
  /** Dropout rate after each hidden layer (default E4_DROPOUT). */
  dropout?: number;
  learningRate?: number;
  batchSize?: number;
  outDir?: string | null;
  quick?: boolean;
  log?: (line: string) => void;
  argv?: readonly string[];
  /** Re-render the summary and figures from a previous run's summary.json (its recorded curves) without training. */
  fromSummary?: string;
}

// ---- the two models ----------------------------------------------------------

/** Layer sizes: input, five hidden layers, output (six weight layers). */
const sizesOf = (inputs: number, hidden: number, classes: number): number[] => [inputs, hidden, hidden, hidden, hidden, hidden, classes];

/**
 * act(x·W + b) per layer with core's raw fusedMatMul op: relu, linear at the
 * end; while training, core's dropout op after each hidden layer (the same
 * draws, in the same order, as the Dropout layers of the layers model).
 */
function matmulForward(x: Tensor, vars: readonly Variable[], rate: number, training: boolean): Tensor {
  return tidy(() => {
    let h = x;
    for (let i = 0; i < vars.length; i += 2) {
      const last = i + 2 === vars.length;
      h = fusedMatMul({ a: h, b: vars[i]!, bias: vars[i + 1]!, activation: last ? 'linear' : 'relu' });
      if (!last && training && rate > 0) h = dropout(h, rate);
    }
    return h;
  });
}

/** The matmul model as one Layer, so Sequential.fit can train it; weights created in Dense's order (kernel, bias per layer). */
export class MatMulMlp extends Layer {
  static readonly className: string = 'MatMulMlp';
  private vars: Variable[] = [];
  constructor(
    readonly sizes: readonly number[],
    readonly rate = 0,
  ) {
    super({ inputShape: [sizes[0]!] });
  }
  override build(inputShape: Shape): void {
    for (let i = 0; i + 1 < this.sizes.length; i++) {
      this.vars.push(this.addWeight(`W${i + 1}`, [this.sizes[i]!, this.sizes[i + 1]!], initializers.glorotUniform()));
      this.vars.push(this.addWeight(`b${i + 1}`, [this.sizes[i + 1]!], 'zeros'));
    }
    super.build(inputShape);
  }
  computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0] ?? null, this.sizes[this.sizes.length - 1]!];
  }
  protected call(x: Tensor, { training }: CallOptions): Tensor {
    return matmulForward(x, this.vars, this.rate, training ?? false);
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), sizes: [...this.sizes], rate: this.rate };
  }
  override dispose(): void {
    super.dispose();
    this.vars = [];
  }
}

let varCounter = 0;

interface Trainable {
  forward: (x: Tensor, training: boolean) => Tensor;
  vars: Variable[];
  /** A Sequential over the same weights, for fit. */
  sequential: () => Sequential;
  dispose: () => void;
}

/** Build a model right after setSeed: both kinds draw the same initial weights. */
function buildModel(kind: 'matmul' | 'layers', sizes: readonly number[], rate: number, forFit: boolean): Trainable {
  if (kind === 'matmul' && !forFit) {
    const vars: Variable[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      for (const [name, init, shape] of [
        [`W${i + 1}`, initializers.glorotUniform(), [sizes[i]!, sizes[i + 1]!]],
        [`b${i + 1}`, initializers.zeros(), [sizes[i + 1]!]],
      ] as const) {
        const t = init.apply(shape);
        vars.push(variable(t, true, `e4/${name}#${varCounter++}`));
        t.dispose();
      }
    }
    return {
      forward: (x, training) => matmulForward(x, vars, rate, training),
      vars,
      sequential: () => {
        throw new Error('explicit only');
      },
      dispose: () => vars.forEach((v) => v.dispose()),
    };
  }
  const layers: Layer[] =
    kind === 'matmul'
      ? [new MatMulMlp(sizes, rate)]
      : sizes.slice(1).flatMap((units, i) => {
          const last = i + 2 === sizes.length;
          const dense = new Dense({ units, activation: last ? 'linear' : 'relu', ...(i === 0 ? { inputShape: [sizes[0]!] } : {}) });
          return last || rate === 0 ? [dense] : [dense, new Dropout({ rate })];
        });
  const model = new Sequential({ layers });
  model.build();
  return { forward: (x, training) => model.apply(x, { training }), vars: model.trainableWeights, sequential: () => model, dispose: () => model.dispose() };
}

// ---- training ----------------------------------------------------------------

interface LoopSettings {
  batchSize: number;
  epochs: number;
  shuffle: boolean;
  /** Evaluate every this many epochs. */
  evalEvery: number;
}

/** Validation accuracy after every `evalEvery` epochs, with the optimizer steps taken so far. */
async function trainOne(
  combo: Combo,
  sizes: readonly number[],
  seed: number,
  lr: number,
  rate: number,
  s: LoopSettings,
  x: Tensor,
  y: Tensor,
  xv: Tensor,
  yv: Tensor,
): Promise<{ steps: number[]; acc: number[] }> {
  const [kind, loop] = combo.split('+') as ['matmul' | 'layers', 'loop' | 'fit'];
  setSeed(seed);
  const m = buildModel(kind, sizes, rate, loop === 'fit');
  const n = x.shape[0]!;
  const perEpoch = Math.ceil(n / s.batchSize);
  const steps: number[] = [];
  const acc: number[] = [];
  // fit's evaluate and our loop sum batch accuracies in different orders: compare counts of correct answers.
  const nv = xv.shape[0]!;
  const exact = (a: number): number => Math.round(a * nv) / nv;
  try {
    if (loop === 'fit') {
      const model = m.sequential();
      model.compile({ optimizer: new Adam(lr), loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
      await model.fit(x, y, {
        epochs: s.epochs,
        batchSize: s.batchSize,
        shuffle: s.shuffle,
        verbose: 0,
        validationData: [xv, yv],
        callbacks: [
          new LambdaCallback({
            onEpochEnd: (e, logs) => {
              if ((e + 1) % s.evalEvery === 0) {
                steps.push((e + 1) * perEpoch);
                acc.push(exact(logs['val_accuracy']!));
              }
            },
          }),
        ],
      });
      return { steps, acc };
    }
    const opt = new Adam(lr);
    try {
      for (let epoch = 0; epoch < s.epochs; epoch++) {
        const order = s.shuffle ? shuffle(n) : null;
        for (let b = 0; b < perEpoch; b++) {
          const start = b * s.batchSize;
          const [bx, by] = gatherBatch(x, y, order, start, Math.min(s.batchSize, n - start));
          opt.minimize(() => sparseSoftmaxCrossEntropy(by, m.forward(bx, true)), false, m.vars);
          bx.dispose();
          by.dispose();
        }
        if ((epoch + 1) % s.evalEvery === 0) {
          steps.push((epoch + 1) * perEpoch);
          acc.push(exact(evaluateLogits((t) => m.forward(t, false), xv, yv, 32).accuracy));
        }
      }
    } finally {
      opt.dispose();
    }
    return { steps, acc };
  } finally {
    m.dispose();
  }
}

export interface CurveResult {
  dataset: TabularName;
  combo: Combo;
  variant: Variant;
  seed: number;
  steps: number[];
  /** Mean validation accuracy over the folds at each evaluation. */
  meanAcc: number[];
  /** Each fold's final validation accuracy. */
  finalByFold: number[];
}

/** One curve: k-fold cross-validation (stratified, fold split fixed by seed 0) of one combination and variant. */
export async function crossValidate(
  dataset: TabularName,
  combo: Combo,
  variant: Variant,
  seed: number,
  o: { folds: number; epochs: number; hidden: number; lr: number; batchSize: number; dropout: number },
): Promise<CurveResult> {
  const ds = await loadTabular(dataset);
  const sizes = sizesOf(ds.numFeatures, o.hidden, ds.numClasses);
  const curves: number[][] = [];
  let stepsAt: number[] = [];
  for (const { trainIdx, valIdx } of kFold(ds.numExamples, o.folds, { seed: 0, stratify: ds.labels })) {
    const train = subset(ds, trainIdx);
    const val = subset(ds, valIdx);
    let tf = train.features;
    let vf = val.features;
    if (variant !== 'unscaled') {
      const st = standardize(train.features, train.numFeatures);
      tf = st.data;
      vf = standardize(val.features, val.numFeatures, { mean: st.mean, std: st.std }).data;
    }
    const nt = train.numExamples;
    const perEpochBaseline = Math.ceil(nt / o.batchSize);
    const s: LoopSettings =
      variant === 'full-batch'
        ? { batchSize: nt, epochs: o.epochs, shuffle: true, evalEvery: 1 }
        : variant === 'full-batch-same-steps'
          ? { batchSize: nt, epochs: o.epochs * perEpochBaseline, shuffle: true, evalEvery: perEpochBaseline }
          : { batchSize: o.batchSize, epochs: o.epochs, shuffle: variant !== 'no-shuffle', evalEvery: 1 };
    const x = tensor(tf, [nt, ds.numFeatures]);
    const y = tensor(train.labels, [nt], 'int32');
    const xv = tensor(vf, [val.numExamples, ds.numFeatures]);
    const yv = tensor(val.labels, [val.numExamples], 'int32');
    try {
      const r = await trainOne(combo, sizes, seed, o.lr, variant === 'no-dropout' ? 0 : o.dropout, s, x, y, xv, yv);
      curves.push(r.acc);
      stepsAt = r.steps;
    } finally {
      for (const t of [x, y, xv, yv]) t.dispose();
    }
  }
  const meanAcc = curves[0]!.map((_, i) => curves.reduce((a, c) => a + c[i]!, 0) / curves.length);
  return { dataset, combo, variant, seed, steps: stepsAt, meanAcc, finalByFold: curves.map((c) => c[c.length - 1]!) };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function run(opts: E4Options = {}): Promise<{ summary: Summary; curves: CurveResult[] }> {
  const say = opts.log ?? (() => {});
  const quick = opts.quick ?? false;
  const prev = opts.fromSummary ? (JSON.parse(await readFile(opts.fromSummary, 'utf8')) as Summary) : null;
  const prevCurves = prev ? (prev.details['curves'] as CurveResult[]) : null;
  const seeds = prevCurves
    ? [...new Set(prevCurves.map((c) => c.seed))]
    : (opts.seeds ?? (quick ? [opts.seed ?? 1] : [1, 2, 3].map((s) => s + (opts.seed ?? 1) - 1)));
  const datasets = prevCurves ? [...new Set(prevCurves.map((c) => c.dataset))] : (opts.datasets ?? (quick ? (['iris'] as TabularName[]) : E4_DATASETS));
  const combos = opts.combos ?? COMBOS;
  const variants = prevCurves ? VARIANTS.slice(1).filter((v) => prevCurves.some((c) => c.variant === v)) : (opts.variants ?? VARIANTS.slice(1));
  const folds = prev ? (prev.details['folds'] as number) : (opts.folds ?? (quick ? 2 : 5));
  const defaultEpochs: Record<TabularName, number> =
    (prev?.details['epochs'] as Record<TabularName, number> | undefined) ?? (quick ? { iris: 3, wine: 3, digits: 2 } : { iris: 100, wine: 100, digits: 30 });
  const hidden = prev ? (prev.details['hidden'] as number) : (opts.hidden ?? 32);
  const rate = prev ? ((prev.details['dropout'] as number | undefined) ?? 0) : (opts.dropout ?? E4_DROPOUT);
  const lr = prev ? (prev.details['learningRate'] as number) : (opts.learningRate ?? 0.001);
  const batchSize = prev ? (prev.details['batchSize'] as number) : (opts.batchSize ?? 32);
  const backend = prev ? prev.backend : await useBackend(opts.backend);
  const started = prev ? prev.started : new Date().toISOString();
  const t0 = performance.now();
  say(`E4 on backend '${backend}': ${datasets.join(', ')}; seeds ${seeds.join(', ')}; ${folds}-fold CV; six-layer MLPs (5 × ${hidden} relu), Adam ${lr}`);
  const curves: CurveResult[] = prevCurves ? [...prevCurves] : [];
  for (const dataset of datasets) {
    const epochs = opts.epochs?.[dataset] ?? defaultEpochs[dataset];
    const o = { folds, epochs, hidden, lr, batchSize, dropout: rate };
    for (const seed of prevCurves ? [] : seeds) {
      for (const combo of combos) curves.push(await crossValidate(dataset, combo, 'baseline', seed, o));
      for (const variant of variants) curves.push(await crossValidate(dataset, 'layers+loop', variant, seed, o));
    }
    const base = curves.filter((c) => c.dataset === dataset && c.variant === 'baseline');
    say(`  ${dataset}: baseline final CV accuracy ${pct(mean(base.map((c) => c.meanAcc[c.meanAcc.length - 1]!)))} (${since(t0).toFixed(0)} s so far)`);
    for (const variant of variants) {
      const vs = curves.filter((c) => c.dataset === dataset && c.variant === variant);
      say(`    ${VARIANT_LABEL[variant]}: ${pct(mean(vs.map((c) => c.meanAcc[c.meanAcc.length - 1]!)))}`);
    }
  }

  // Are the four combinations' curves identical for each dataset and seed?
  const identical: Record<string, boolean> = {};
  for (const dataset of datasets) {
    for (const seed of seeds) {
      const cs = curves.filter((c) => c.dataset === dataset && c.seed === seed && c.variant === 'baseline');
      identical[`${dataset} seed ${seed}`] = cs.every((c) => JSON.stringify(c.meanAcc) === JSON.stringify(cs[0]!.meanAcc));
    }
  }
  const allIdentical = Object.values(identical).every(Boolean);
  const finalMean = (cs: readonly CurveResult[]): number => mean(cs.map((c) => c.meanAcc[c.meanAcc.length - 1]!));
  const rows: ResultRow[] = [];
  rows.push({
    name: 'four combinations, identical settings: same curves?',
    published: 'matmul+loop degraded; layers+fit often 100%',
    ours: allIdentical
      ? `identical for every dataset and seed (${combos.join(', ')})`
      : `differ: ${Object.entries(identical)
          .filter(([, v]) => !v)
          .map(([k]) => k)
          .join(', ')}`,
    target: 'identical',
    met: allIdentical,
  });
  for (const dataset of datasets) {
    const baseCurves = curves.filter((c) => c.dataset === dataset && c.variant === 'baseline' && c.combo === 'layers+fit');
    const base = finalMean(curves.filter((c) => c.dataset === dataset && c.variant === 'baseline'));
    const foldFinals = baseCurves.flatMap((c) => c.finalByFold);
    const perfect = foldFinals.filter((a) => a === 1).length;
    const target = dataset === 'digits' ? undefined : '≈ 100%';
    rows.push({
      name: `${dataset}: CV validation accuracy, fit's defaults (all four combinations)`,
      published: dataset === 'digits' ? 'high (layers+fit best)' : 'often 100% (layers + Estimator.fit)',
      ours: `${pct(base)} mean over ${seeds.length} seeds × ${folds} folds; 100% on ${perfect} of ${foldFinals.length} folds; worst fold ${pct(Math.min(...foldFinals))}`,
      value: base,
      ...(target ? { target, met: base >= 0.95 } : {}),
    });
    for (const variant of variants) {
      const v = finalMean(curves.filter((c) => c.dataset === dataset && c.variant === variant));
      rows.push({
        name: `${dataset}: ${VARIANT_LABEL[variant]}`,
        published: variant === 'full-batch' ? 'degraded (the "knockout")' : '—',
        ours: `${pct(v)} (${v >= base ? '+' : ''}${((v - base) * 100).toFixed(1)} pts)`,
        value: v,
      });
    }
  }
  // Which single change opens the gap: the mean drop from the baseline over datasets.
  const drops = variants.map((variant) => {
    const d = datasets.map(
      (ds) =>
        finalMean(curves.filter((c) => c.dataset === ds && c.variant === 'baseline')) -
        finalMean(curves.filter((c) => c.dataset === ds && c.variant === variant)),
    );
    return { variant, drop: mean(d), byDataset: Object.fromEntries(datasets.map((ds, i) => [ds, d[i]!])) };
  });
  const worst = [...drops].sort((a, b) => b.drop - a.drop)[0];
  const causeNote = worst
    ? `Largest mean drop from fit's defaults: "${VARIANT_LABEL[worst.variant]}" (${(worst.drop * 100).toFixed(1)} pts averaged over ${datasets.join(', ')}); ` +
      drops.map((d) => `${d.variant}: ${(d.drop * 100).toFixed(1)} pts`).join(', ') +
      '.'
    : '';
  const records: LogRecord[] = [];
  const w = new MemoryWriter();
  for (const c of curves) {
    const run = `${c.dataset} ${c.variant === 'baseline' ? c.combo : `layers+loop ${c.variant}`} seed ${c.seed}`;
    c.steps.forEach((st, i) => w.write({ type: 'scalar', run, scope: 'step', tag: 'cv_val_accuracy', step: st, value: c.meanAcc[i]! }));
  }
  records.push(...w.records);
  const fullRun = prev ? !prev.reduced : !quick && folds >= 5 && seeds.length >= 3;
  const summary: Summary = {
    experiment: 'e4',
    title: 'E4. Six-layer MLPs on iris, wine and digits: knockout and rescue',
    backend,
    seed: seeds[0]!,
    reduced: !fullRun,
    ...(!fullRun ? { reducedNote: `${datasets.join(', ')}, ${folds} folds, seeds ${seeds.join(', ')}` } : {}),
    ...provenance('e4', opts.argv ?? [], backend),
    ...(prev ? { command: prev.command } : {}),
    started,
    seconds: prev ? prev.seconds : since(t0),
    results: rows,
    figures: [],
    notes: [
      `Six weight layers: ${hidden}-unit relu ×5${rate > 0 ? `, each followed by dropout ${rate} while training,` : ''} + linear output; Glorot-uniform weights, zero biases; Adam ${lr}; batch ${batchSize}; ${folds}-fold stratified CV (fold split fixed), curves are the mean validation accuracy over folds, one per seed; epochs: ${datasets.map((d) => `${d} ${opts.epochs?.[d] ?? defaultEpochs[d]}`).join(', ')}.`,
      'The explicit loop reproduces fit exactly (shuffle(n) each epoch from the global stream, gather, the same dropout draws in the same order, same loss and step), so the four combinations coincide; the variants change one setting at a time on the layers model with the explicit loop.',
      ...(causeNote ? [causeNote] : []),
    ],
    details: {
      seeds,
      folds,
      hidden,
      dropout: rate,
      learningRate: lr,
      batchSize,
      epochs: Object.fromEntries(datasets.map((d) => [d, opts.epochs?.[d] ?? defaultEpochs[d]])),
      identical,
      drops,
      curves,
    },
  };
  if (opts.outDir !== null) {
    const out = await Outputs.forExperiment('e4', opts.outDir);
    await out.log('log.jsonl', records);
    for (const dataset of datasets) {
      const base = curves.filter((c) => c.dataset === dataset && c.variant === 'baseline');
      const pts: Point[] = base.flatMap((c) => c.steps.map((st, i) => ({ x: st, y: c.meanAcc[i]!, series: `seed ${c.seed}`, panel: c.combo })));
      await out.svg(
        `combos_${dataset}.svg`,
        lineChartSpec(pts, {
          title: `${dataset}: CV validation accuracy, four combinations, identical settings`,
          xTitle: 'optimizer steps',
          yTitle: 'mean CV val. accuracy',
          seriesTitle: 'seed',
          columns: 4,
          width: 170,
          height: 130,
          points: false,
        }),
        `${dataset}: mean ${folds}-fold validation accuracy vs optimizer steps for each combination (model × training loop), one line per seed. Identical settings give identical curves.`,
      );
      const ko = curves.filter((c) => c.dataset === dataset && (c.variant !== 'baseline' || c.combo === 'layers+loop'));
      const kpts: Point[] = ko.flatMap((c) => c.steps.map((st, i) => ({ x: st, y: c.meanAcc[i]!, series: `seed ${c.seed}`, panel: VARIANT_LABEL[c.variant] })));
      await out.svg(
        `knockout_${dataset}.svg`,
        lineChartSpec(kpts, {
          title: `${dataset}: one setting changed at a time`,
          xTitle: 'optimizer steps (log scale)',
          yTitle: 'mean CV val. accuracy',
          seriesTitle: 'seed',
          columns: 3,
          width: 190,
          height: 130,
          points: false,
          xLog: true,
        }),
        `${dataset}: the same CV curves when one setting changes: of the training loop, or dropout (layers model, explicit loop). The x axis counts optimizer steps on a log scale: one full-batch step per epoch takes ${Math.ceil((dataset === 'digits' ? 1437 : dataset === 'wine' ? 142 : 120) / batchSize)}× fewer steps.`,
      );
    }
    await out.finish(records, summary);
  }
  say(
    terminalView(
      records.filter((r) => r.run.includes('layers+loop seed')),
      { width: 40, height: 4 },
    ),
  );
  return { summary, curves };
}

export async function main(argv: readonly string[]): Promise<void> {
  const cli = experimentCli('e4', 'E4: six-layer MLPs on iris, wine and digits; four combinations and the knockout/rescue cause.', argv, {
    datasets: { type: 'string', help: `subset of ${E4_DATASETS.join(',')} (default all)` },
    seeds: { type: 'string', help: 'comma-separated seeds (default 1,2,3)' },
    folds: { type: 'string', help: 'cross-validation folds (default 5)' },
    epochs: { type: 'string', help: 'epochs for every dataset (default iris 100, wine 100, digits 30)' },
    dropout: { type: 'string', help: `dropout rate after each hidden layer, in [0, 1) (default ${E4_DROPOUT})` },
    variants: { type: 'string', help: `subset of ${VARIANTS.slice(1).join(',')} (default all)` },
    'from-summary': { type: 'string', help: "re-render summary and figures from a previous run's summary.json, without training" },
  });
  if (!cli) return; // --help
  const { values } = cli;
  const o: E4Options = cli.options;
  const ds = listOption(values, 'datasets', E4_DATASETS);
  const vs = listOption(values, 'variants', VARIANTS);
  if (ds) o.datasets = ds;
  if (vs) o.variants = vs.filter((v) => v !== 'baseline');
  if (typeof values['seeds'] === 'string') o.seeds = values['seeds'].split(',').map((s) => Number(s));
  const folds = intOption(values, 'folds');
  if (folds !== undefined) o.folds = folds;
  const epochs = intOption(values, 'epochs');
  if (epochs !== undefined) o.epochs = { iris: epochs, wine: epochs, digits: epochs };
  if (typeof values['dropout'] === 'string') {
    const r = Number(values['dropout']);
    if (!(r >= 0 && r < 1)) throw new UsageError(`--dropout must be a number in [0, 1), got '${values['dropout']}'`);
    o.dropout = r;
  }
  if (typeof values['from-summary'] === 'string') o.fromSummary = values['from-summary'];
  await run(o);
}
