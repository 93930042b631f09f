// file://dir (Node): dir/model.json and its weights file, which model.json
// names in weightsPath.
//
// Saving is atomic: the weights go to a new file with a random name, then
// model.json is written to a temporary file and renamed over the old one, and
// only then are the old weights removed. A crash at any point leaves a
// model.json that names complete weights: the old model or the new one.
//
// Loading trusts nothing in the folder: files must be regular files inside the
// folder (no '..', no absolute paths, no symlinks out), no larger than the
// limits, and the weights file exactly as long as the weightSpecs declare.
import { randomBytes } from 'node:crypto';
import { constants, type FileHandle, open, mkdir, readdir, realpath, rename, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PolytensorError } from '../../errors.js';
import { modelJsonText } from './codec.js';
import { fmt, limitError } from './limits.js';
import { checkModelJson, checkWeightData, parseJsonText } from './model_json.js';
import { isTfjsArtifacts, loadTfjsGroups, shardNames, shardsOf, type TfjsLoaded, tfjsModelJsonText } from './tfjs/artifacts.js';
import type { LoadLimits, ModelArtifacts, SaveResult, TfjsArtifacts } from './types.js';

const MODEL_JSON = 'model.json';
/** Files a save writes and may later remove: weights (this scheme's and the older fixed name) and temporary model.json copies. */
const OWN_WEIGHTS = /^weights(\.[0-9a-f]{16})?\.bin$/;
const OWN_TEMP = /^\.model\.json\.[0-9a-f]{16}\.tmp$/;
/** Weight shards of a TensorFlow.js-format save (the converter's names). */
const TFJS_SHARD = /^group\d+-shard\d+of\d+\.bin$/;

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException)?.code;

/** Write a whole new file (never an existing one) and flush it to disk. */
async function writeNew(path: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Flush a directory entry change (a rename) to disk; not possible on every platform. */
async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Windows cannot open a directory; rename there is already durable enough.
  } finally {
    await fh?.close();
  }
}

export async function saveFile(dir: string, a: ModelArtifacts): Promise<SaveResult> {
  const id = randomBytes(8).toString('hex');
  const weightsName = `weights.${id}.bin`;
  const tempJson = join(dir, `.model.json.${id}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeNew(join(dir, weightsName), new Uint8Array(a.weightData));
    await writeNew(tempJson, modelJsonText(a, weightsName));
    await rename(tempJson, join(dir, MODEL_JSON));
  } catch (e) {
    await unlink(tempJson).catch(() => undefined);
    await unlink(join(dir, weightsName)).catch(() => undefined);
    throw new PolytensorError(`save: cannot write file://${dir}: ${(e as Error).message}; check the path and that the folder is writable`);
  }
  await syncDir(dir);
  await removeStale(dir, weightsName);
  return { destination: `file://${dir}`, bytes: a.weightData.byteLength };
}

/**
 * Save TensorFlow.js-format artifacts: model.json with a weightsManifest and
 * the weights in 4 MiB shards named as the converter names them. Shards go
 * to temporary names first and model.json is renamed into place last, so a
 * failed save leaves the previous model.json; shards of an earlier save that
 * the new model.json does not name are removed.
 */
export async function saveTfjsFile(dir: string, a: TfjsArtifacts): Promise<SaveResult> {
  const id = randomBytes(8).toString('hex');
  const names = shardNames(a.weightData.byteLength);
  const shards = shardsOf(a.weightData);
  const temps = names.map((n) => join(dir, `.${n}.${id}.tmp`));
  const tempJson = join(dir, `.model.json.${id}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < shards.length; i++) await writeNew(temps[i]!, shards[i]!);
    await writeNew(tempJson, tfjsModelJsonText(a, names));
    for (let i = 0; i < shards.length; i++) await rename(temps[i]!, join(dir, names[i]!));
    await rename(tempJson, join(dir, MODEL_JSON));
  } catch (e) {
    for (const t of [...temps, tempJson]) await unlink(t).catch(() => undefined);
    throw new PolytensorError(`save: cannot write file://${dir}: ${(e as Error).message}; check the path and that the folder is writable`);
  }
  await syncDir(dir);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if ((TFJS_SHARD.test(name) && !names.includes(name)) || OWN_WEIGHTS.test(name)) await unlink(join(dir, name)).catch(() => undefined);
  }
  return { destination: `file://${dir}`, bytes: a.weightData.byteLength };
}

/** Remove weights no model.json names any more and temporary files of interrupted saves (one writer per folder). */
async function removeStale(dir: string, keep: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name !== keep && (OWN_WEIGHTS.test(name) || OWN_TEMP.test(name) || TFJS_SHARD.test(name))) await unlink(join(dir, name)).catch(() => undefined);
  }
}

const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
};

/**
 * Open a model file for reading: it must exist, lie inside `root` once every
 * symlink is resolved, and be a regular file. O_NONBLOCK keeps a FIFO from
 * blocking the open; the fstat then rejects it (and devices such as /dev/zero).
 */
async function openInside(path: string, root: string, what: string, where: string): Promise<{ fh: FileHandle; size: number }> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (e) {
    if (code(e) === 'ENOENT')
      throw new PolytensorError(`loadModel: ${where}: ${what} ${path} does not exist; was the model saved there, and is the folder complete?`);
    throw new PolytensorError(`loadModel: ${where}: cannot read ${what} ${path}: ${(e as Error).message}`);
  }
  if (!inside(root, real)) {
    throw new PolytensorError(
      `loadModel: ${where}: ${what} ${path} leads (through a symlink) outside the model folder; a model's files must lie inside its folder`,
    );
  }
  let fh: FileHandle;
  try {
    fh = await open(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new PolytensorError(`loadModel: ${where}: cannot open ${what} ${path}: ${(e as Error).message}`);
  }
  const stat = await fh.stat();
  if (!stat.isFile()) {
    await fh.close();
    throw new PolytensorError(`loadModel: ${where}: ${what} ${path} is not a regular file (a device, pipe or folder); a model's files must be regular files`);
  }
  return { fh, size: stat.size };
}

/** Read exactly n bytes; fewer means the file shrank while we read it. */
async function readExactly(fh: FileHandle, n: number, path: string, where: string): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let at = 0;
  while (at < n) {
    const { bytesRead } = await fh.read(out, at, n - at, at);
    if (bytesRead === 0) throw new PolytensorError(`loadModel: ${where}: ${path} ended after ${at} of ${n} bytes (was it being written?); load again`);
    at += bytesRead;
  }
  return out;
}

/** The weights path from model.json, if it names a file inside the folder. */
function weightsFileOf(dir: string, weightsPath: string, where: string): string {
  const parts = weightsPath.split(/[\\/]/);
  if (isAbsolute(weightsPath) || /^[a-zA-Z]:/.test(weightsPath) || parts.includes('..') || weightsPath.includes('\0')) {
    throw new PolytensorError(
      `loadModel: ${where}: weightsPath ${JSON.stringify(weightsPath)} leaves the model folder; it must name a file inside it (such as 'weights.bin')`,
    );
  }
  const path = resolve(dir, weightsPath);
  if (path === resolve(dir))
    throw new PolytensorError(`loadModel: ${where}: weightsPath ${JSON.stringify(weightsPath)} names the model folder itself, not a file in it`);
  return path;
}

/** A TensorFlow.js model.json's shards, each a regular file inside the folder. */
function loadTfjsShards(json: Record<string, unknown>, dir: string, root: string, url: string, limits: LoadLimits): Promise<TfjsLoaded> {
  return loadTfjsGroups(json, url, limits, async (p, gi, max, tooLong) => {
    const path = weightsFileOf(dir, p, url);
    const shard = await openInside(path, root, `weight shard '${p}' (weightsManifest[${gi}])`, url);
    try {
      if (shard.size > max) throw tooLong();
      return await readExactly(shard.fh, shard.size, path, url);
    } finally {
      await shard.fh.close();
    }
  });
}

/**
 * `where` is a model folder, or a model JSON file (such as name.json from
 * downloads://) whose folder holds its weights. A TensorFlow.js model.json
 * comes back as tfjs artifacts, which loadModel converts.
 */
export async function loadFile(where: string, limits: LoadLimits): Promise<ModelArtifacts | TfjsLoaded> {
  const isJson = where.endsWith('.json');
  const dir = resolve(isJson ? dirname(where) : where);
  const jsonPath = isJson ? resolve(where) : join(dir, MODEL_JSON);
  const url = `file://${isJson ? where : join(where, MODEL_JSON)}`;
  let root: string;
  try {
    root = await realpath(dir);
  } catch (e) {
    throw new PolytensorError(
      `loadModel: cannot read ${jsonPath}: the folder ${dir} ${code(e) === 'ENOENT' ? 'does not exist' : `is not readable (${(e as Error).message})`}; was the model saved to file://${where}?`,
    );
  }

  const json = await openInside(jsonPath, root, basename(jsonPath), url);
  let text: string;
  try {
    if (json.size > limits.maxJsonBytes) throw limitError(url, `the file holds ${fmt(json.size)} bytes`, json.size, 'maxJsonBytes', limits);
    text = new TextDecoder().decode(await readExactly(json.fh, json.size, jsonPath, url));
  } finally {
    await json.fh.close();
  }
  const value = parseJsonText(text, url);
  if (isTfjsArtifacts(value)) return loadTfjsShards(value as Record<string, unknown>, dir, root, url, limits);
  const checked = checkModelJson(value, url, limits);

  const weightsPath = weightsFileOf(dir, checked.weightsPath ?? 'weights.bin', url);
  const weights = await openInside(weightsPath, root, 'the weights file', url);
  try {
    if (weights.size !== checked.weightBytes) {
      const how = weights.size < checked.weightBytes ? 'truncated' : 'longer than declared';
      throw new PolytensorError(
        `loadModel: ${url}: the weights file ${weightsPath} holds ${fmt(weights.size)} bytes but the weightSpecs declare ${fmt(checked.weightBytes)} ` +
          `(${fmt(checked.params)} float32 values): it is ${how} or belongs to another model; re-save the model`,
      );
    }
    const bytes = await readExactly(weights.fh, checked.weightBytes, weightsPath, url);
    return { ...checked.json, weightData: checkWeightData(bytes.buffer, checked, url) };
  } finally {
    await weights.fh.close();
  }
}
