import { backendName, ready, setBackend, setSeed, tensor, tidy, type Logs } from '@polytensor/core';
import { loadMnist } from '@polytensor/datasets';
import { RECIPES, type ModelName } from './models.js';

export interface RunOptions {
  model: ModelName;
  backend?: string;
  epochs?: number;
  seed: number;
  /** Use only the first N training / test examples (smoke runs). */
  limit?: number;
  /** Where to save the trained model (file://...); null to skip. */
  save: string | null;
  verbose: 0 | 1;
  log: (line: string) => void;
}

export interface RunResult {
  backend: string;
  testAccuracy: number;
  testLoss: number;
  seconds: number;
  history: Record<string, number[]>;
  savedTo: string | null;
}

/** Train one seed model on MNIST and report test accuracy. */
export async function run(opts: RunOptions): Promise<RunResult> {
  if (opts.backend) await setBackend(opts.backend);
  else await ready();
  const backend = backendName();
  setSeed(opts.seed);
  const recipe = RECIPES[opts.model];
  const limit = opts.limit !== undefined ? { limit: opts.limit } : {};
  const [train, test] = await Promise.all([loadMnist({ split: 'train', ...limit }), loadMnist({ split: 'test', ...limit })]);
  opts.log(`polytensor: ${opts.model} (${recipe.description}) on backend '${backend}', seed ${opts.seed}`);
  opts.log(`data: ${train.count} training and ${test.count} test images`);

  const shape = (n: number): number[] => [n, ...recipe.inputShape];
  const xTrain = tensor(train.images, shape(train.count));
  const yTrain = tensor(train.labels, [train.count], 'int32');
  const xTest = tensor(test.images, shape(test.count));
  const yTest = tensor(test.labels, [test.count], 'int32');
  const model = recipe.build();
  try {
    model.compile(recipe.compile);
    model.summary(opts.log);
    const epochs = opts.epochs ?? recipe.epochs;
    const started = performance.now();
    const history = await model.fit(xTrain, yTrain, {
      batchSize: recipe.batchSize,
      epochs,
      verbose: opts.verbose,
      validationData: [xTest, yTest],
      callbacks: [],
    });
    const seconds = (performance.now() - started) / 1000;
    const final: Logs = model.evaluate(xTest, yTest, { batchSize: 500 });
    opts.log(`test accuracy: ${(final['accuracy']! * 100).toFixed(2)}%  test loss: ${final['loss']!.toFixed(4)}  (${seconds.toFixed(1)} s training)`);
    let savedTo: string | null = null;
    if (opts.save) {
      savedTo = (await model.save(opts.save)).destination;
      opts.log(`saved model to ${savedTo}`);
    }
    return { backend, testAccuracy: final['accuracy']!, testLoss: final['loss']!, seconds, history: history.history, savedTo };
  } finally {
    model.dispose();
    tidy(() => [xTrain, yTrain, xTest, yTest]).forEach((t) => t.dispose());
  }
}
