/**
 * The training worker: probes the backends, loads MNIST, trains the chosen
 * seed model (pausable), reports curves, histograms and misclassified digits,
 * saves and loads models, and answers predictions for the Draw tab. Running
 * here keeps the page responsive; WebGL uses an OffscreenCanvas (the backend
 * makes its own). Backend packages are imported on first use (train/backends.ts).
 */
import { backend, backendName, Callback, findBackend, type Logs, type Sequential, setSeed, softmax, type Tensor, tensor, tidy } from '@polytensor/core';
import { RECIPES } from '@polytensor/models';
import { loadMnistSubset } from './mnist.js';
import type { BackendName, FromWorker, Injected, ToWorker, TrainConfig } from './protocol.js';
import { downloadFiles, loadFrom, saveToIndexedDb } from './storage/model_store.js';
import { Backends } from './train/backends.js';
import { misclassified, modelHistograms } from './train/inspect.js';
import { PauseGate } from './train/pause_gate.js';

const post = (msg: FromWorker, transfer: Transferable[] = []): void => self.postMessage(msg, { transfer });
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Histograms cost a read of every weight: at most this often while training. */
const HISTOGRAM_EVERY_MS = 1000;

let backends: Backends | null = null;
let model: Sequential | null = null;
let data: Awaited<ReturnType<typeof loadMnistSubset>> | null = null;
/** Set by 'stop'; read after every batch, so a Stop pressed while MNIST loads still counts. */
let stopRequested = false;
const gate = new PauseGate();
let contextLossInjected = false;

/** The shape a model takes its inputs in, with a leading batch of n (784 for the MLPs, 28×28×1 for the CNN). */
function inputShapeOf(m: Sequential, n: number): number[] {
  const shape = m.inputShape;
  return [n, ...(shape ? shape.slice(1).map((d) => d ?? 1) : [784])];
}

/** Does the model end in softmax (the CNN), or in logits (the MLPs)? */
function endsInSoftmax(m: Sequential): boolean {
  return m.layers.at(-1)?.getConfig()['activation'] === 'softmax';
}

/** Posts each batch's logs and histograms, waits while paused, and yields a turn so 'pause' and 'stop' can land mid-epoch. */
class Reporter extends Callback {
  step = 0;
  private lastHistograms = Number.NEGATIVE_INFINITY;
  constructor(
    private readonly inject: Injected,
    private readonly probe: Tensor,
  ) {
    super();
  }
  override async onBatchEnd(_batch: number, logs: Logs): Promise<void> {
    this.step++;
    post({ type: 'batch', step: this.step, loss: logs['loss']!, accuracy: logs['accuracy']! });
    this.injectFailures();
    const m = this.model as Sequential;
    if (performance.now() - this.lastHistograms > HISTOGRAM_EVERY_MS) {
      post({ type: 'histograms', step: this.step, ...(await modelHistograms(m, this.probe)) });
      this.lastHistograms = performance.now();
    }
    await new Promise((r) => setTimeout(r, 0));
    if (gate.paused && !stopRequested) {
      post({ type: 'paused', paused: true, step: this.step });
      await gate.pass();
      post({ type: 'paused', paused: false, step: this.step });
    }
    if (stopRequested) m.stopTraining = true;
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    post({ type: 'epoch', epoch, step: this.step, valLoss: logs['val_loss']!, valAccuracy: logs['val_accuracy']! });
  }
  private injectFailures(): void {
    if (this.inject?.kind === 'worker' && this.step === 2) {
      // an uncaught error outside any promise: the worker dies as a real crash would
      setTimeout(() => {
        throw new Error('injected worker crash (?fail=worker)');
      });
    }
    if (this.inject?.kind === 'webgl-context' && !contextLossInjected && this.step === 3 && backendName() === 'webgl') {
      // what a GPU reset does to the context, through the extension made for testing it; once, so webgl can be shown to recover
      contextLossInjected = true;
      (backend() as unknown as { gl: WebGLRenderingContext }).gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  }
}

/** Drop the current model (a model lives on the backend it was built on). */
function dropModel(): void {
  try {
    model?.dispose();
  } catch {
    // its backend may be gone (a lost context); nothing left to free
  }
  model = null;
}

/**
 * After a lost WebGL context, start the next webgl use afresh. True when the
 * failure came from it: webgl was the active backend, so its model is gone.
 */
function recoverFromContextLoss(): boolean {
  const webgl = findBackend('webgl') as { contextLost?: boolean } | null;
  if (!webgl?.contextLost) return false;
  const active = backendName() === 'webgl';
  if (active) dropModel();
  backends?.renew('webgl');
  return active;
}

async function train(config: TrainConfig, inject: Injected): Promise<void> {
  dropModel();
  stopRequested = false;
  gate.resume();
  await useBackend(config.backend);
  data ??= await loadMnistSubset(config.dataUrl, (loaded, total) => post({ type: 'loading', loaded, total }));
  post({ type: 'loading', loaded: 1, total: 1 });
  const { train: trainSet, test } = data;
  const n = Math.min(config.examples, trainSet.count);
  const recipe = RECIPES[config.model];
  setSeed(42);
  const next = recipe.build();
  const shape = (count: number): number[] => [count, ...recipe.inputShape];
  const [x, y, xTest, yTest, probe] = tidy(() => [
    tensor(trainSet.images.subarray(0, n * 784), shape(n)),
    tensor(trainSet.labels.subarray(0, n), [n], 'int32'),
    tensor(test.images, shape(test.count)),
    tensor(test.labels, [test.count], 'int32'),
    tensor(test.images.subarray(0, 64 * 784), shape(64)),
  ]);
  const started = performance.now();
  try {
    next.compile({ ...recipe.compile, optimizer: config.optimizer, learningRate: config.learningRate });
    const reporter = new Reporter(inject, probe);
    await next.fit(x, y, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      shuffle: true,
      verbose: 0,
      validationData: [xTest, yTest],
      callbacks: [reporter],
    });
    const stopped = next.stopTraining;
    const final = next.evaluate(xTest, yTest, { batchSize: 250 });
    post({ type: 'histograms', step: reporter.step, ...(await modelHistograms(next, probe)) });
    const wrong = await misclassified(next, xTest, test.labels, test.images);
    post(
      { type: 'misclassified', ...wrong },
      wrong.examples.map((e) => e.pixels.buffer),
    );
    model = next;
    post({
      type: 'done',
      backend: backendName(),
      model: config.model,
      testAccuracy: final['accuracy']!,
      stopped,
      seconds: (performance.now() - started) / 1000,
    });
  } catch (e) {
    try {
      next.dispose();
    } catch {
      // a lost context leaves nothing to free
    }
    throw e;
  } finally {
    for (const t of [x, y, xTest, yTest, probe]) t.dispose();
  }
}

/** Switch backends; a failure also updates the page's list (the backend is greyed out with its error). */
async function useBackend(name: BackendName): Promise<void> {
  try {
    await backends!.use(name);
  } catch (e) {
    post({ type: 'backends', list: backends!.list() });
    throw e;
  }
}

function predict(pixels: Float32Array): number[] {
  if (!model) throw new Error('no trained model yet: train one in the Train tab (or load one) first');
  const m = model;
  const probs = tidy(() => {
    const out = m.predict(tensor(pixels, inputShapeOf(m, 1))) as Tensor;
    return endsInSoftmax(m) ? out : softmax(out);
  });
  try {
    return Array.from(probs.dataSync());
  } finally {
    probs.dispose();
  }
}

async function save(target: 'indexeddb' | 'download', name: string): Promise<void> {
  if (!model) throw new Error('no model to save: train one first');
  if (target === 'indexeddb') {
    post({ type: 'saved', ...(await saveToIndexedDb(model, name)) });
    return;
  }
  const files = downloadFiles(model, name);
  post({ type: 'saved', destination: `downloads://${files.base}`, bytes: files.weights.byteLength, files }, [files.weights]);
}

async function load(msg: Extract<ToWorker, { type: 'load' }>): Promise<void> {
  dropModel();
  await useBackend(msg.backend);
  const { model: loaded, from } = await loadFrom(msg.source);
  model = loaded;
  post({ type: 'loaded', model: loaded.name, backend: backendName(), params: loaded.countParams(), from });
}

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  try {
    switch (msg.type) {
      case 'probe':
        backends = new Backends(msg.inject);
        post({ type: 'backends', list: await backends.probe() });
        break;
      case 'train':
        await train(msg.config, msg.inject);
        break;
      case 'pause':
        gate.pause();
        break;
      case 'resume':
        gate.resume();
        break;
      case 'stop':
        stopRequested = true;
        gate.resume();
        break;
      case 'predict':
        post({ type: 'prediction', probabilities: predict(msg.pixels) });
        break;
      case 'save':
        await save(msg.target, msg.name);
        break;
      case 'load':
        await load(msg);
        break;
    }
  } catch (err) {
    const contextLost = recoverFromContextLoss();
    post({ type: 'error', during: msg.type, message: message(err), ...(contextLost ? { contextLost } : {}) });
  }
};
