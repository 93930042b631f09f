// Predictions as host arrays, freeing every tensor made on the way.
import type { LayersModel } from '@polytensor/core';
import * as tf from '@tensorflow/tfjs';
import { type HostInput, toPolytensor, toTfjs } from './inputs.js';

/** polytensor's prediction on the active backend (one-output models). */
export async function predictPolytensor(m: LayersModel, inputs: readonly HostInput[]): Promise<Float32Array> {
  const xs = toPolytensor(inputs);
  try {
    const y = m.predict(xs.length === 1 ? xs[0]! : xs);
    const ys = Array.isArray(y) ? y : [y];
    try {
      if (ys.length !== 1) throw new Error(`interop: expected one output, the model gave ${ys.length}`);
      return Float32Array.from(await ys[0]!.data());
    } finally {
      for (const t of ys) t.dispose();
    }
  } finally {
    for (const x of xs) x.dispose();
  }
}

/** tfjs's prediction (on its active backend: cpu in these tests). */
export async function predictTfjs(m: tf.LayersModel, inputs: readonly HostInput[]): Promise<Float32Array> {
  const xs = toTfjs(inputs);
  try {
    const y = m.predict(xs.length === 1 ? xs[0]! : xs);
    if (Array.isArray(y)) {
      tf.dispose(y);
      throw new Error(`interop: expected one output, the tfjs model gave ${y.length}`);
    }
    const values = Float32Array.from(await y.data());
    y.dispose();
    return values;
  } finally {
    tf.dispose(xs);
  }
}

/** Capture what a tfjs or polytensor save writes to a tfjs save handler. */
export async function captureTfjsSave(save: (handler: tf.io.IOHandler) => Promise<unknown>): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await save(
    tf.io.withSaveHandler(async (a) => {
      captured = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured) throw new Error('interop: the save handler was never called');
  return captured;
}
