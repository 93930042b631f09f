/**
 * A seed model as a tfjs-core program (tfjs-layers is not installed): the
 * same layers as tfjs ops, as tfjs-layers calls them (`tf.fused.matMul` /
 * `tf.fused.conv2d` with bias and activation), the same losses and update,
 * trained through `tf.variableGrads`. Built from a `ModelSpec` derived from
 * the zoo model (models.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Activation, ModelSpec, Weights } from './models.js';

export interface TfModel {
  vars: tf.Variable[];
  forward(x: tf.Tensor, training: boolean): tf.Tensor;
  /** One training step, as tfjs-layers' trainOnBatch does it: loss and accuracy, minimize; returns the loss. */
  step(x: tf.Tensor, y: tf.Tensor, training: boolean): Promise<number>;
  dispose(): void;
}

const TF_FUSED: Record<Activation, tf.fused.Activation | null> = { linear: 'linear', relu: 'relu', sigmoid: 'sigmoid', softmax: null };

export function tfModel(spec: ModelSpec, weights: Weights): TfModel {
  const vars = weights.values.map((w, i) => tf.variable(tf.tensor(w, weights.shapes[i]!), true, `${spec.name}_${i}_${Math.random().toString(36).slice(2)}`));
  // SGD: tfjs' own optimizer is the same math. Adam: tf.train.adam puts ε inside the bias
  // correction (lr·m̂/(√v̂ + ε)); Keras and polytensor use α·m/(√v + ε) with
  // α = lr·√(1−β2^t)/(1−β1^t). To time the same math, the tfjs step applies that form with tfjs ops.
  const o = spec.optimizer;
  const sgd = o.kind === 'sgd' ? tf.train.sgd(o.learningRate) : null;
  const slots = o.kind === 'adam' ? vars.map((v) => ({ m: tf.variable(tf.zerosLike(v), false), v: tf.variable(tf.zerosLike(v), false) })) : [];
  let t = 0;
  const applyGradients = (grads: tf.NamedTensorMap): void => {
    if (o.kind === 'sgd') {
      sgd!.applyGradients(grads);
      return;
    }
    t++;
    const { beta1: b1, beta2: b2, epsilon: eps } = o;
    const alpha = (o.learningRate * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    tf.tidy(() => {
      vars.forEach((w, i) => {
        const g = grads[w.name]!;
        const s = slots[i]!;
        const m = tf.add(tf.mul(s.m, b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(s.v, b2), tf.mul(tf.square(g), 1 - b2));
        s.m.assign(m);
        s.v.assign(v);
        w.assign(tf.sub(w, tf.mul(tf.div(m, tf.add(tf.sqrt(v), eps)), alpha)));
      });
    });
  };
  const forward = (x: tf.Tensor, training: boolean): tf.Tensor => {
    let h: tf.Tensor = x;
    let k = 0;
    for (const l of spec.layers) {
      if (l.kind === 'dense' || l.kind === 'conv') {
        const kernel = vars[k++]!;
        const bias = vars[k++]!;
        const activation = TF_FUSED[l.activation] ?? 'linear';
        h =
          l.kind === 'dense'
            ? tf.fused.matMul({ a: h as tf.Tensor2D, b: kernel as tf.Tensor2D, bias, activation })
            : tf.fused.conv2d({ x: h as tf.Tensor4D, filter: kernel as tf.Tensor4D, strides: 1, pad: 'same', bias, activation });
        if (l.activation === 'softmax') h = tf.softmax(h);
      } else if (l.kind === 'avgpool') {
        h = tf.avgPool(h as tf.Tensor4D, l.size, l.size, 'valid');
      } else if (l.kind === 'dropout') {
        if (training && l.rate > 0) h = tf.dropout(h, l.rate);
      } else {
        h = tf.reshape(h, [h.shape[0]!, -1]);
      }
    }
    return h;
  };
  const lossOf = (pred: tf.Tensor, y: tf.Tensor): tf.Scalar => {
    const oneHot = tf.oneHot(y as tf.Tensor1D, spec.classes);
    if (spec.loss === 'sparseSoftmaxCrossEntropy') return tf.losses.softmaxCrossEntropy(oneHot, pred) as tf.Scalar;
    // Keras: rescale rows to sum 1, clip to [1e-7, 1 - 1e-7], -Σ y·log p, mean over the batch
    const norm = tf.div(pred, tf.sum(pred, -1, true));
    const clipped = tf.clipByValue(norm, 1e-7, 1 - 1e-7);
    return tf.mean(tf.sum(tf.mul(oneHot, tf.neg(tf.log(clipped))), -1));
  };
  return {
    vars,
    forward,
    async step(x, y, training) {
      let acc: tf.Tensor | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const pred = forward(x, training);
        acc = tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(pred, -1), y), 'float32')));
        return lossOf(pred, y);
      }, vars);
      applyGradients(grads);
      tf.dispose(grads);
      const a = acc as tf.Tensor | null;
      if (a) {
        await a.data();
        a.dispose();
      }
      const loss = (await value.data())[0]!;
      value.dispose();
      return loss;
    },
    dispose() {
      for (const v of vars) v.dispose();
      for (const s of slots) tf.dispose([s.m, s.v]);
      sgd?.dispose();
    },
  };
}
