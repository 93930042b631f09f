import type { Layer, Shape } from '@polytensor/core';
import type { GraphBuilder } from '../graph.js';

/** One application of a layer, as a converter sees it. */
export interface LayerCall<L extends Layer = Layer> {
  readonly g: GraphBuilder;
  readonly layer: L;
  /** The names of the values the layer takes, one per input. */
  readonly inputs: readonly string[];
  /** Their shapes (batch first, null where unknown). */
  readonly shapes: readonly Shape[];
  /** Convert another layer applied to the given values (wrappers convert the layer they hold). */
  readonly convert: (layer: Layer, inputs: readonly string[], shapes: readonly Shape[]) => string[];
}

/** Writes the ONNX nodes of one layer call; returns the names of its outputs. */
// biome-ignore lint/suspicious/noExplicitAny: each converter takes its own layer class.
export type Converter = (call: LayerCall<any>) => string[];
