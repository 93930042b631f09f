// indexeddb://name: one record per model (JSON object + ArrayBuffer) in the
// 'models' store of the 'polytensor' database; one put, so saves are atomic.
import { PolytensorError } from '../../errors.js';
import { modelJsonOf } from './codec.js';
import { checkModelJson, checkWeightData } from './model_json.js';
import type { LoadLimits, ModelArtifacts, SaveResult } from './types.js';

const DB_NAME = 'polytensor';
const STORE = 'models';

interface ModelRecord {
  model: unknown;
  weightData: unknown;
}

function factory(op: string): IDBFactory {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) throw new PolytensorError(`${op}: IndexedDB is not available here; indexeddb:// works in browsers (and workers): in Node use file://dir`);
  return idb;
}

const requestDone = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

async function openDb(op: string): Promise<IDBDatabase> {
  const req = factory(op).open(DB_NAME, 1);
  req.onupgradeneeded = () => {
    if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
  };
  try {
    return await requestDone(req);
  } catch (e) {
    throw new PolytensorError(`${op}: cannot open the IndexedDB database '${DB_NAME}': ${String(e)}; private browsing modes may block IndexedDB`);
  }
}

/** Run one request in its own transaction and wait until the transaction commits. */
async function inTransaction<T>(op: string, mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb(op);
  try {
    const tx = db.transaction(STORE, mode);
    const result = requestDone(fn(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    });
    return await result;
  } finally {
    db.close();
  }
}

export async function saveIndexedDb(name: string, a: ModelArtifacts): Promise<SaveResult> {
  const record: ModelRecord = { model: modelJsonOf(a), weightData: a.weightData };
  try {
    await inTransaction('save', 'readwrite', (s) => s.put(record, name));
  } catch (e) {
    if (e instanceof PolytensorError) throw e;
    throw new PolytensorError(
      `save: IndexedDB refused indexeddb://${name} (${a.weightData.byteLength} bytes of weights): ${String(e)}; the browser's storage quota may be full`,
    );
  }
  return { destination: `indexeddb://${name}`, bytes: a.weightData.byteLength };
}

export async function loadIndexedDb(name: string, limits: LoadLimits): Promise<ModelArtifacts> {
  const where = `indexeddb://${name}`;
  const record = (await inTransaction('loadModel', 'readonly', (s) => s.get(name) as IDBRequest<ModelRecord | undefined>)) as ModelRecord | undefined;
  if (record === undefined) throw new PolytensorError(`loadModel: nothing saved at ${where}; save there first`);
  if (typeof record !== 'object' || record === null)
    throw new PolytensorError(`loadModel: ${where} holds ${typeof record}, not a saved model; re-save the model`);
  const checked = checkModelJson(record.model, where, limits);
  return { ...checked.json, weightData: checkWeightData(record.weightData, checked, where) };
}
