// http(s)://…/model.json: load with fetch (the caller's RequestInit on every
// request); the weights URL is model.json's weightsPath resolved against the
// model URL and must stay on its origin. Save POSTs multipart form data
// (fields 'model.json' and 'model.weights.bin'), as tfjs's http handler does.
import { PolytensorError } from '../../errors.js';
import { bufferOf, modelJsonText, readCapped } from './codec.js';
import { fmt, limitError } from './limits.js';
import { checkModelJson, checkWeightData, parseJsonText } from './model_json.js';
import { isTfjsArtifacts, loadTfjsGroups, type TfjsLoaded, tfjsModelJsonText } from './tfjs/artifacts.js';
import type { LoadContext, ModelArtifacts, SaveOptions, SaveResult, TfjsArtifacts } from './types.js';

/** The weights file name a POSTed model.json points to (the server stores both side by side). */
export const HTTP_WEIGHTS_NAME = 'model.weights.bin';

function fetchOf(op: string, given: typeof fetch | undefined): typeof fetch {
  if (given !== undefined && typeof given !== 'function') throw new PolytensorError(`${op}: the fetch option must be a function, got ${typeof given}`);
  const f = given ?? (globalThis as { fetch?: typeof fetch }).fetch;
  if (!f) throw new PolytensorError(`${op}: no fetch here; pass one: { fetch }`);
  return f;
}

async function get(url: string, ctx: LoadContext, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetchOf('loadModel', ctx.fetch)(url, ctx.requestInit);
  } catch (e) {
    throw new PolytensorError(`loadModel: cannot fetch ${what} ${url}: ${(e as Error).message}; is the server up, and does it allow this origin (CORS)?`);
  }
  if (!res.ok)
    throw new PolytensorError(
      `loadModel: GET ${url} (${what}) answered ${res.status} ${res.statusText}; check the URL and the requestInit (headers, credentials)`,
    );
  return res;
}

/** A response body, never reading more than `max` bytes. */
async function body(res: Response, max: number, tooLong: () => Error): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length'));
  if (res.headers.get('content-encoding') === null && Number.isFinite(declared) && declared > max) throw tooLong();
  if (res.body) return readCapped(res.body, max, tooLong);
  // A fetch without streams (some polyfills): all at once, then checked.
  const all = new Uint8Array(await res.arrayBuffer());
  if (all.byteLength > max) throw tooLong();
  return all;
}

/** A weights URL relative to the model URL, kept on the model's origin. */
function sameOriginUrl(url: string, path: string, what: string): URL {
  const base = new URL(url);
  let out: URL;
  try {
    out = new URL(path, base);
  } catch {
    throw new PolytensorError(`loadModel: ${url}: ${what} ${JSON.stringify(path)} is not a URL path`);
  }
  if (out.origin !== base.origin) {
    throw new PolytensorError(
      `loadModel: ${url}: ${what} ${JSON.stringify(path)} points to ${out.origin}, off the model's origin ${base.origin}; ` +
        'weights must be served from the same origin as model.json',
    );
  }
  return out;
}

/** A TensorFlow.js model.json's shards, fetched relative to it on its origin. */
function loadTfjsShards(url: string, json: Record<string, unknown>, ctx: LoadContext): Promise<TfjsLoaded> {
  return loadTfjsGroups(json, url, ctx.limits, async (p, gi, max, tooLong) => {
    const shardUrl = sameOriginUrl(url, p, `weight shard (weightsManifest[${gi}])`).href;
    return body(await get(shardUrl, ctx, `weight shard '${p}'`), max, tooLong);
  });
}

export async function loadHttp(url: string, ctx: LoadContext): Promise<ModelArtifacts | TfjsLoaded> {
  const { limits } = ctx;
  const jsonBytes = await body(await get(url, ctx, 'the model JSON'), limits.maxJsonBytes, () =>
    limitError(url, `the model JSON holds more than ${fmt(limits.maxJsonBytes)} bytes`, null, 'maxJsonBytes', limits),
  );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes);
  } catch {
    throw new PolytensorError(`loadModel: ${url} is not UTF-8 text; is this URL a model.json?`);
  }
  const value = parseJsonText(text, url);
  if (isTfjsArtifacts(value)) return loadTfjsShards(url, value as Record<string, unknown>, ctx);
  const checked = checkModelJson(value, url, limits);
  const weightsUrl = sameOriginUrl(url, checked.weightsPath ?? 'weights.bin', 'weightsPath');
  const want = checked.weightBytes;
  const bytes = await body(
    await get(weightsUrl.href, ctx, 'the weights'),
    want,
    () =>
      new PolytensorError(
        `loadModel: ${weightsUrl.href} holds more than the ${fmt(want)} bytes ${url} declares; the weights belong to another model: re-save it`,
      ),
  );
  return { ...checked.json, weightData: checkWeightData(bufferOf(bytes), checked, weightsUrl.href) };
}

export async function saveHttp(url: string, a: ModelArtifacts, options: SaveOptions): Promise<SaveResult> {
  const form = new FormData();
  form.append('model.json', new Blob([modelJsonText(a, HTTP_WEIGHTS_NAME)], { type: 'application/json' }), 'model.json');
  form.append(HTTP_WEIGHTS_NAME, new Blob([a.weightData], { type: 'application/octet-stream' }), HTTP_WEIGHTS_NAME);
  return post(url, form, a.weightData.byteLength, options);
}

async function post(url: string, form: FormData, bytes: number, options: SaveOptions): Promise<SaveResult> {
  let res: Response;
  try {
    res = await fetchOf('save', options.fetch)(url, { method: 'POST', ...options.requestInit, body: form });
  } catch (e) {
    throw new PolytensorError(`save: cannot POST the model to ${url}: ${(e as Error).message}; is the server up, and does it allow this origin (CORS)?`);
  }
  if (!res.ok) throw new PolytensorError(`save: POST ${url} answered ${res.status} ${res.statusText}; the server must accept multipart form data`);
  return { destination: url, bytes };
}

/** POST a TensorFlow.js-format model as tfjs's http handler does: model.json naming './model.weights.bin', and the weights. */
export async function saveTfjsHttp(url: string, a: TfjsArtifacts, options: SaveOptions): Promise<SaveResult> {
  const form = new FormData();
  form.append('model.json', new Blob([tfjsModelJsonText(a, [`./${HTTP_WEIGHTS_NAME}`])], { type: 'application/json' }), 'model.json');
  form.append(HTTP_WEIGHTS_NAME, new Blob([a.weightData], { type: 'application/octet-stream' }), HTTP_WEIGHTS_NAME);
  return post(url, form, a.weightData.byteLength, options);
}
