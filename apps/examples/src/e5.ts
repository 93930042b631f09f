/**
 * E5. Keras breadth (issue 17): not an experiment of the seed articles, two
 * models a TensorFlow.js or Keras user writes first, on data the repository
 * ships or generates (no downloads):
 *
 * 1. A functional model with two inputs and two outputs on scikit-learn's
 *    digits: the top and bottom halves of each 8×8 image go through one
 *    shared encoder (one set of weights), the encodings are concatenated,
 *    and two heads predict the digit (softmax) and the image's mean ink
 *    (regression), trained together with loss weights; then saved and loaded.
 * 2. A text classifier on generated sequences of word ids whose label is
 *    whether word A comes before word B: order matters, so a bag of words
 *    (Embedding + GlobalAveragePooling1D) stays near chance while
 *    Embedding + Bidirectional LSTM learns it. Sequences have different
 *    lengths, padded with 0 and masked (maskZero).
 */
import {
  Bidirectional,
  Concatenate,
  Dense,
  Embedding,
  GlobalAveragePooling1D,
  LSTM,
  Sequential,
  input,
  loadModel,
  model,
  setSeed,
  tensor,
  type Model,
  type Tensor,
} from '@polytensor/core';
import { fromArray, loadTabular, trainTestSplit } from '@polytensor/datasets';
import { MemoryWriter, TrainingLog, lineChartSpec, type LogRecord, type Point } from '@polytensor/trainlog';
import { experimentCli, intOption } from './cli.js';
import { Outputs, provenance, since, useBackend, type ResultRow, type Summary } from './common.js';

export interface E5Options {
  backend?: string;
  seed?: number;
  quick?: boolean;
  /** Epochs of the digits model (default 30) and of the text models (default 8). */
  digitsEpochs?: number;
  textEpochs?: number;
  /** Generated sentences (default 2000). */
  sentences?: number;
  outDir?: string | null;
  log?: (line: string) => void;
  argv?: readonly string[];
}

const VOCAB = 30;
const WORD_A = 1;
const WORD_B = 2;

/** Sentences of 4 to 16 word ids in [3, VOCAB) with A and B each once; label 1 when A precedes B. */
export function orderSentences(n: number, seed: number, maxLen = 16): { ids: Int32Array; labels: Int32Array } {
  let s = seed >>> 0 || 1;
  const rand = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const ids = new Int32Array(n * maxLen);
  const labels = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const len = 4 + Math.floor(rand() * (maxLen - 3));
    const words = Array.from({ length: len }, () => 3 + Math.floor(rand() * (VOCAB - 3)));
    const i = Math.floor(rand() * len);
    let j = Math.floor(rand() * (len - 1));
    if (j >= i) j++;
    words[i] = WORD_A;
    words[j] = WORD_B;
    labels[k] = i < j ? 1 : 0;
    ids.set(words, k * maxLen); // the rest stays 0: padding
  }
  return { ids, labels };
}

export async function run(opts: E5Options = {}): Promise<{ summary: Summary }> {
  const say = opts.log ?? (() => {});
  const t0 = performance.now();
  const started = new Date().toISOString();
  const backend = await useBackend(opts.backend);
  const seed = opts.seed ?? 1;
  const quick = opts.quick ?? false;
  const digitsEpochs = opts.digitsEpochs ?? (quick ? 3 : 30);
  const textEpochs = opts.textEpochs ?? (quick ? 2 : 8);
  const sentences = opts.sentences ?? (quick ? 200 : 2000);
  const writer = new MemoryWriter();
  const rows: ResultRow[] = [];
  const notes: string[] = [];

  // ---- 1. functional: two inputs, a shared encoder, two outputs -----------------------------
  const digits = await loadTabular('digits');
  const { train, test } = trainTestSplit(digits, { testFraction: 0.2, seed, stratify: true });
  const halves = (ds: typeof train): { top: Tensor; bottom: Tensor; label: Tensor; ink: Tensor } => {
    const n = ds.numExamples;
    const top = new Float32Array(n * 32);
    const bottom = new Float32Array(n * 32);
    const ink = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      let sum = 0;
      for (let p = 0; p < 64; p++) {
        const v = ds.features[r * 64 + p]! / 16;
        (p < 32 ? top : bottom)[r * 32 + (p % 32)] = v;
        sum += v;
      }
      ink[r] = sum / 64;
    }
    return { top: tensor(top, [n, 32]), bottom: tensor(bottom, [n, 32]), label: tensor(ds.labels, [n], 'int32'), ink: tensor(ink, [n, 1]) };
  };
  const tr = halves(train);
  const te = halves(test);
  setSeed(seed);
  const topIn = input({ shape: [32], name: 'top' });
  const bottomIn = input({ shape: [32], name: 'bottom' });
  const encoder = new Dense({ units: 32, activation: 'relu', name: 'encoder' });
  const both = new Concatenate({ name: 'both' }).apply([encoder.apply(topIn), encoder.apply(bottomIn)]);
  const hidden = new Dense({ units: 32, activation: 'relu', name: 'hidden' }).apply(both);
  const digit = new Dense({ units: 10, name: 'digit' }).apply(hidden);
  const inkOut = new Dense({ units: 1, name: 'ink' }).apply(hidden);
  const twoHeads = model({ inputs: [topIn, bottomIn], outputs: [digit, inkOut], name: 'digits_two_heads' });
  twoHeads.compile({
    optimizer: 'adam',
    learningRate: 0.003,
    loss: { digit: 'sparseSoftmaxCrossEntropy', ink: 'meanSquaredError' },
    lossWeights: { digit: 1, ink: 10 },
    metrics: { digit: ['accuracy'] },
  });
  const summaryText = twoHeads.summary(() => {});
  say(summaryText);
  const log1 = new TrainingLog({ run: 'functional', writer });
  const h1 = await twoHeads.fit([tr.top, tr.bottom], [tr.label, tr.ink], {
    epochs: digitsEpochs,
    batchSize: 32,
    validationData: [
      [te.top, te.bottom],
      [te.label, te.ink],
    ],
    callbacks: [log1],
    verbose: 0,
  });
  const ev = twoHeads.evaluate([te.top, te.bottom], [te.label, te.ink]);
  const preds = twoHeads.predict([te.top, te.bottom]) as Tensor[];
  await twoHeads.save('memory://e5-two-heads');
  const loaded = await loadModel<Model>('memory://e5-two-heads');
  const again = loaded.predict([te.top, te.bottom]) as Tensor[];
  const identical = preds.every((p, i) => p.dataSync().every((v, k) => v === again[i]!.dataSync()[k]));
  const inkMae = Math.sqrt(ev['ink_loss']!);
  rows.push(
    {
      name: 'functional: digit accuracy (test)',
      published: 'n/a (our own experiment)',
      ours: `${(100 * ev['digit_accuracy']!).toFixed(1)}%`,
      value: ev['digit_accuracy']!,
      target: '≥ 90%',
      met: ev['digit_accuracy']! >= 0.9,
    },
    { name: 'functional: ink RMSE (test, ink in [0, 1])', published: 'n/a', ours: inkMae.toFixed(4), value: inkMae, target: '< 0.05', met: inkMae < 0.05 },
    { name: 'functional: save → load predictions', published: 'n/a', ours: identical ? 'bit-identical' : 'DIFFER', target: 'bit-identical', met: identical },
  );
  for (const t of [...preds, ...again]) t.dispose();
  loaded.dispose();
  say(
    `functional: digit accuracy ${(100 * ev['digit_accuracy']!).toFixed(1)}%, ink RMSE ${inkMae.toFixed(4)}, save/load ${identical ? 'bit-identical' : 'DIFFERENT'}`,
  );

  // ---- 2. text: order of words, padded and masked -------------------------------------------
  const maxLen = 16;
  const data = orderSentences(sentences, seed + 100, maxLen);
  const nTrain = Math.floor(sentences * 0.8);
  const xTrain = tensor(data.ids.subarray(0, nTrain * maxLen), [nTrain, maxLen], 'int32');
  const yTrain = tensor(data.labels.subarray(0, nTrain), [nTrain], 'int32');
  const xTest = tensor(data.ids.subarray(nTrain * maxLen), [sentences - nTrain, maxLen], 'int32');
  const yTest = tensor(data.labels.subarray(nTrain), [sentences - nTrain], 'int32');
  const textModel = (kind: 'bilstm' | 'bag'): Sequential => {
    setSeed(seed);
    const m = new Sequential({
      name: kind,
      layers: [
        new Embedding({ inputDim: VOCAB, outputDim: 16, maskZero: kind === 'bilstm', inputLength: maxLen }),
        kind === 'bilstm' ? new Bidirectional({ layer: new LSTM({ units: 16 }) }) : new GlobalAveragePooling1D(),
        new Dense({ units: 2 }),
      ],
    });
    m.compile({ optimizer: 'adam', learningRate: 0.01, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
    return m;
  };
  const histories: Record<string, Record<string, number[]>> = {};
  const accs: Record<string, number> = {};
  for (const kind of ['bilstm', 'bag'] as const) {
    const m = textModel(kind);
    if (kind === 'bilstm') say(m.summary(() => {}));
    // Batches through a Dataset pipeline: a seeded shuffle each epoch, batches of 32.
    const rowsOf = Array.from({ length: nTrain }, (_, k) => ({ xs: Array.from(data.ids.subarray(k * maxLen, (k + 1) * maxLen)), ys: data.labels[k]! }));
    const ds = fromArray(rowsOf).shuffle(nTrain, seed).batch(32);
    const h = await m.fitDataset(ds, {
      epochs: textEpochs,
      validationData: [xTest, yTest],
      callbacks: [new TrainingLog({ run: `text-${kind}`, writer })],
      verbose: 0,
    });
    histories[kind] = h.history;
    accs[kind] = m.evaluate(xTest, yTest)['accuracy']!;
    m.dispose();
  }
  rows.push(
    {
      name: 'text: Embedding + Bidirectional LSTM accuracy (test)',
      published: 'n/a',
      ours: `${(100 * accs['bilstm']!).toFixed(1)}%`,
      value: accs['bilstm']!,
      target: '≥ 90%',
      met: accs['bilstm']! >= 0.9,
    },
    {
      name: 'text: bag of words (GlobalAveragePooling1D) accuracy (test)',
      published: 'n/a',
      ours: `${(100 * accs['bag']!).toFixed(1)}%`,
      value: accs['bag']!,
      target: '≈ 50% (order is invisible to it)',
    },
  );
  say(`text: BiLSTM ${(100 * accs['bilstm']!).toFixed(1)}%, bag of words ${(100 * accs['bag']!).toFixed(1)}%`);
  notes.push(
    `Functional: inputs top and bottom (32 pixels each, scaled to [0, 1]); the shared encoder Dense(32, relu) is applied to both (one set of weights), then Concatenate, Dense(32, relu), and the heads digit (10 logits, sparse softmax cross-entropy, weight 1) and ink (mean pixel value, MSE, weight 10); Adam 0.003, batch 32, ${digitsEpochs} epochs; digits split 80/20 stratified with seed ${seed}.`,
    `Text: ${sentences} generated sentences of 4 to ${maxLen} word ids from a vocabulary of ${VOCAB} (0 is padding), each holding word A and word B once; the label is whether A comes first. Embedding(16, maskZero) + Bidirectional(LSTM 16) + Dense(2) against Embedding(16) + GlobalAveragePooling1D + Dense(2); Adam 0.01, ${textEpochs} epochs of fitDataset over a Dataset (fromArray → shuffle → batch 32); 80/20 split.`,
  );
  for (const t of [tr.top, tr.bottom, tr.label, tr.ink, te.top, te.bottom, te.label, te.ink, xTrain, yTrain, xTest, yTest]) t.dispose();
  twoHeads.dispose();

  const summary: Summary = {
    experiment: 'e5',
    title: 'E5. Keras breadth: a functional two-input, two-output model and a text classifier',
    backend,
    seed,
    reduced: quick,
    ...(quick ? { reducedNote: `${digitsEpochs} and ${textEpochs} epochs, ${sentences} sentences` } : {}),
    ...provenance('e5', opts.argv ?? [], backend),
    started,
    seconds: since(t0),
    results: rows,
    figures: [],
    notes,
    details: { functional: h1.history, text: histories, summary: summaryText },
  };
  if (opts.outDir !== null) {
    const out = await Outputs.forExperiment('e5', opts.outDir);
    const records: LogRecord[] = writer.records;
    await out.log('log.jsonl', records);
    await out.text('model_summary.txt', `${summaryText}\n`);
    const curve = (h: Record<string, number[]>, keys: string[], panel: string): Point[] =>
      keys.flatMap((k) => (h[k] ?? []).map((v, i) => ({ x: i + 1, y: v, series: k, panel })));
    await out.svg(
      'functional_losses.svg',
      lineChartSpec(
        [...curve(h1.history, ['digit_loss', 'val_digit_loss'], 'digit (cross-entropy)'), ...curve(h1.history, ['ink_loss', 'val_ink_loss'], 'ink (MSE)')],
        {
          title: 'Two-input, two-output model on digits: each output\u2019s loss',
          xTitle: 'epoch',
          yTitle: 'loss',
          seriesTitle: 'curve',
          columns: 2,
          width: 260,
          height: 160,
        },
      ),
      'The functional model\u2019s per-output losses, training and validation, by epoch: both heads learn from the shared encoder.',
    );
    await out.svg(
      'text_accuracy.svg',
      lineChartSpec(
        (['bilstm', 'bag'] as const).flatMap((k) =>
          curve(histories[k]!, ['accuracy', 'val_accuracy'], k === 'bilstm' ? 'Embedding + Bidirectional LSTM' : 'bag of words'),
        ),
        { title: 'Does A come before B? Accuracy by epoch', xTitle: 'epoch', yTitle: 'accuracy', seriesTitle: 'curve', columns: 2, width: 260, height: 160 },
      ),
      'Training and validation accuracy of the two text models: the recurrent model reads word order; the bag of words cannot, and stays near chance.',
    );
    await out.finish(records, summary);
  }
  return { summary };
}

export async function main(argv: readonly string[]): Promise<void> {
  const cli = experimentCli('e5', 'E5: a functional two-input, two-output model on digits and a text classifier (Embedding + Bidirectional LSTM).', argv, {
    'digits-epochs': { type: 'string', help: 'epochs of the digits model (default 30)' },
    'text-epochs': { type: 'string', help: 'epochs of the text models (default 8)' },
    sentences: { type: 'string', help: 'generated sentences (default 2000)' },
  });
  if (!cli) return;
  const o: E5Options = cli.options;
  const d = intOption(cli.values, 'digits-epochs');
  if (d !== undefined) o.digitsEpochs = d;
  const t = intOption(cli.values, 'text-epochs');
  if (t !== undefined) o.textEpochs = t;
  const s = intOption(cli.values, 'sentences');
  if (s !== undefined) o.sentences = s;
  await run(o);
}
