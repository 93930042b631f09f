// Where a model is saved to or loaded from: 'scheme://rest' picks a handler;
// an IOHandler object is used as it is. Every loaded artifact passes the same
// checks (model_json.ts) whatever its source.
import { loadFile, saveFile, saveTfjsFile } from '#file-io';
import { PolytensorError } from '../../errors.js';
import { checkOptions } from '../options.js';
import { saveDownloads, saveTfjsDownloads } from './downloads.js';
import { loadHttp, saveHttp, saveTfjsHttp } from './http.js';
import { loadIndexedDb, saveIndexedDb } from './indexed_db.js';
import { loadLocalStorage, saveLocalStorage } from './local_storage.js';
import { loadMemory, saveMemory } from './memory.js';
import { checkArtifacts } from './model_json.js';
import { fromTfjsArtifacts, isTfjsArtifacts, type TfjsLoaded } from './tfjs/artifacts.js';
import type { IOHandler, LoadContext, LoadLimits, ModelArtifacts, SaveOptions, SaveResult, TfjsArtifacts, TfjsIOHandler } from './types.js';

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

/** The format save writes, checked with the other options. */
export function saveFormat(options: SaveOptions): 'polytensor' | 'tfjs' {
  if (options === null || typeof options !== 'object')
    throw new PolytensorError(`save: options must be an object, got ${options === null ? 'null' : typeof options}`);
  checkOptions('save', options, ['requestInit', 'fetch', 'format']);
  const f = options.format ?? 'polytensor';
  if (f !== 'polytensor' && f !== 'tfjs') throw new PolytensorError(`save: format must be 'polytensor' or 'tfjs', got ${JSON.stringify(f)}`);
  return f;
}

function handlerOf(dest: unknown): IOHandler & { save: NonNullable<IOHandler['save']> } {
  if (typeof dest !== 'object' || dest === null || typeof (dest as IOHandler).save !== 'function') {
    throw new PolytensorError(`save: expected a destination URL (${SCHEMES}) or an IOHandler with save(), got ${dest === null ? 'null' : typeof dest}`);
  }
  return dest as IOHandler & { save: NonNullable<IOHandler['save']> };
}

/** Save TensorFlow.js-format artifacts (model.save(dest, { format: 'tfjs' })). */
export async function saveTfjsArtifacts(dest: string | IOHandler | TfjsIOHandler, a: TfjsArtifacts, options: SaveOptions): Promise<SaveResult> {
  const bytes = a.weightData.byteLength;
  if (typeof dest !== 'string') {
    // A tfjs IOHandler (tf.io.withSaveHandler, tf.io.browserHTTPRequest, …) takes tfjs's artifacts as they are.
    const result: unknown = await (handlerOf(dest).save as (x: unknown) => Promise<unknown>)(a);
    return { destination: 'the IOHandler', bytes, ...(typeof result === 'object' && result !== null ? result : {}) };
  }
  const [scheme, rest] = parse('save', dest);
  switch (scheme) {
    case 'file':
      return saveTfjsFile(need('save', dest, rest), a);
    case 'http':
    case 'https':
      return saveTfjsHttp(dest, a, options);
    case 'downloads':
      return saveTfjsDownloads(rest, a);
    case 'memory':
    case 'localstorage':
    case 'indexeddb':
      throw new PolytensorError(
        `save: ${scheme}:// keeps polytensor's format (loadModel reads it back); format 'tfjs' saves to file://, http(s)://, downloads:// or an IOHandler`,
      );
    default:
      throw unknownScheme('save', scheme);
  }
}

export async function saveArtifacts(dest: string | IOHandler | TfjsIOHandler, a: ModelArtifacts, options: SaveOptions = {}): Promise<SaveResult> {
  saveFormat(options);
  if (typeof dest !== 'string') return handlerOf(dest).save(a);
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

/** polytensor's artifacts checked, or TensorFlow.js's converted and then checked. */
function checkAny(v: unknown, where: string, limits: LoadLimits): ModelArtifacts {
  return checkArtifacts(isTfjsArtifacts(v) ? fromTfjsArtifacts(v, where, limits) : v, where, limits);
}

/** Load artifacts (polytensor's or TensorFlow.js's) and check them; `where` names the source in errors. */
export async function loadArtifacts(src: string | IOHandler | ModelArtifacts, ctx: LoadContext): Promise<{ artifacts: ModelArtifacts; where: string }> {
  if (isArtifacts(src)) return { artifacts: checkAny(src, 'the artifacts given', ctx.limits), where: 'the artifacts given' };
  if (typeof src !== 'string') {
    if (typeof src !== 'object' || src === null || typeof src.load !== 'function') {
      throw new PolytensorError(
        `loadModel: expected a model URL (${SCHEMES}), an IOHandler with load(), or ModelArtifacts; got ${src === null ? 'null' : typeof src}`,
      );
    }
    const where = "the handler's artifacts";
    return { artifacts: checkAny(await src.load(ctx.limits), where, ctx.limits), where };
  }
  const [scheme, rest] = parse('loadModel', src);
  let artifacts: ModelArtifacts | TfjsLoaded;
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
  return { artifacts: checkAny(artifacts, src, ctx.limits), where: src };
}
