// fromFiles(json, weights): load a model from two Blobs or Files, such as the
// pair downloads:// saves, picked by the user with <input type="file" multiple>.
import { PolytensorError } from '../../errors.js';
import { DEFAULT_LOAD_LIMITS, fmt, limitError } from './limits.js';
import { checkWeightData, parseModelJson } from './model_json.js';
import type { IOHandler, LoadLimits, ModelArtifacts } from './types.js';

const nameOf = (b: Blob, fallback: string): string => (typeof (b as File).name === 'string' && (b as File).name ? (b as File).name : fallback);

/**
 * An IOHandler that loads from a model JSON file and its weights file (Blobs
 * or Files). Sizes are checked against the limits before either is read.
 * @example
 * const [json, weights] = input.files; // name.json, name.weights.bin
 * const model = await loadModel(fromFiles(json, weights));
 */
export function fromFiles(jsonFile: Blob, weightsFile: Blob): IOHandler {
  if (!(jsonFile instanceof Blob) || !(weightsFile instanceof Blob)) {
    throw new PolytensorError('fromFiles: pass the model JSON file and the weights file as Blobs or Files (e.g. from <input type="file">)');
  }
  return {
    async load(limits: LoadLimits = DEFAULT_LOAD_LIMITS): Promise<ModelArtifacts> {
      const where = nameOf(jsonFile, 'the model JSON file');
      if (jsonFile.size > limits.maxJsonBytes) throw limitError(where, `the file holds ${fmt(jsonFile.size)} bytes`, jsonFile.size, 'maxJsonBytes', limits);
      const checked = parseModelJson(await jsonFile.text(), where, limits);
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
