// Model IO in a real browser page (Chromium): IndexedDB, localStorage,
// downloads (the anchor clicks intercepted, the blobs read back), and http(s)
// against the model server globalSetup runs on 127.0.0.1 (another origin).
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { Dense, Sequential, fromFiles, loadModel, setSeed, type ModelArtifacts } from '../helpers.js';
import { AUTH } from './server_auth.js';
import { cnnInput, expectLoadError, expectSamePredictions, smallCnn, weightBytesOf } from './fixtures.js';

const server = inject('modelServerUrl');

/** The model round-tripped predicts bit-identically and kept its compile settings. */
function expectSameModel(original: Sequential, loaded: Sequential): void {
  const x = cnnInput(99);
  expectSamePredictions(original, loaded, x);
  x.dispose();
  expect(loaded.name).toBe(original.name);
  expect(loaded.toArtifacts().trainingConfig).toEqual(original.toArtifacts().trainingConfig);
  expect(loaded.optimizer!.getConfig()).toEqual(original.optimizer!.getConfig());
}

afterEach(() => {
  vi.restoreAllMocks();
  localStorage.clear();
});

describe('indexeddb://', () => {
  it('round trip: bit-identical predictions, compile settings; saving again replaces the model', async () => {
    const a = smallCnn(1);
    const b = smallCnn(2, false);
    expect(await a.save('indexeddb://cnn')).toEqual({ destination: 'indexeddb://cnn', bytes: 136 * 4 });
    const loaded = await loadModel('indexeddb://cnn');
    expectSameModel(a, loaded);
    await b.save('indexeddb://cnn');
    const replaced = await loadModel('indexeddb://cnn');
    expect(weightBytesOf(replaced)).toEqual(weightBytesOf(b));
    expect(replaced.optimizer).toBeNull();
    for (const m of [a, b, loaded, replaced]) m.dispose();
  });

  it('a missing or damaged record fails clearly', async () => {
    await expectLoadError(() => loadModel('indexeddb://never-saved'), /loadModel: nothing saved at indexeddb:\/\/never-saved/);
    const model = smallCnn(3);
    await model.save('indexeddb://damaged');
    // Rewrite the record with weights that are 4 bytes short, as a broken writer might.
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('polytensor', 1);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const { weightData, ...json } = model.toArtifacts();
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('models', 'readwrite');
      tx.objectStore('models').put({ model: json, weightData: weightData.slice(4) }, 'damaged');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    await expectLoadError(() => loadModel('indexeddb://damaged'), /indexeddb:\/\/damaged: the weight data holds 540 bytes but the weightSpecs declare 544/);
    model.dispose();
  });
});

describe('localstorage://', () => {
  it('round trip in one item; items written by older versions (two keys) still load', async () => {
    const model = smallCnn(4);
    await model.save('localstorage://cnn');
    expect(Object.keys(localStorage)).toEqual(['polytensor:cnn']);
    const loaded = await loadModel('localstorage://cnn');
    expectSameModel(model, loaded);
    const { weightData, trainingConfig: _t, ...json } = model.toArtifacts();
    localStorage.setItem('polytensor:old:model', JSON.stringify(json));
    localStorage.setItem('polytensor:old:weights', btoa(String.fromCharCode(...new Uint8Array(weightData))));
    const old = await loadModel('localstorage://old');
    expect(weightBytesOf(old)).toEqual(weightBytesOf(model));
    expect(old.optimizer).toBeNull();
    for (const m of [model, loaded, old]) m.dispose();
  });

  it('a model over the quota fails clearly and suggests indexeddb://', { timeout: 30_000 }, async () => {
    setSeed(5);
    const big = new Sequential({ layers: [new Dense({ units: 1500, inputShape: [1000] })] });
    await expect(big.save('localstorage://big')).rejects.toThrow(
      /save: localStorage refused localstorage:\/\/big \([\d,]+ characters: QuotaExceededError\); .* use indexeddb:\/\/name/,
    );
    big.dispose();
  });

  it('damaged items fail clearly', async () => {
    await expectLoadError(() => loadModel('localstorage://none'), /nothing saved at localstorage:\/\/none/);
    localStorage.setItem('polytensor:bad', '{"model": ');
    await expectLoadError(() => loadModel('localstorage://bad'), /localstorage:\/\/bad is not valid JSON/);
    const model = smallCnn(6);
    await model.save('localstorage://cut');
    const item = JSON.parse(localStorage.getItem('polytensor:cut')!) as { model: unknown; weights: string };
    localStorage.setItem('polytensor:cut', JSON.stringify({ ...item, weights: item.weights.slice(8) }));
    await expectLoadError(() => loadModel('localstorage://cut'), /the weights \(720 characters\) are not the 728 base64 characters/);
    model.dispose();
  });
});

describe('downloads://', () => {
  it('downloads name.json and name.weights.bin; fromFiles loads them back', async () => {
    const clicks: Array<{ href: string; download: string }> = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push({ href: this.href, download: this.download });
    });
    const model = smallCnn(7);
    expect(await model.save('downloads://net')).toEqual({ destination: 'downloads://net', bytes: 136 * 4 });
    expect(clicks.map((c) => c.download)).toEqual(['net.json', 'net.weights.bin']);
    expect(clicks.every((c) => c.href.startsWith('blob:'))).toBe(true);
    const [json, weights] = await Promise.all(clicks.map(async (c) => (await fetch(c.href)).blob()));
    expect((JSON.parse(await json!.text()) as { weightsPath: string }).weightsPath).toBe('net.weights.bin');
    const loaded = await loadModel(fromFiles(new File([json!], 'net.json'), new File([weights!], 'net.weights.bin')));
    expectSameModel(model, loaded);
    await expectLoadError(
      () => loadModel(fromFiles(new File([json!], 'net.json'), new File([weights!.slice(0, 100)], 'other.bin'))),
      /other\.bin holds 100 bytes but net\.json declares 544; pick the weights file saved with this model/,
    );
    await expect(model.save('downloads://a/b')).rejects.toThrow(/cannot contain '\/'/);
    model.dispose();
    loaded.dispose();
  });
});

describe('http(s):// from the page', () => {
  it('save POSTs the model; loading it back is bit-identical with compile settings', async () => {
    const model = smallCnn(8);
    await model.save(`${server}/upload/browser-cnn`);
    const loaded = await loadModel(`${server}/files/browser-cnn/model.json`);
    expectSameModel(model, loaded);
    model.dispose();
    loaded.dispose();
  });

  it('requestInit reaches both requests (an Authorization header); without it the server refuses', async () => {
    const model = smallCnn(9);
    const { weightData, ...json } = model.toArtifacts();
    const put = (path: string, body: BodyInit): Promise<Response> => fetch(`${server}/files/${path}`, { method: 'PUT', body });
    await put('private/cnn/model.json', JSON.stringify({ ...json, weightsPath: 'w/weights.bin' }));
    await put('private/cnn/w/weights.bin', weightData);
    const url = `${server}/files/private/cnn/model.json`;
    await expectLoadError(() => loadModel(url), /answered 401/);
    const loaded = await loadModel(url, { requestInit: { headers: { Authorization: AUTH } } });
    expectSameModel(model, loaded);
    model.dispose();
    loaded.dispose();
  });

  it('an endless weights body stops at the declared size', async () => {
    const model = smallCnn(10);
    const { weightData: _w, ...json } = model.toArtifacts() as ModelArtifacts;
    await fetch(`${server}/files/endless/model.json`, { method: 'PUT', body: JSON.stringify({ ...json, weightsPath: '/endless' }) });
    await expectLoadError(() => loadModel(`${server}/files/endless/model.json`), /holds more than the 544 bytes/);
    model.dispose();
  });
});

it('file:// in a browser build says what to use instead (no Node code in the page)', async () => {
  const model = smallCnn(11);
  await expect(model.save('file:///tmp/m')).rejects.toThrow(
    /save: file:\/\/\/tmp\/m needs Node's file system, which this build does not have; in a browser use indexeddb:\/\/name/,
  );
  await expectLoadError(() => loadModel('file:///tmp/m'), /needs Node's file system/);
  model.dispose();
});
