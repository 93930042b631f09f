/**
 * The training worker: probes the backends, loads MNIST, trains the seed MLP
 * and answers predictions for the Draw tab. Running here keeps the page
 * responsive; WebGL uses an OffscreenCanvas (the backend makes its own).
 */
import '@polytensor/backend-ts';
import '@polytensor/backend-wasm';
import '@polytensor/backend-webgl';
import {
  Callback,
  type Logs,
  PolytensorError,
  type Sequential,
  backendName,
  registerBackend,
  removeBackend,
  setBackend,
  setSeed,
  softmax,
  tensor,
  tidy,
} from '@polytensor/core';
import { RECIPES } from '@polytensor/models';
import { loadMnistSubset } from './mnist.js';
import { BACKENDS, type BackendStatus, type FromWorker, type Injected, type ToWorker, type TrainConfig } from './protocol.js';

const post = (msg: FromWorker): void => self.postMessage(msg);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

let model: Sequential | null = null;
/** Set by 'stop'; read after every batch, so a Stop pressed while MNIST loads still counts. */
let stopRequested = false;

/** Replace a backend's factory with one that fails, as a browser without it would. */
function injectBackendFailure(inject: Injected): void {
  if (inject?.kind !== 'backend') return;
  removeBackend(inject.backend);
  registerBackend(inject.backend, () => {
    throw new PolytensorError(`${inject.backend} backend: initialisation failed (injected by ?fail=backend:${inject.backend})`);
  });
}

async function probe(inject: Injected): Promise<BackendStatus[]> {
  injectBackendFailure(inject);
  const list: BackendStatus[] = [];
  for (const name of BACKENDS) {
    try {
      await setBackend(name);
      list.push({ name, available: true, reason: null });
    } catch (e) {
      list.push({ name, available: false, reason: message(e) });
    }
  }
  return list;
}

/** Posts each batch's logs and yields a turn so a 'stop' message can land mid-epoch. */
class Reporter extends Callback {
  step = 0;
  constructor(private readonly inject: Injected) {
    super();
  }
  override async onBatchEnd(_batch: number, logs: Logs): Promise<void> {
    this.step++;
    if (stopRequested && this.model) this.model.stopTraining = true;
    post({ type: 'batch', step: this.step, loss: logs['loss']!, accuracy: logs['accuracy']! });
    if (this.inject?.kind === 'worker' && this.step === 2) {
      // an uncaught error outside any promise: the worker dies as a real crash would
      setTimeout(() => {
        throw new Error('injected worker crash (?fail=worker)');
      });
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    post({ type: 'epoch', epoch, step: this.step, valLoss: logs['val_loss']!, valAccuracy: logs['val_accuracy']! });
  }
}

async function train(config: TrainConfig, inject: Injected): Promise<void> {
  // a model lives on the backend it was built on: drop the old one before switching
  model?.dispose();
  model = null;
  stopRequested = false;
  await setBackend(config.backend);
  const data = await loadMnistSubset(config.dataUrl, (loaded, total) => post({ type: 'loading', loaded, total }));
  const n = Math.min(config.examples, data.train.count);
  const recipe = RECIPES.mlp;
  setSeed(42);
  const next = recipe.build();
  const [x, y, xTest, yTest] = tidy(() => [
    tensor(data.train.images.subarray(0, n * 784), [n, 784]),
    tensor(data.train.labels.subarray(0, n), [n], 'int32'),
    tensor(data.test.images, [data.test.count, 784]),
    tensor(data.test.labels, [data.test.count], 'int32'),
  ]);
  const started = performance.now();
  try {
    next.compile({ ...recipe.compile, optimizer: config.optimizer, learningRate: config.learningRate });
    await next.fit(x, y, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      shuffle: true,
      verbose: 0,
      validationData: [xTest, yTest],
      callbacks: [new Reporter(inject)],
    });
    const stopped = next.stopTraining;
    const final = next.evaluate(xTest, yTest, { batchSize: 500 });
    model = next;
    post({ type: 'done', backend: backendName(), testAccuracy: final['accuracy']!, stopped, seconds: (performance.now() - started) / 1000 });
  } catch (e) {
    next.dispose();
    throw e;
  } finally {
    for (const t of [x, y, xTest, yTest]) t.dispose();
  }
}

function predict(pixels: Float32Array): number[] {
  if (!model) throw new Error('no trained model yet: train one in the Train tab first');
  const trained = model;
  const probs = tidy(() => softmax(trained.predict(tensor(pixels, [1, 784])) as ReturnType<typeof tensor>));
  try {
    return Array.from(probs.dataSync());
  } finally {
    probs.dispose();
  }
}

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  try {
    if (msg.type === 'probe') post({ type: 'backends', list: await probe(msg.inject) });
    else if (msg.type === 'train') await train(msg.config, msg.inject);
    else if (msg.type === 'stop') stopRequested = true;
    else if (msg.type === 'predict') post({ type: 'prediction', probabilities: predict(msg.pixels) });
  } catch (err) {
    post({ type: 'error', during: msg.type, message: message(err) });
  }
};
