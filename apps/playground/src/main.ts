/** The page: tabs, the Train form and charts, the Draw pad, and the worker's lifecycle (including its crashes). */
import { TrainingCharts } from './charts.js';
import { DrawPad } from './draw_pad.js';
import { BACKENDS, type BackendName, type BackendStatus, type FromWorker, parseInjected, type ToWorker, type TrainConfig } from './protocol.js';
import { registerOfflineCache } from './storage/offline.js';
import { modelStorePanel } from './storage/panel.js';
import { MODEL_NAMES, MODELS, type ModelName, OPTIMIZER_LABELS, OPTIMIZER_NAMES } from './train/choices.js';
import { HistogramView } from './train/histogram_view.js';
import { showMisclassified } from './train/misclassified_view.js';
import './style.css';
import type { LazyTab } from './tab_context.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const inject = parseInjected(location.search);
const dataUrl = new URL('mnist/', document.baseURI).href;

const errorBox = $<HTMLDivElement>('error');
const status = $<HTMLParagraphElement>('status');
const backendSelect = $<HTMLSelectElement>('backend');
const trainButton = $<HTMLButtonElement>('train');
const stopButton = $<HTMLButtonElement>('stop');
const pauseButton = $<HTMLButtonElement>('pause');
const modelSelect = $<HTMLSelectElement>('model');
const optimizerSelect = $<HTMLSelectElement>('optimizer');
const weightHistograms = new HistogramView($('weight-histograms'));
const activationHistograms = new HistogramView($('activation-histograms'));
const progress = $<HTMLProgressElement>('data-progress');
const drawStatus = $<HTMLParagraphElement>('draw-status');
const probabilities = $<HTMLOListElement>('probabilities');
const charts = new TrainingCharts($('loss-chart'), $('accuracy-chart'));

/** Show a failure in the page; the rest of the page stays usable. */
function showError(text: string): void {
  errorBox.replaceChildren(document.createTextNode(text));
  const dismiss = document.createElement('button');
  dismiss.type = 'button';
  dismiss.textContent = 'Dismiss';
  dismiss.addEventListener('click', () => {
    errorBox.hidden = true;
  });
  errorBox.append(dismiss);
  errorBox.hidden = false;
}

function setStatus(state: 'idle' | 'loading' | 'training' | 'paused' | 'done' | 'error', text: string): void {
  status.dataset['state'] = state;
  status.textContent = text;
}

// ---- the worker ----
let worker: Worker | null = null;
let training = false;
let hasModel = false;
let predicting = false;
let queued: Float32Array | null = null;

function send(msg: ToWorker): void {
  worker?.postMessage(msg);
}

const store = modelStorePanel(send, () => backendSelect.value as BackendName);
/** Enable what the current state allows; call after every change of training or hasModel. */
function syncControls(): void {
  trainButton.disabled = training || !worker || !backendSelect.value;
  stopButton.disabled = pauseButton.disabled = !training;
  if (!training) setPaused(false);
  store.setState({ hasModel, busy: training });
}

function setPaused(paused: boolean): void {
  pauseButton.setAttribute('aria-pressed', String(paused));
  pauseButton.textContent = paused ? 'Resume' : 'Pause';
}

function startWorker(): void {
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onWorkerMessage(e.data);
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    onWorkerCrash(e.message || 'the worker stopped with an error it did not report');
  };
  send({ type: 'probe', inject });
}

/** A crashed worker takes its model with it: say so, start a fresh one, keep the page working. */
function onWorkerCrash(why: string): void {
  worker?.terminate();
  worker = null;
  training = false;
  hasModel = false;
  predicting = false;
  showError(`The training worker crashed: ${why}. Training stopped and the trained model is lost; a fresh worker has started, so you can train again.`);
  setStatus('error', 'Worker crashed; train again to continue.');
  syncControls();
  trainButton.disabled = true;
  startWorker();
}

function showBackends(list: BackendStatus[]): void {
  const previous = backendSelect.value;
  backendSelect.replaceChildren();
  const statusList = $<HTMLUListElement>('backend-status');
  statusList.replaceChildren();
  for (const b of list) {
    const option = new Option(b.available ? b.name : `${b.name} (unavailable)`, b.name);
    option.disabled = !b.available;
    if (b.reason) option.title = b.reason;
    backendSelect.append(option);
    const li = document.createElement('li');
    li.dataset['backend'] = b.name;
    li.className = b.available ? 'available' : 'unavailable';
    li.textContent = b.available ? `${b.name}: available` : `${b.name}: unavailable: ${b.reason}`;
    statusList.append(li);
  }
  const usable = list.filter((b) => b.available).map((b) => b.name);
  backendSelect.value = usable.includes(previous as BackendName) ? previous : (usable[0] ?? '');
  syncControls();
  if (status.dataset['state'] === 'idle') setStatus('idle', usable.length ? 'Ready.' : 'No backend can run in this browser.');
  if (usable.length === 0) showError('No backend initialised in this browser; see the reasons under the form.');
}

function onWorkerMessage(msg: FromWorker): void {
  switch (msg.type) {
    case 'backends':
      showBackends(msg.list);
      break;
    case 'loading':
      progress.max = msg.total;
      progress.value = msg.loaded;
      if (msg.loaded === msg.total) setStatus('training', 'Training…');
      break;
    case 'batch':
      charts.addBatch(msg.step, msg.loss, msg.accuracy);
      status.dataset['step'] = String(msg.step);
      break;
    case 'epoch':
      charts.addEpoch(msg.step, msg.valAccuracy);
      setStatus('training', `Epoch ${msg.epoch + 1}: test accuracy ${msg.valAccuracy.toFixed(3)}, test loss ${msg.valLoss.toFixed(3)}`);
      break;
    case 'paused':
      setPaused(msg.paused);
      status.dataset['step'] = String(msg.step);
      if (msg.paused) setStatus('paused', `Paused after batch ${msg.step}; the model keeps its state. Resume or Stop.`);
      else setStatus('training', 'Training…');
      break;
    case 'histograms':
      weightHistograms.show(msg.weights);
      activationHistograms.show(msg.activations);
      break;
    case 'misclassified':
      showMisclassified($('misclassified'), $('misclassified-summary'), msg.examples, msg.wrong, msg.total);
      break;
    case 'saved':
      store.onSaved(msg);
      break;
    case 'loaded':
      hasModel = true;
      store.onLoaded(msg);
      syncControls();
      repredict();
      break;
    case 'done':
      training = false;
      hasModel = true;
      status.dataset['accuracy'] = String(msg.testAccuracy);
      status.dataset['backend'] = msg.backend;
      setStatus(
        'done',
        `${msg.stopped ? 'Stopped' : 'Done'} on ${msg.backend} in ${msg.seconds.toFixed(1)} s (${msg.model}): test accuracy ${msg.testAccuracy.toFixed(3)}. Try the Draw tab.`,
      );
      syncControls();
      repredict();
      break;
    case 'prediction':
      predicting = false;
      showProbabilities(msg.probabilities);
      if (queued) predict(queued);
      break;
    case 'error':
      if (msg.contextLost) {
        // the model on webgl went with the context; other backends, Draw and save/load still work
        hasModel = false;
        showError(
          `The WebGL context was lost (GPU reset, driver crash, or an injected loss) during '${msg.during}': ${msg.message} ` +
            'The model on webgl is gone; train again (webgl starts a fresh context) or pick another backend.',
        );
      }
      if (msg.during === 'predict') {
        predicting = false;
        drawStatus.textContent = msg.message;
        break;
      }
      if (msg.during === 'save' || msg.during === 'load') {
        store.onError(msg.message);
        if (msg.during === 'load') hasModel = false;
        syncControls();
        break;
      }
      training = false;
      if (!msg.contextLost) showError(`${msg.during === 'train' ? 'Training' : 'The worker'} failed: ${msg.message}`);
      setStatus('error', 'Training failed; see the message above.');
      syncControls();
  }
}

// ---- Train ----
const num = (id: string): number => Number($<HTMLInputElement>(id).value);
$<HTMLFormElement>('train-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (training || !worker) return;
  const config: TrainConfig = {
    model: modelSelect.value as ModelName,
    backend: backendSelect.value as BackendName,
    epochs: num('epochs'),
    batchSize: num('batch-size'),
    learningRate: num('learning-rate'),
    optimizer: optimizerSelect.value as TrainConfig['optimizer'],
    examples: num('examples'),
    dataUrl,
  };
  if (!BACKENDS.includes(config.backend)) return;
  training = true;
  hasModel = false;
  errorBox.hidden = true;
  delete status.dataset['accuracy'];
  delete status.dataset['step'];
  charts.reset();
  weightHistograms.clear();
  activationHistograms.clear();
  progress.value = 0;
  setStatus('loading', `Loading MNIST and starting ${config.model} on ${config.backend}…`);
  syncControls();
  send({ type: 'train', config, inject });
});
stopButton.addEventListener('click', () => send({ type: 'stop' }));
pauseButton.addEventListener('click', () => send({ type: pauseButton.getAttribute('aria-pressed') === 'true' ? 'resume' : 'pause' }));

// picking a model sets the form to its published recipe; every field stays editable
modelSelect.append(...MODEL_NAMES.map((m) => new Option(MODELS[m].label, m)));
optimizerSelect.append(...OPTIMIZER_NAMES.map((o) => new Option(OPTIMIZER_LABELS[o], o)));
function applyRecipe(): void {
  const m = MODELS[modelSelect.value as ModelName];
  optimizerSelect.value = m.optimizer;
  $<HTMLInputElement>('learning-rate').value = String(m.learningRate);
  $<HTMLInputElement>('batch-size').value = String(m.batchSize);
}
modelSelect.addEventListener('change', applyRecipe);
applyRecipe();

// ---- Draw ----
function showProbabilities(p: number[]): void {
  const best = p.indexOf(Math.max(...p));
  probabilities.replaceChildren(
    ...p.map((v, digit) => {
      const li = document.createElement('li');
      li.dataset['p'] = String(v);
      li.className = digit === best ? 'best' : '';
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${(v * 8).toFixed(2)}rem`;
      li.append(`${digit}: ${v.toFixed(3)} `, bar);
      return li;
    }),
  );
  drawStatus.textContent = `Looks like a ${best} (${(p[best]! * 100).toFixed(0)}%).`;
}

function predict(pixels: Float32Array): void {
  if (predicting) {
    queued = pixels;
    return;
  }
  queued = null;
  predicting = true;
  send({ type: 'predict', pixels });
}

/** A new model answers the drawing already on the pad. */
function repredict(): void {
  const pixels = pad.pixels();
  if (pixels) predict(pixels);
}

const pad = new DrawPad($('pad'), (pixels) => {
  if (!pixels) {
    probabilities.replaceChildren();
    drawStatus.textContent = '';
  } else if (!hasModel) drawStatus.textContent = 'No trained model yet: train one in the Train tab, then draw again.';
  else predict(pixels);
});
$<HTMLButtonElement>('clear').addEventListener('click', () => pad.clear());

// ---- tabs (arrow keys move between them, as the ARIA tabs pattern says) ----
const tabs = ['tab-train', 'tab-draw', 'tab-certify', 'tab-compare'].map((id) => $<HTMLButtonElement>(id));
// Certify and Compare bring the conformance suite and the bench: their code loads when the tab first opens.
const lazyTabs: Record<string, () => Promise<LazyTab>> = {
  'tab-certify': () => import('./certify/tab.js'),
  'tab-compare': () => import('./compare/tab.js'),
};
function selectTab(tab: HTMLButtonElement): void {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')!).hidden = !on;
  }
  tab.focus();
  const load = lazyTabs[tab.id];
  if (load) {
    delete lazyTabs[tab.id];
    const panel = $(tab.getAttribute('aria-controls')!);
    load().then(
      (m) => m.mount(panel, { showError }),
      (e: unknown) => {
        lazyTabs[tab.id] = load; // opening the tab again retries
        showError(`The ${tab.textContent} tab failed to load: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }
}
for (const [i, tab] of tabs.entries()) {
  tab.addEventListener('click', () => selectTab(tab));
  tab.addEventListener('keydown', (e) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step) selectTab(tabs[(i + step + tabs.length) % tabs.length]!);
  });
}

startWorker();
registerOfflineCache();
