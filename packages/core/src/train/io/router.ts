// Where a model is saved to or loaded from: 'scheme://rest' picks a handler;
// an IOHandler object is used as it is. Every loaded artifact passes the same
// checks (model_json.ts) whatever its source.
import { loadFile, saveFile } from '#file-io';
import { PolytensorError } from '../../errors.js';
import { checkOptions } from '../options.js';
import { saveDownloads } from './downloads.js';
import { loadHttp, saveHttp } from './http.js';
import { loadIndexedDb, saveIndexedDb } from './indexed_db.js';
import { loadLocalStorage, saveLocalStorage } from './local_storage.js';
import { loadMemory, saveMemory } from './memory.js';
import { checkArtifacts } from './model_json.js';
import type { IOHandler, LoadContext, ModelArtifacts, SaveOptions, SaveResult } from './types.js';

const SCHEMES = 'file://dir (Node), indexeddb://name, localstorage://name, downloads://name (save), http(s)://url or memory://name';

function parse(op: string, url: string): [scheme: string, rest: string] {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/s.exec(url);
  if (!m) throw new PolytensorError(`${op}: '${url}' has no scheme; use ${SCHEMES}, or pass an IOHandler`);
  return [m[1]!.toLowerCase(), m[2]!];
}

function need(op: string, url: string, rest: string): string {
  if (rest === '') throw new PolytensorError(`${op}: '${url}' names no model; add a name or path after '://'`);
  return rest;
}

const unknownScheme = (op: string, scheme: string): PolytensorError =>
  new PolytensorError(`${op}: unknown scheme '${scheme}://'; use ${SCHEMES}, or pass an IOHandler`);

export async function saveArtifacts(dest: string | IOHandler, a: ModelArtifacts, options: SaveOptions = {}): Promise<SaveResult> {
  if (options === null || typeof options !== 'object')
    throw new PolytensorError(`save: options must be an object, got ${options === null ? 'null' : typeof options}`);
  checkOptions('save', options, ['requestInit', 'fetch']);
  if (typeof dest !== 'string') {
    if (typeof dest !== 'object' || dest === null || typeof dest.save !== 'function') {
      throw new PolytensorError(`save: expected a destination URL (${SCHEMES}) or an IOHandler with save(), got ${dest === null ? 'null' : typeof dest}`);
    }
    return dest.save(a);
  }
  const [scheme, rest] = parse('save', dest);
  switch (scheme) {
    case 'file':
      return saveFile(need('save', dest, rest), a);
    case 'memory':
      return saveMemory(need('save', dest, rest), a);
    case 'localstorage':
      return saveLocalStorage(need('save', dest, rest), a);
    case 'indexeddb':
      return saveIndexedDb(need('save', dest, rest), a);
    case 'downloads':
      return saveDownloads(rest, a);
    case 'http':
    case 'https':
      return saveHttp(dest, a, options);
    default:
      throw unknownScheme('save', scheme);
  }
}

/** True for artifacts passed directly (rather than a URL or handler). */
export const isArtifacts = (v: unknown): v is ModelArtifacts => typeof v === 'object' && v !== null && 'modelTopology' in v;

/** Load artifacts and check them; `where` names the source in errors. */
export async function loadArtifacts(src: string | IOHandler | ModelArtifacts, ctx: LoadContext): Promise<{ artifacts: ModelArtifacts; where: string }> {
  if (isArtifacts(src)) return { artifacts: checkArtifacts(src, 'the artifacts given', ctx.limits), where: 'the artifacts given' };
  if (typeof src !== 'string') {
    if (typeof src !== 'object' || src === null || typeof src.load !== 'function') {
      throw new PolytensorError(
        `loadModel: expected a model URL (${SCHEMES}), an IOHandler with load(), or ModelArtifacts; got ${src === null ? 'null' : typeof src}`,
      );
    }
    const where = "the handler's artifacts";
    return { artifacts: checkArtifacts(await src.load(ctx.limits), where, ctx.limits), where };
  }
  const [scheme, rest] = parse('loadModel', src);
  let artifacts: ModelArtifacts;
  switch (scheme) {
    case 'file':
      artifacts = await loadFile(need('loadModel', src, rest), ctx.limits);
      break;
    case 'memory':
      artifacts = loadMemory(need('loadModel', src, rest));
      break;
    case 'localstorage':
      artifacts = loadLocalStorage(need('loadModel', src, rest), ctx.limits);
      break;
    case 'indexeddb':
      artifacts = await loadIndexedDb(need('loadModel', src, rest), ctx.limits);
      break;
    case 'downloads':
      throw new PolytensorError(
        `loadModel: downloads:// only saves (it triggers browser downloads); load the two files with loadModel(fromFiles(jsonFile, weightsFile)) or serve them over http(s)`,
      );
    case 'http':
    case 'https':
      artifacts = await loadHttp(src, ctx);
      break;
    default:
      throw unknownScheme('loadModel', scheme);
  }
  return { artifacts: checkArtifacts(artifacts, src, ctx.limits), where: src };
}
