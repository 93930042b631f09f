// TensorFlow.js models on disk, written and read with node:fs (plain
// @tensorflow/tfjs has no file:// handler; tfjs-node does). Two layouts:
// the converter's (model.json + group1-shard{i}of{n}.bin, 4 MiB shards by
// default, a weight may straddle two shards) and tfjs-node's file handler
// (model.json + weights.bin).
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** The converter's default shard size (--weight_shard_size_bytes). */
export const SHARD_BYTES = 4 * 1024 * 1024;

/** One ArrayBuffer from tfjs's weightData (an ArrayBuffer, or several for models over 2 GB). */
export const weightBytes = (data: tf.io.WeightData | undefined): ArrayBuffer =>
  data === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(data);

/** model.json's fields from artifacts, with the given manifest (what tfjs's writers put there). */
function modelJson(a: tf.io.ModelArtifacts, weightsManifest: tf.io.WeightsManifestConfig): tf.io.ModelJSON {
  return {
    modelTopology: a.modelTopology as object,
    weightsManifest,
    ...(a.format !== undefined ? { format: a.format } : {}),
    ...(a.generatedBy !== undefined ? { generatedBy: a.generatedBy } : {}),
    ...(a.convertedBy !== undefined ? { convertedBy: a.convertedBy } : {}),
    ...(a.trainingConfig !== undefined ? { trainingConfig: a.trainingConfig } : {}),
    ...(a.userDefinedMetadata !== undefined ? { userDefinedMetadata: a.userDefinedMetadata } : {}),
  };
}

/** Cut bytes into shards of at most `shardBytes` (the converter cuts at byte offsets, not weight boundaries). */
export function shard(bytes: ArrayBuffer, shardBytes: number): ArrayBuffer[] {
  const n = Math.max(1, Math.ceil(bytes.byteLength / shardBytes));
  return Array.from({ length: n }, (_, i) => bytes.slice(i * shardBytes, Math.min(bytes.byteLength, (i + 1) * shardBytes)));
}

/** The converter's shard names for n shards of group 1. */
export const shardNames = (n: number): string[] => Array.from({ length: n }, (_, i) => `group1-shard${i + 1}of${n}.bin`);

/** Write artifacts in the converter's layout; returns the shard file names. */
export function writeConverterLayout(dir: string, a: tf.io.ModelArtifacts, shardBytes = SHARD_BYTES): string[] {
  mkdirSync(dir, { recursive: true });
  const shards = shard(weightBytes(a.weightData), shardBytes);
  const paths = shardNames(shards.length);
  shards.forEach((s, i) => writeFileSync(join(dir, paths[i]!), new Uint8Array(s)));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson(a, [{ paths, weights: a.weightSpecs ?? [] }])));
  return paths;
}

/** Write artifacts as tfjs-node's file handler does: model.json and one weights.bin. */
export function writeFileHandlerLayout(dir: string, a: tf.io.ModelArtifacts): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weightBytes(a.weightData)));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson(a, [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }])));
}

/**
 * A tfjs IOHandler reading model.json (a directory holding one, or its path)
 * and the weight files its manifest names, through tfjs's own
 * getModelArtifactsForJSON: what tf.loadLayersModel('file://…') does in tfjs-node.
 */
export function tfjsFileHandler(path: string): tf.io.IOHandler {
  const jsonPath = statSync(path).isDirectory() ? join(path, 'model.json') : path;
  return {
    async load() {
      const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const parts = manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(jsonPath), p))));
        return [specs, tf.io.CompositeArrayBuffer.join(parts.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer))];
      });
    },
  };
}

/** A directory's files with their sizes, sorted by name. */
export const listFiles = (dir: string): Array<{ name: string; bytes: number }> =>
  readdirSync(dir)
    .sort()
    .map((name) => ({ name, bytes: statSync(join(dir, name)).size }));
