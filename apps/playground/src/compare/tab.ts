/**
 * The Compare tab: a short run of the bench's workloads in this browser, each
 * polytensor backend beside its TensorFlow.js counterpart (wasm ↔ wasm, webgl ↔
 * webgl, ts ↔ cpu), in a worker; the ratios are charted as each workload ends
 * and the whole run exports as JSON. `?compare=<ids>&sizes=quick|full`
 * preselects workloads and sizes. Loaded only when the tab first opens.
 */
import type { BackendInfo, Ratio, Row } from '@polytensor/bench/in-browser';
import { el } from '../dom.js';
import { downloadJson } from '../download.js';
import { parseInjected } from '../protocol.js';
import type { TabContext } from '../tab_context.js';
import { formatRatio, RatioChart } from './chart.js';
import { type CompareEvent, type CompareRequest, DEFAULT_WORKLOADS, PAIRS, type PairBackend, type RunRequest, type WorkloadEntry } from './protocol.js';

const ms = (v: number | null): string => (v === null ? '–' : v >= 1000 ? `${(v / 1000).toPrecision(3)} s` : `${v.toPrecision(3)} ms`);

function ratioTable(ratios: readonly Ratio[], rows: readonly Row[]): HTMLElement {
  const head = ['workload', 'pair', 'polytensor median', 'tfjs median', 'ratio'];
  const notCompared = rows.filter((r) => r.status !== 'ok');
  return el(
    'div',
    {},
    el(
      'div',
      { className: 'table-scroll' },
      el(
        'table',
        { className: 'compare-table' },
        el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
        el(
          'tbody',
          {},
          ...ratios.map((q) =>
            el(
              'tr',
              { dataset: { workload: q.workload, backend: q.backend, ratio: String(q.ratio) } },
              el('th', { scope: 'row' }, q.workload),
              el('td', {}, `${q.backend} ↔ ${q.versus} ${q.baseline}`),
              el('td', { className: 'num' }, ms(q.oursMs)),
              el('td', { className: 'num' }, `${ms(q.theirsMs)}${q.approximate ? ' (one run)' : ''}`),
              el('td', { className: 'num' }, formatRatio(q.ratio)),
            ),
          ),
        ),
      ),
    ),
    ...(notCompared.length
      ? [
          el('h3', {}, 'Not timed'),
          el(
            'ul',
            { className: 'not-compared' },
            ...notCompared.map((r) => el('li', {}, `${r.workload}, ${r.implementation} ${r.backend}: ${r.status}: ${r.reason ?? ''}`)),
          ),
        ]
      : []),
  );
}

export function mount(panel: HTMLElement, ctx: TabContext): void {
  const params = new URLSearchParams(location.search);
  const preselected = params.get('compare')?.split(',').filter(Boolean) ?? [...DEFAULT_WORKLOADS];
  const backendBoxes = (Object.keys(PAIRS) as PairBackend[]).map((b) => el('input', { type: 'checkbox', name: 'compare-backend', value: b, checked: true }));
  const workloadBox = el('fieldset', { id: 'compare-workloads' }, el('legend', {}, 'Workloads'), 'Loading the bench…');
  const sizes = el(
    'select',
    { id: 'compare-sizes' },
    new Option('full: the bench’s sizes', 'full'),
    new Option('quick: tiny sizes, few repeats (a smoke test)', 'quick'),
  );
  sizes.value = params.get('sizes') === 'quick' ? 'quick' : 'full';
  const run = el('button', { id: 'compare-run', type: 'submit', disabled: true }, 'Run the benchmark');
  const stop = el('button', { id: 'compare-stop', type: 'button', disabled: true }, 'Stop');
  const exportButton = el('button', { id: 'compare-export', type: 'button', disabled: true }, 'Export JSON');
  const progress = el('progress', { id: 'compare-progress', max: 1, value: 0 });
  const status = el('p', { id: 'compare-status', dataset: { state: 'idle' } }, '');
  status.setAttribute('aria-live', 'polite');
  const chartHost = el('div', { id: 'compare-chart' });
  const table = el('div', { id: 'compare-results' });
  const form = el(
    'form',
    { id: 'compare-form' },
    el(
      'fieldset',
      {},
      el('legend', {}, 'Backends (polytensor ↔ tfjs)'),
      ...backendBoxes.map((b) => el('label', { className: 'inline' }, b, ` ${b.value} ↔ ${PAIRS[b.value as PairBackend]}`)),
    ),
    workloadBox,
    el('label', {}, 'Sizes', sizes),
    el('div', { className: 'buttons' }, run, stop, exportButton),
  );
  panel.append(
    el(
      'p',
      {},
      'The bench’s workloads in this browser: each polytensor backend beside the TensorFlow.js backend it is compared with, ' +
        'timed interleaved after each output is checked against a float64 reference. A ratio below 1 means polytensor is faster.',
    ),
    form,
    el('label', { className: 'progress' }, 'Progress', progress),
    status,
    chartHost,
    table,
  );

  const chart = new RatioChart(chartHost);
  // browsers round performance.now() to 0.1 ms outside cross-origin isolated pages: say so beside figures near it
  const coarseTimers = globalThis.crossOriginIsolated
    ? ''
    : ' This page is not cross-origin isolated, so the browser rounds timers to 0.1 ms: runs that short (quick sizes) mostly measure the rounding.';
  let worker: Worker | null = null;
  let workloadBoxes: HTMLInputElement[] = [];
  let request: RunRequest | null = null;
  let result: { backends: BackendInfo[]; rows: Row[]; ratios: Ratio[] } | null = null;
  let running = false;

  const setStatus = (state: 'idle' | 'running' | 'done' | 'error', text: string): void => {
    status.dataset['state'] = state;
    status.textContent = text;
  };

  const showWorkloads = (list: readonly WorkloadEntry[]): void => {
    const known = new Set(list.map((w) => w.id));
    const unknown = preselected.filter((id) => !known.has(id));
    if (unknown.length) ctx.showError(`Compare: no workload named ${unknown.map((u) => `'${u}'`).join(', ')} (?compare=); valid: ${[...known].join(', ')}`);
    workloadBoxes = list.map((w) => el('input', { type: 'checkbox', name: 'compare-workload', value: w.id, checked: preselected.includes(w.id) }));
    workloadBox.replaceChildren(
      el('legend', {}, 'Workloads'),
      ...list.map((w, i) => el('label', { className: 'inline', title: `quick: ${w.quick}; full: ${w.full}` }, workloadBoxes[i]!, ` ${w.id}`)),
    );
    run.disabled = false;
    setStatus('idle', 'Pick backends and workloads, then run.');
  };

  const finish = (): void => {
    // the worker holds backends and WebGL contexts: let them go; the next run starts a fresh one
    worker?.terminate();
    worker = null;
    running = false;
    run.disabled = false;
    stop.disabled = true;
    exportButton.disabled = result === null;
  };

  const onEvent = (msg: CompareEvent): void => {
    switch (msg.type) {
      case 'workloads':
        showWorkloads(msg.list);
        break;
      case 'ready':
        result = { backends: msg.backends, rows: [], ratios: [] };
        {
          // one message for all: the alert box shows one at a time
          const missing = msg.backends.filter((x) => !x.available).map((x) => x.reason);
          if (missing.length) ctx.showError(`Compare: ${missing.join('; ')}. Their rows say so; the other backends are measured.`);
        }
        break;
      case 'progress': {
        const n = request!.workloads.length;
        const e = msg.event;
        progress.value = (msg.index + (e.phase === 'done' ? 1 : 0.5) / 2) / n;
        setStatus('running', `${e.workload}: ${e.impl} ${e.phase}${e.total ? ` ${e.done}/${e.total}` : ''} (workload ${msg.index + 1} of ${n})`);
        break;
      }
      case 'rows':
        result!.rows = msg.rows;
        result!.ratios = msg.ratios;
        progress.value = (msg.index + 1) / request!.workloads.length;
        chart.show(request!.workloads, msg.ratios);
        table.replaceChildren(ratioTable(msg.ratios, msg.rows));
        break;
      case 'finished':
        setStatus('done', `Finished: ${result?.ratios.length ?? 0} ratios.${coarseTimers}`);
        finish();
        break;
      case 'error':
        ctx.showError(`The benchmark stopped: ${msg.message}`);
        setStatus('error', 'The benchmark stopped; see the message above.');
        finish();
    }
  };

  const startWorker = (): Worker => {
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (m: MessageEvent<CompareEvent>) => onEvent(m.data);
    w.onerror = (err: ErrorEvent) => {
      err.preventDefault();
      worker?.terminate();
      worker = null;
      onEvent({ type: 'error', message: `the worker crashed: ${err.message || 'no message'}` });
    };
    return w;
  };
  const send = (msg: CompareRequest): void => {
    worker ??= startWorker();
    worker.postMessage(msg);
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (running) return;
    const backends = backendBoxes.filter((b) => b.checked).map((b) => b.value as PairBackend);
    const workloads = workloadBoxes.filter((b) => b.checked).map((b) => b.value);
    if (!backends.length || !workloads.length) {
      setStatus('idle', 'Tick at least one backend and one workload.');
      return;
    }
    // a fresh worker per run: no state (backends, caches) carries over from the last one
    worker?.terminate();
    worker = null;
    const inject = parseInjected(location.search);
    request = { type: 'run', backends, workloads, quick: sizes.value === 'quick', failBackend: inject?.kind === 'backend' ? inject.backend : null };
    result = null;
    running = true;
    progress.value = 0;
    table.replaceChildren();
    run.disabled = true;
    stop.disabled = false;
    exportButton.disabled = true;
    setStatus('running', 'Loading the backends…');
    send(request);
  });
  stop.addEventListener('click', () => {
    setStatus('idle', 'Stopped.');
    finish();
  });
  exportButton.addEventListener('click', () =>
    downloadJson('polytensor-compare.json', {
      schema: 'polytensor-playground-compare/1',
      date: new Date().toISOString(),
      userAgent: navigator.userAgent,
      quick: request?.quick ?? true,
      workloads: request?.workloads ?? [],
      ...result,
    }),
  );
  send({ type: 'list' });
}
