/** The Save and load controls of the Train tab: IndexedDB, download, and files the user picks. */
import type { BackendName, FromWorker, ToWorker } from '../protocol.js';
import { downloadModelFiles } from './download.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export interface ModelStorePanel {
  /** Save needs a model; nothing may save or load while training. */
  setState(state: { hasModel: boolean; busy: boolean }): void;
  onSaved(msg: Extract<FromWorker, { type: 'saved' }>): void;
  onLoaded(msg: Extract<FromWorker, { type: 'loaded' }>): void;
  onError(message: string): void;
}

export function modelStorePanel(send: (msg: ToWorker) => void, backend: () => BackendName): ModelStorePanel {
  const name = $<HTMLInputElement>('model-name');
  const status = $<HTMLParagraphElement>('store-status');
  const saveIdb = $<HTMLButtonElement>('save-idb');
  const download = $<HTMLButtonElement>('download');
  const loadIdb = $<HTMLButtonElement>('load-idb');
  const files = $<HTMLInputElement>('load-files');
  const say = (state: 'working' | 'saved' | 'loaded' | 'error', text: string): void => {
    status.dataset['state'] = state;
    status.textContent = text;
  };

  saveIdb.addEventListener('click', () => {
    say('working', 'Saving…');
    send({ type: 'save', target: 'indexeddb', name: name.value });
  });
  download.addEventListener('click', () => {
    say('working', 'Preparing the download…');
    send({ type: 'save', target: 'download', name: name.value });
  });
  loadIdb.addEventListener('click', () => {
    say('working', `Loading ${name.value} from this browser onto ${backend()}…`);
    send({ type: 'load', source: { kind: 'indexeddb', name: name.value }, backend: backend() });
  });
  files.addEventListener('change', () => {
    const picked = Array.from(files.files ?? []);
    files.value = '';
    if (picked.length === 0) return;
    say('working', `Loading ${picked.map((f) => f.name).join(' + ')} onto ${backend()}…`);
    send({ type: 'load', source: { kind: 'files', files: picked }, backend: backend() });
  });

  return {
    setState({ hasModel, busy }) {
      saveIdb.disabled = download.disabled = !hasModel || busy;
      loadIdb.disabled = files.disabled = busy;
    },
    onSaved(msg) {
      if (msg.files) downloadModelFiles(msg.files);
      say('saved', `Saved to ${msg.destination} (${(msg.bytes / 1024).toFixed(0)} KiB of weights).`);
    },
    onLoaded(msg) {
      say('loaded', `Loaded ${msg.model} (${msg.params.toLocaleString('en')} weights) from ${msg.from} onto ${msg.backend}. Try the Draw tab.`);
    },
    onError(message) {
      say('error', message);
    },
  };
}
