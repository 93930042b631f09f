/**
 * polytensor and tfjs behind one small interface, so that each workload is
 * written once: host arrays in, tensors, results read back, and the seed
 * models as programs that train and predict.
 */
import * as pt from '@polytensor/core';
import * as tf from '@tensorflow/tfjs-core';
import { ptModel, withoutDropout, type ModelSpec, type Weights } from './models.js';
import { permutation } from './rng.js';
import { tfModel } from './tfjs_model.js';

/** What both libraries' tensors offer. */
export interface LibTensor {
  data(): Promise<unknown>;
  dispose(): void;
}

/** A seed model on one library, from the shared initial weights. */
export interface ModelProgram<T> {
  /** One training step (forward, loss, accuracy, backward, update); resolves with the loss once it is on the host. */
  trainStep(x: T, y: T): Promise<number>;
  /**
   * One epoch over (x, y) in batches of `batchSize`, rows in a fresh random
   * order unless `shuffle` is false; resolves with the epoch's mean loss.
   * polytensor: `Sequential.fit`; tfjs (no tfjs-layers here): the explicit loop
   * of gathered batches and trainStep.
   */
  fitEpoch(x: T, y: T, batchSize: number, shuffle: boolean): Promise<number>;
  /** The same epoch as an explicit loop: gather a batch, one step (loss and accuracy read back), on either library. */
  loopEpoch(x: T, y: T, batchSize: number, shuffle: boolean): Promise<number>;
  /** The current weights, in Sequential order. */
  weights(): Promise<Float32Array[]>;
  /** Inference on `x`, read back. */
  predict(x: T, batchSize: number): Promise<Float32Array>;
  dispose(): void;
}

export interface Lib<T extends LibTensor> {
  /** A tensor from host values (int32 for an Int32Array, else float32). */
  tensor(values: Float32Array | Int32Array, shape: readonly number[]): T;
  /** The seed model of `spec` set to `weights`; `dropout: false` gives the gate's deterministic twin. */
  model(spec: ModelSpec, weights: Weights, dropout: boolean): ModelProgram<T>;
}

/** A tensor's values on the host. */
export const read = async (t: LibTensor): Promise<Float32Array> => (await t.data()) as Float32Array;

/** Seeds of the tfjs loop's shuffles (each epoch a new order, as fit draws one). */
let nextOrderSeed = 1;

const dtypeOf = (v: Float32Array | Int32Array): 'int32' | 'float32' => (v instanceof Int32Array ? 'int32' : 'float32');

export const POLYTENSOR: Lib<pt.Tensor> = {
  tensor: (values, shape) => pt.tensor(values, shape, dtypeOf(values)),
  model(spec, weights, dropout) {
    const model = ptModel(spec.name, weights, dropout);
    return {
      // trainOnBatchAsync awaits its loss and metrics (as the tfjs step awaits data()): in
      // Chromium a blocking readback ran the GPU backends' queued step 3-5x slower
      trainStep: async (x, y) => (await model.trainOnBatchAsync(x, y))['loss']!,
      async fitEpoch(x, y, batchSize, shuffle) {
        const h = await model.fit(x, y, { batchSize, epochs: 1, shuffle, verbose: 0 });
        return h.history['loss']![0]!;
      },
      async loopEpoch(x, y, batchSize, shuffle) {
        // What fit does, written out: the order from core's seeded stream, a gathered batch,
        // minimize with the compiled loss, the accuracy on the batch, both read back.
        const n = x.shape[0]!;
        const order = shuffle ? pt.shuffle(n) : null;
        const lossFn = model.compiledLosses[0]!.fn;
        const optimizer = model.optimizer!;
        const vars = model.trainableWeights;
        let sum = 0;
        for (let start = 0; start < n; start += batchSize) {
          const size = Math.min(batchSize, n - start);
          const [bx, by] = pt.tidy(() => {
            if (!order) return [pt.slice(x, start, [size]), pt.slice(y, start, [size])];
            const idx = pt.tensor(order.subarray(start, start + size), [size], 'int32');
            return [pt.gather(x, idx, 0), pt.gather(y, idx, 0)];
          });
          let acc: pt.Tensor | null = null;
          const cost = optimizer.minimize(
            () => {
              const pred = model.apply(bx, { training: true }) as pt.Tensor;
              acc = pt.keep(pt.accuracy(by, pred));
              return lossFn(by, pred);
            },
            true,
            vars,
          );
          sum += cost.dataSync()[0]! * size;
          (acc as pt.Tensor | null)?.dataSync();
          pt.dispose([cost, bx, by, ...(acc ? [acc] : [])]);
        }
        return sum / n;
      },
      weights: async () => model.getWeightValues(),
      async predict(x, batchSize) {
        const out = model.predict(x, { batchSize });
        try {
          return await read(out);
        } finally {
          out.dispose();
        }
      },
      dispose: () => model.dispose(),
    };
  },
};

export const TFJS: Lib<tf.Tensor> = {
  tensor: (values, shape) => tf.tensor(values, [...shape], dtypeOf(values)),
  model(spec, weights, dropout) {
    const model = tfModel(dropout ? spec : withoutDropout(spec), weights);
    // tfjs-layers is not installed: its fit and our explicit loop are the same loop here.
    const tfLoop = async (x: tf.Tensor, y: tf.Tensor, batchSize: number, shuffle: boolean): Promise<number> => {
      const n = x.shape[0]!;
      const order = shuffle ? permutation(n, nextOrderSeed++) : null;
      let sum = 0;
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        const [bx, by] = tf.tidy(() => {
          if (!order) return [tf.slice(x, start, size), tf.slice(y, start, size)];
          const idx = tf.tensor1d(order.subarray(start, start + size), 'int32');
          return [tf.gather(x, idx), tf.gather(y, idx)];
        });
        try {
          sum += (await model.step(bx, by, true)) * size;
        } finally {
          tf.dispose([bx, by]);
        }
      }
      return sum / n;
    };
    return {
      trainStep: (x, y) => model.step(x, y, true),
      fitEpoch: (x, y, batchSize, shuffle) => tfLoop(x, y, batchSize, shuffle),
      loopEpoch: (x, y, batchSize, shuffle) => tfLoop(x, y, batchSize, shuffle),
      weights: () => Promise.all(model.vars.map(read)),
      async predict(x) {
        const out = tf.tidy(() => model.forward(x, false));
        try {
          return await read(out);
        } finally {
          out.dispose();
        }
      },
      dispose: () => model.dispose(),
    };
  },
};
