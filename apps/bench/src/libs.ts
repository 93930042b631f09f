/**
 * polytensor and tfjs behind one small interface, so that each workload is
 * written once: host arrays in, tensors, results read back, and the seed
 * models as programs that train and predict.
 */
import * as pt from '@polytensor/core';
import * as tf from '@tensorflow/tfjs-core';
import { ptModel, withoutDropout, type ModelSpec, type Weights } from './models.js';
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

const dtypeOf = (v: Float32Array | Int32Array): 'int32' | 'float32' => (v instanceof Int32Array ? 'int32' : 'float32');

export const POLYTENSOR: Lib<pt.Tensor> = {
  tensor: (values, shape) => pt.tensor(values, shape, dtypeOf(values)),
  model(spec, weights, dropout) {
    const model = ptModel(spec.name, weights, dropout);
    return {
      // trainOnBatch reads its loss and metrics back before it returns
      trainStep: async (x, y) => model.trainOnBatch(x, y)['loss']!,
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
    return {
      trainStep: (x, y) => model.step(x, y, true),
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
