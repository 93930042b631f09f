// file:// outside Node: browser bundles get this module instead of
// file_node.ts (package.json "imports" → "#file-io"), so they hold no Node code.
import { PolytensorError } from '../../errors.js';
import type { TfjsLoaded } from './tfjs/artifacts.js';
import type { LoadLimits, ModelArtifacts, SaveResult, TfjsArtifacts } from './types.js';

const unavailable = (op: string, where: string): PolytensorError =>
  new PolytensorError(
    `${op}: file://${where} needs Node's file system, which this build does not have; ` +
      'in a browser use indexeddb://name, localstorage://name, downloads://name (save) or http(s):// (load)',
  );

export async function saveFile(dir: string, _a: ModelArtifacts): Promise<SaveResult> {
  throw unavailable('save', dir);
}

export async function saveTfjsFile(dir: string, _a: TfjsArtifacts): Promise<SaveResult> {
  throw unavailable('save', dir);
}

export async function loadFile(where: string, _limits: LoadLimits): Promise<ModelArtifacts | TfjsLoaded> {
  throw unavailable('loadModel', where);
}
