import type { DType } from '../../backend/types.js';

/** One weight in a saved model: `layer/weight`, its shape, its dtype (always float32 today). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: DType;
}

/** A layer as saved: its class and its getConfig(). */
export interface LayerSpec {
  className: string;
  config: Record<string, unknown>;
}

/** A Sequential model's saved topology. */
export interface SequentialTopology {
  className: 'Sequential';
  config: { name: string; inputShape: number[] | null; layers: LayerSpec[] };
}

/** A functional model's saved topology (Keras' layout). */
export interface FunctionalTopology {
  className: 'Functional';
  config: {
    name: string;
    layers: Array<LayerSpec & { name: string; inboundNodes: Array<Array<[string, number, number]>> }>;
    inputLayers: Array<[string, number, number]>;
    outputLayers: Array<[string, number, number]>;
  };
}

export type ModelTopology = SequentialTopology | FunctionalTopology;

/**
 * A compiled model's compile settings: loadModel recompiles from them.
 * The optimizer's state (Adam's moments, the step count) is not saved.
 */
export interface TrainingConfig {
  /** Class name ('SGD', 'Adam', …) and getConfig() (learning rate and hyperparameters). */
  optimizer: {
    className: string;
    config: Record<string, number | boolean>;
    /** The built-in schedule the learning rate follows, when it follows one (config.learningRate is then its value when saved). */
    learningRateSchedule?: { className: string; config: Record<string, number | boolean | number[]> };
  };
  /** A built-in loss name; a record of them by output name for a model with several outputs. */
  loss: string | Record<string, string>;
  /** Built-in metric names; a record of lists by output name for several outputs. */
  metrics: string[] | Record<string, string[]>;
  /** Weights of the outputs' losses, by output name (several outputs only). */
  lossWeights?: Record<string, number>;
}

/** model.json: everything but the weight bytes. */
export interface ModelJson {
  format: string;
  version: number;
  modelTopology: ModelTopology;
  weightSpecs: WeightSpec[];
  /** Present when the model was compiled when saved. */
  trainingConfig?: TrainingConfig;
}

/** A saved model: JSON topology plus one little-endian float32 buffer of weights, in weightSpecs order. */
export interface ModelArtifacts extends ModelJson {
  weightData: ArrayBuffer;
}

export interface SaveResult {
  destination: string;
  /** Bytes of weight data written. */
  bytes: number;
}

/**
 * Limits on what loading reads and builds; each error names the limit it hit.
 * Raise one only for a model you trust.
 */
export interface LoadLimits {
  /** Most bytes of weight data (default 1 GiB). */
  maxBytes: number;
  /** Most bytes of model JSON text (default 16 MiB). */
  maxJsonBytes: number;
  /** Most parameters (weight values) the model may declare (default 2^28 = 268,435,456, 1 GiB of float32). */
  maxParams: number;
}

/** Options of loadModel. */
export interface LoadOptions extends Partial<LoadLimits> {
  /** http(s)://: passed to every fetch (headers, credentials, signal, …). */
  requestInit?: RequestInit;
  /** http(s)://: the fetch to use instead of globalThis.fetch. */
  fetch?: typeof fetch;
  /** false: load uncompiled even when the file carries compile settings. Default true. */
  compile?: boolean;
}

/** Options of model.save. */
export interface SaveOptions {
  /**
   * 'polytensor' (default): polytensor's format, with compile settings.
   * 'tfjs': TensorFlow.js's layers format (model.json with a weightsManifest and
   * 4 MiB weight shards), which `tf.loadLayersModel` reads; to file://,
   * http(s)://, downloads:// or an IOHandler (whose save() then receives tfjs's
   * artifacts). Compile settings are not written: tfjs loads the model uncompiled.
   */
  format?: 'polytensor' | 'tfjs';
  /** http(s)://: merged into the POST request (headers, credentials, …). */
  requestInit?: RequestInit;
  /** http(s)://: the fetch to use instead of globalThis.fetch. */
  fetch?: typeof fetch;
}

/**
 * Custom storage: implement save and/or load. `load` receives the caller's
 * limits; a handler that reads untrusted bytes should honour them (loadModel
 * checks the artifacts it returns against them either way).
 */
export interface IOHandler {
  save?(artifacts: ModelArtifacts): Promise<SaveResult>;
  load?(limits?: LoadLimits): Promise<ModelArtifacts>;
}

/** A weight as TensorFlow.js lists it: stored as `dtype`, or in `quantization.dtype` when quantized. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** Affine uint8/uint16 (value = q·scale + min) or float16, as the converter writes. */
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
  /** tfjs marks an optimizer's slots saved with `includeOptimizer` as group 'optimizer'. */
  group?: 'model' | 'optimizer';
}

/** TensorFlow.js artifacts as polytensor writes them (`model.save(handler, { format: 'tfjs' })`), a `tf.io.ModelArtifacts`. */
export interface TfjsArtifacts {
  modelTopology: Record<string, unknown>;
  format: string;
  generatedBy: string;
  convertedBy: string | null;
  weightSpecs: TfjsWeightSpec[];
  weightData: ArrayBuffer;
}

/**
 * TensorFlow.js artifacts as its handlers pass them (`tf.io.ModelArtifacts`),
 * for loadModel; every field is checked when loaded.
 */
export interface TfjsArtifactsLike {
  modelTopology?: unknown;
  format?: string;
  weightSpecs?: readonly unknown[];
  weightData?: ArrayBuffer | readonly ArrayBuffer[];
}

/**
 * A TensorFlow.js storage handler (`tf.io.fromMemory`, `tf.io.withSaveHandler`,
 * `tf.io.browserHTTPRequest`, or your own): loadModel converts what its
 * load() returns, and `model.save(handler, { format: 'tfjs' })` passes its
 * save() tfjs's artifacts.
 */
export interface TfjsIOHandler {
  save?(artifacts: TfjsArtifacts): Promise<unknown>;
  load?(limits?: LoadLimits): Promise<unknown>;
}

/** What the built-in handlers get when loading. */
export interface LoadContext {
  limits: LoadLimits;
  requestInit?: RequestInit;
  fetch?: typeof fetch;
}
