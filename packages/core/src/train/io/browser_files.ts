// fromFiles(json, ...weights): load a model from Blobs or Files, such as the
// pair downloads:// saves, or a TensorFlow.js model.json and its shards,
// picked by the user with <input type="file" multiple>.
import { PolytensorError } from '../../errors.js';
import { DEFAULT_LOAD_LIMITS, fmt, limitError } from './limits.js';
import { checkModelJson, checkWeightData, parseJsonText } from './model_json.js';
import { isTfjsArtifacts, loadTfjsGroups, type TfjsLoaded } from './tfjs/artifacts.js';
import type { IOHandler, LoadLimits, ModelArtifacts } from './types.js';

const nameOf = (b: Blob, fallback: string): string => (typeof (b as File).name === 'string' && (b as File).name ? (b as File).name : fallback);
const baseName = (p: string): string => p.split(/[\\/]/).pop() ?? p;

/** A tfjs model's shards from the files given: by file name, or the one file for a one-shard model. */
function tfjsFromFiles(json: Record<string, unknown>, files: readonly Blob[], where: string, limits: LoadLimits): Promise<TfjsLoaded> {
  const byName = new Map(files.map((f, i) => [nameOf(f, `weights file ${i + 1}`), f]));
  return loadTfjsGroups(json, where, limits, async (p, _gi, max, tooLong, groups) => {
    const paths = groups.flatMap((g) => g.paths);
    const f = byName.get(baseName(p)) ?? (paths.length === 1 && files.length === 1 ? files[0] : undefined);
    if (!f) {
      throw new PolytensorError(
        `loadModel: ${where} names the weight shard '${p}', which is not among the files given (${[...byName.keys()].join(', ') || 'none'}); ` +
          `pass every shard: fromFiles(jsonFile, ${paths.map((x) => `'${baseName(x)}'`).join(', ')})`,
      );
    }
    if (f.size > max) throw tooLong();
    return new Uint8Array(await f.arrayBuffer());
  });
}

/**
 * An IOHandler that loads from a model JSON file and its weights file(s)
 * (Blobs or Files): polytensor's pair (name.json, name.weights.bin), or a
 * TensorFlow.js model.json and all its shards (matched by file name). Sizes
 * are checked against the limits and the JSON before any weight is read.
 * @example
 * const [json, ...weights] = input.files; // model.json, group1-shard1of2.bin, …
 * const model = await loadModel(fromFiles(json, ...weights));
 */
export function fromFiles(jsonFile: Blob, ...weightFiles: Blob[]): IOHandler {
  if (!(jsonFile instanceof Blob) || weightFiles.length === 0 || !weightFiles.every((f) => f instanceof Blob)) {
    throw new PolytensorError('fromFiles: pass the model JSON file and its weights file(s) as Blobs or Files (e.g. from <input type="file" multiple>)');
  }
  return {
    async load(limits: LoadLimits = DEFAULT_LOAD_LIMITS): Promise<ModelArtifacts> {
      const where = nameOf(jsonFile, 'the model JSON file');
      if (jsonFile.size > limits.maxJsonBytes) throw limitError(where, `the file holds ${fmt(jsonFile.size)} bytes`, jsonFile.size, 'maxJsonBytes', limits);
      const value = parseJsonText(await jsonFile.text(), where);
      // loadModel converts tfjs artifacts; the handler's type stays polytensor's.
      if (isTfjsArtifacts(value)) return (await tfjsFromFiles(value as Record<string, unknown>, weightFiles, where, limits)) as unknown as ModelArtifacts;
      if (weightFiles.length !== 1)
        throw new PolytensorError(`fromFiles: ${where} is a polytensor model, saved with one weights file; got ${weightFiles.length}`);
      const weightsFile = weightFiles[0]!;
      const checked = checkModelJson(value, where, limits);
      const weightsWhere = nameOf(weightsFile, 'the weights file');
      if (weightsFile.size !== checked.weightBytes) {
        throw new PolytensorError(
          `loadModel: ${weightsWhere} holds ${fmt(weightsFile.size)} bytes but ${where} declares ${fmt(checked.weightBytes)}; ` +
            'pick the weights file saved with this model',
        );
      }
      return { ...checked.json, weightData: checkWeightData(await weightsFile.arrayBuffer(), checked, weightsWhere) };
    },
  };
}
