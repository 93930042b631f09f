/**
 * Epoch checkpoints for long runs (E3 takes hours on two cores): everything a
 * resumed `fit` needs to continue exactly as if it had never stopped — the
 * model's weights, the optimizer's state (step count, Adam's m and v), the
 * global random state (dropout masks, shuffles), the history so far and the
 * training log — in a folder:
 *
 *   checkpoint.json  what ran (config), how far (epochsDone), shapes, random state, history
 *   weights.bin      model weights, then optimizer slots, float32 little-endian
 *   log.jsonl        the training log so far
 *
 * Written to temporary names and renamed, so a run killed mid-write leaves the
 * previous checkpoint intact.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getRandomState, setRandomState, tensor, type RandomState, type Sequential } from '@polytensor/core';
import type { LogRecord } from '@polytensor/trainlog';

const FORMAT = 'polytensor-examples-checkpoint/1';

/** The settings a checkpoint belongs to: resuming with other settings is refused. */
export type CheckpointConfig = Readonly<Record<string, string | number | boolean | null>>;

export interface CheckpointState {
  readonly epochsDone: number;
  /** Optimizer steps taken so far (the training log's batch counter). */
  readonly steps: number;
  readonly history: Record<string, number[]>;
  /** Seconds spent in fit so far (all sessions). */
  readonly trainSeconds: number;
  readonly records: readonly LogRecord[];
}

/** An optimizer slot (Adam's m or v) of one weight; the step counter is `iterations`. */
interface SlotEntry {
  /** Index into model.namedWeights. */
  readonly variable: number;
  readonly key: string;
  readonly shape: number[];
}

interface CheckpointFile {
  readonly format: string;
  readonly config: CheckpointConfig;
  readonly epochsDone: number;
  readonly steps: number;
  readonly trainSeconds: number;
  readonly history: Record<string, number[]>;
  readonly random: RandomState;
  readonly weights: number[][];
  readonly slots: SlotEntry[];
  readonly iterations: number;
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'checkpoint.json'));
}

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeFile(`${path}.tmp`, data);
  await rename(`${path}.tmp`, path);
}

/** Save after an epoch (call it from onEpochEnd, after the other callbacks). */
export async function saveCheckpoint(dir: string, model: Sequential, config: CheckpointConfig, state: CheckpointState): Promise<void> {
  const optimizer = model.optimizer;
  if (!optimizer) throw new Error('saveCheckpoint: the model is not compiled');
  const named = model.namedWeights;
  const index = new Map(named.map((w, i) => [w.variable.name, i]));
  const weights = model.getWeightValues();
  const parts: Float32Array[] = [...weights];
  const slots: SlotEntry[] = [];
  for (const w of optimizer.getWeights()) {
    if (w.name === 'iter') continue;
    const cut = w.name.lastIndexOf('/');
    const variable = index.get(w.name.slice(0, cut));
    if (variable === undefined) throw new Error(`saveCheckpoint: optimizer slot '${w.name}' belongs to no weight of the model`);
    slots.push({ variable, key: w.name.slice(cut + 1), shape: [...w.tensor.shape] });
    parts.push(Float32Array.from(w.tensor.dataSync()));
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  const file: CheckpointFile = {
    format: FORMAT,
    config,
    epochsDone: state.epochsDone,
    steps: state.steps,
    trainSeconds: state.trainSeconds,
    history: state.history,
    random: getRandomState(),
    weights: named.map((w) => [...w.variable.shape]),
    slots,
    iterations: optimizer.iterations,
  };
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, 'weights.bin'), bytes);
  await writeAtomic(join(dir, 'log.jsonl'), state.records.map((r) => JSON.stringify(r)).join('\n') + (state.records.length ? '\n' : ''));
  await writeAtomic(join(dir, 'checkpoint.json'), `${JSON.stringify(file, null, 1)}\n`);
}

/**
 * Restore a checkpoint into `model` (built and compiled as when it was saved)
 * and the global random state. Refuses a checkpoint of other settings.
 */
export async function loadCheckpoint(dir: string, model: Sequential, config: CheckpointConfig): Promise<CheckpointState> {
  const file = JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as CheckpointFile;
  if (file.format !== FORMAT) throw new Error(`loadCheckpoint: ${dir} holds '${String(file.format)}', not a ${FORMAT}`);
  const diff = Object.keys({ ...config, ...file.config }).filter((k) => config[k] !== file.config[k]);
  if (diff.length) {
    const show = (c: CheckpointConfig, k: string): string => JSON.stringify(c[k] ?? null);
    throw new Error(
      `loadCheckpoint: the checkpoint in ${dir} was made with other settings (${diff.map((k) => `${k}: ${show(file.config, k)} there, ${show(config, k)} now`).join('; ')}); ` +
        'run with the same settings, or delete the folder to start afresh',
    );
  }
  const optimizer = model.optimizer;
  if (!optimizer) throw new Error('loadCheckpoint: compile the model first');
  const named = model.namedWeights;
  const shapes = named.map((w) => [...w.variable.shape]);
  if (JSON.stringify(shapes) !== JSON.stringify(file.weights)) {
    throw new Error(`loadCheckpoint: the model's weight shapes ${JSON.stringify(shapes)} differ from the checkpoint's ${JSON.stringify(file.weights)}`);
  }
  const buf = await readFile(join(dir, 'weights.bin'));
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  let at = 0;
  const take = (shape: readonly number[]): Float32Array => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (at + n > all.length) throw new Error(`loadCheckpoint: ${join(dir, 'weights.bin')} is truncated`);
    const out = all.slice(at, at + n);
    at += n;
    return out;
  };
  const weights = file.weights.map((s) => take(s));
  const slotValues = file.slots.map((s) => take(s.shape));
  if (at !== all.length) throw new Error(`loadCheckpoint: ${join(dir, 'weights.bin')} holds ${all.length - at} values more than checkpoint.json describes`);
  model.setWeightValues(weights);
  const restored = [
    { name: 'iter', tensor: tensor([file.iterations], [], 'int32') },
    ...file.slots.map((s, i) => ({ name: `${named[s.variable]!.variable.name}/${s.key}`, tensor: tensor(slotValues[i]!, s.shape) })),
  ];
  try {
    optimizer.setWeights(restored);
  } finally {
    for (const r of restored) r.tensor.dispose();
  }
  setRandomState(file.random);
  const logText = existsSync(join(dir, 'log.jsonl')) ? await readFile(join(dir, 'log.jsonl'), 'utf8') : '';
  const records = logText
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LogRecord);
  return { epochsDone: file.epochsDone, steps: file.steps, history: file.history, trainSeconds: file.trainSeconds, records };
}
