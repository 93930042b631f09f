// Scheme routing in Node, memory://, and http(s):// against a local server:
// fetch options, same-origin weights, size limits, endless bodies, POST saves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromFiles, loadModel, type Sequential } from '../helpers.js';
import { AUTH, startModelServer, type ModelServer } from './model_server.js';
import { cnnInput, expectLoadError, expectSamePredictions, smallCnn, tinyDense, weightBytesOf } from './fixtures.js';

let server: ModelServer;
let model: Sequential;
beforeAll(async () => {
  server = await startModelServer();
  model = tinyDense(31);
});
afterAll(async () => {
  model.dispose();
  await server.close();
});

/** Put a model's files on the server under `dir` (model.json naming `weightsPath`). */
function publish(dir: string, m: Sequential, weightsPath = 'weights.bin', edit: (json: Record<string, unknown>) => void = () => {}): void {
  const { weightData, ...json } = m.toArtifacts();
  const full: Record<string, unknown> = { ...json, weightsPath };
  edit(full);
  server.files.set(`${dir}/model.json`, new TextEncoder().encode(JSON.stringify(full)));
  server.files.set(`${dir}/${weightsPath}`, new Uint8Array(weightData));
}

describe('routing', () => {
  it('bad destinations and sources fail naming the schemes', async () => {
    await expect(model.save('models/x')).rejects.toThrow(/save: 'models\/x' has no scheme; use file:\/\/dir \(Node\), indexeddb:\/\/name/);
    await expect(model.save('ftp://host/x')).rejects.toThrow(/save: unknown scheme 'ftp:\/\/'/);
    await expect(model.save('memory://')).rejects.toThrow(/names no model/);
    await expect(model.save(null as never)).rejects.toThrow(/save: expected a destination URL .* got null/);
    await expect(model.save('memory://x', { requestinit: {} } as never)).rejects.toThrow(/save: unknown option 'requestinit'; did you mean 'requestInit'\?/);
    await expectLoadError(() => loadModel('gs://bucket/m'), /loadModel: unknown scheme 'gs:\/\/'/);
    await expectLoadError(() => loadModel(42 as never), /loadModel: expected a model URL .* got number/);
    await expectLoadError(() => loadModel({} as never), /an IOHandler with load\(\)/);
    await expectLoadError(() => loadModel('memory://never-saved'), /nothing saved at memory:\/\/never-saved/);
  });

  it('browser-only schemes say what to use in Node', async () => {
    await expect(model.save('downloads://m')).rejects.toThrow(/downloads:\/\/m triggers browser downloads and needs a page .* in Node save to file:\/\/dir/);
    await expect(model.save('indexeddb://m')).rejects.toThrow(/IndexedDB is not available here; .* in Node use file:\/\/dir/);
    await expect(model.save('localstorage://m')).rejects.toThrow(/localStorage is not available here; in Node use file:\/\/dir/);
    await expectLoadError(() => loadModel('downloads://m'), /downloads:\/\/ only saves .*fromFiles\(jsonFile, weightsFile\)/);
    await expectLoadError(() => loadModel('indexeddb://m'), /IndexedDB is not available here/);
  });

  it('memory:// keeps a copy: changing the model after saving does not change what loads', async () => {
    const m = tinyDense(32);
    await m.save('memory://copy');
    const bytes = weightBytesOf(m);
    m.setWeightValues(m.getWeightValues().map((w) => w.map((v) => v + 1)));
    const loaded = await loadModel('memory://copy');
    expect(weightBytesOf(loaded)).toEqual(bytes);
    m.dispose();
    loaded.dispose();
  });

  it('fromFiles loads a JSON file and a weights file (Blobs), checking sizes before reading', async () => {
    const { weightData, ...json } = model.toArtifacts();
    const jsonBlob = new Blob([JSON.stringify({ ...json, weightsPath: 'm.weights.bin' })]);
    const loaded = await loadModel(fromFiles(jsonBlob, new Blob([weightData])));
    expect(weightBytesOf(loaded)).toEqual(weightBytesOf(model));
    loaded.dispose();
    await expectLoadError(
      () => loadModel(fromFiles(jsonBlob, new Blob([weightData.slice(4)]))),
      /the weights file holds 56 bytes but the model JSON file declares 60/,
    );
    await expectLoadError(() => loadModel(fromFiles(jsonBlob, new Blob([weightData])), { maxJsonBytes: 10 }), /over the maxJsonBytes limit of 10/);
    expect(() => fromFiles('x' as never, new Blob([]))).toThrow(/fromFiles: pass the model JSON file and its weights file\(s\) as Blobs/);
  });
});

describe('http(s)://', () => {
  it('loads bit-identically with compile settings; weights resolve relative to model.json', async () => {
    const cnn = smallCnn(33);
    publish('cnn/v1', cnn, 'shards/w.bin');
    const loaded = await loadModel(`${server.url}/files/cnn/v1/model.json`);
    const x = cnnInput(34);
    expectSamePredictions(cnn, loaded, x);
    expect(loaded.optimizer!.getConfig()).toEqual(cnn.optimizer!.getConfig());
    x.dispose();
    cnn.dispose();
    loaded.dispose();
  });

  it('passes requestInit (headers) and a custom fetch to every request', async () => {
    publish('private/m', model);
    const url = `${server.url}/files/private/m/model.json`;
    await expectLoadError(() => loadModel(url), /GET .*private\/m\/model\.json \(the model JSON\) answered 401/);
    const loaded = await loadModel(url, { requestInit: { headers: { authorization: AUTH } } });
    expect(weightBytesOf(loaded)).toEqual(weightBytesOf(model));
    loaded.dispose();
    const seen: string[] = [];
    const counting: typeof fetch = (input, init) => {
      seen.push(`${String(input)} ${new Headers(init?.headers).get('authorization')}`);
      return fetch(input, init);
    };
    const again = await loadModel(url, { fetch: counting, requestInit: { headers: { authorization: AUTH } } });
    expect(seen).toEqual([`${url} ${AUTH}`, `${server.url}/files/private/m/weights.bin ${AUTH}`]);
    again.dispose();
  });

  it('weights off the model origin, missing, short, long or endless fail clearly', async () => {
    publish('offsite', model, 'http://127.0.0.2:9/w.bin');
    await expectLoadError(
      () => loadModel(`${server.url}/files/offsite/model.json`),
      /points to http:\/\/127\.0\.0\.2:9, off the model's origin http:\/\/127\.0\.0\.1:\d+/,
    );
    publish('missing', model);
    server.files.delete('missing/weights.bin');
    await expectLoadError(() => loadModel(`${server.url}/files/missing/model.json`), /GET .*missing\/weights\.bin \(the weights\) answered 404/);
    publish('short', model);
    server.files.set('short/weights.bin', new Uint8Array(58));
    await expectLoadError(
      () => loadModel(`${server.url}/files/short/model.json`),
      /weight data holds 58 bytes \(not a whole number of float32 values\) but the weightSpecs declare 60/,
    );
    publish('long', model);
    server.files.set('long/weights.bin', new Uint8Array(64));
    await expectLoadError(() => loadModel(`${server.url}/files/long/model.json`), /holds more than the 60 bytes .* declares/);
    publish('endless', model, '/endless');
    const t0 = performance.now();
    await expectLoadError(() => loadModel(`${server.url}/files/endless/model.json`), /holds more than the 60 bytes/);
    expect(performance.now() - t0).toBeLessThan(2000);
    await expectLoadError(
      () => loadModel(`${server.url}/endless`, { maxJsonBytes: 1000 }),
      /the model JSON holds more than 1,000 bytes, over the maxJsonBytes limit of 1,000; .*\{ maxJsonBytes: a larger number \}/,
    );
    server.files.set('notjson/model.json', new TextEncoder().encode('<html>'));
    await expectLoadError(() => loadModel(`${server.url}/files/notjson/model.json`), /is not valid JSON/);
    await expectLoadError(
      () => loadModel('http://127.0.0.1:9/model.json'),
      /cannot fetch the model JSON http:\/\/127\.0\.0\.1:9\/model\.json: .*is the server up/,
    );
  });

  it('save POSTs multipart form data (model.json + model.weights.bin) that loads back', async () => {
    const cnn = smallCnn(35);
    const result = await cnn.save(`${server.url}/upload/posted`);
    expect(result).toEqual({ destination: `${server.url}/upload/posted`, bytes: 136 * 4 });
    expect([...server.files.keys()].filter((k) => k.startsWith('posted/')).sort()).toEqual(['posted/model.json', 'posted/model.weights.bin']);
    const loaded = await loadModel(`${server.url}/files/posted/model.json`);
    expect(weightBytesOf(loaded)).toEqual(weightBytesOf(cnn));
    await expect(cnn.save(`${server.url}/nowhere`)).rejects.toThrow(/save: POST .*\/nowhere answered 404/);
    cnn.dispose();
    loaded.dispose();
  });
});
