/**
 * The Certify tab: runs the conformance suite on the backends the user ticks,
 * in a worker, with a progress bar; shows each backend's per-kernel table
 * (worst error as a fraction of its bound, pass/fail) and exports every report
 * as one JSON file. Loaded (with its worker) only when the tab first opens.
 */
import { downloadJson } from '../download.js';
import { el } from '../dom.js';
import { BACKENDS, parseInjected } from '../protocol.js';
import type { TabContext } from '../tab_context.js';
import type { CertifyEvent, CertifyRequest, CertifyRow } from './protocol.js';

interface Outcome {
  backend: string;
  available: boolean;
  reason: string | null;
  /** The suite's report, parsed from its JSON (numbers it cannot write, like Infinity, stay strings). */
  report: unknown;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function fractionCell(f: number | null): HTMLTableCellElement {
  const td = el('td', { className: 'num', dataset: { fraction: String(f) } });
  if (f === null) {
    td.append('–');
    return td;
  }
  // a meter reads well at a glance: green near 0, red past the bound
  const meter = el('meter', { min: 0, max: 1, low: 0.5, high: 0.9, optimum: 0, value: Math.min(f, 1) });
  td.append(f === 0 ? '0 ' : `${Number.isFinite(f) ? f.toPrecision(2) : '∞'} `, meter);
  return td;
}

function table(rows: readonly CertifyRow[]): HTMLTableElement {
  const head = ['kernel', 'kind', 'cases', 'result', 'worst / bound', 'worst error', 'bound'];
  return el(
    'table',
    { className: 'certify-table' },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      ...rows.map((r) =>
        el(
          'tr',
          { className: r.failed > 0 ? 'fail' : '', dataset: { kernel: r.label, verdict: r.verdict } },
          el('th', { scope: 'row' }, r.label),
          el('td', {}, r.kind),
          el('td', { className: 'num' }, String(r.cases)),
          el('td', {}, r.verdict),
          fractionCell(r.fraction),
          el('td', {}, r.worst),
          el('td', {}, r.bound),
        ),
      ),
    ),
  );
}

export function mount(panel: HTMLElement, ctx: TabContext): void {
  const boxes = BACKENDS.map((name) => el('input', { type: 'checkbox', name: 'certify-backend', value: name, checked: true }));
  const filter = el('input', { id: 'certify-filter', type: 'text', placeholder: 'all, or e.g. exp,matMul,conv2d' });
  const run = el('button', { id: 'certify-run', type: 'submit' }, 'Run the suite');
  const stop = el('button', { id: 'certify-stop', type: 'button', disabled: true }, 'Stop');
  const exportButton = el('button', { id: 'certify-export', type: 'button', disabled: true }, 'Export JSON');
  const progress = el('progress', { id: 'certify-progress', max: 1, value: 0 });
  const status = el('p', { id: 'certify-status', dataset: { state: 'idle' } }, 'Pick backends and run the suite.');
  status.setAttribute('aria-live', 'polite');
  const results = el('div', { id: 'certify-results' });
  const form = el(
    'form',
    { id: 'certify-form' },
    el('fieldset', {}, el('legend', {}, 'Backends'), ...boxes.map((b) => el('label', { className: 'inline' }, b, ` ${b.value}`))),
    el('label', {}, 'Kernels (optional)', filter),
    el('div', { className: 'buttons' }, run, stop, exportButton),
  );
  panel.append(
    el(
      'p',
      {},
      'The conformance suite checks every kernel, gradient and a short training run against a float64 reference, ' +
        'within the error float32 allows. Here it runs in this browser, on each backend you pick.',
    ),
    form,
    el('label', { className: 'progress' }, 'Progress', progress),
    status,
    results,
  );

  let worker: Worker | null = null;
  let outcomes: Outcome[] = [];
  let request: CertifyRequest | null = null;
  let started = 0;

  const setStatus = (state: 'idle' | 'running' | 'done' | 'error', text: string): void => {
    status.dataset['state'] = state;
    status.textContent = text;
  };
  const finish = (): void => {
    worker?.terminate();
    worker = null;
    run.disabled = false;
    stop.disabled = true;
    exportButton.disabled = outcomes.length === 0;
  };
  /** Overall progress: finished backends plus the running one's share. */
  const advance = (backend: string, done: number, total: number): void => {
    const i = request!.backends.indexOf(backend);
    progress.value = (i + (total ? done / total : 1)) / request!.backends.length;
  };

  const onEvent = (msg: CertifyEvent): void => {
    switch (msg.type) {
      case 'start':
        advance(msg.backend, 0, msg.total);
        setStatus('running', `${msg.backend}: starting (${msg.total} cases)…`);
        break;
      case 'progress':
        advance(msg.backend, msg.done, msg.total);
        setStatus('running', `${msg.backend}: ${msg.done} of ${msg.total} cases (${msg.kernel})`);
        break;
      case 'unavailable':
        outcomes.push({ backend: msg.backend, available: false, reason: msg.reason, report: null });
        results.append(
          el(
            'section',
            { className: 'certify-backend unavailable', dataset: { backend: msg.backend, available: 'false' } },
            el('h3', {}, `${msg.backend}: cannot run in this browser`),
            el('p', {}, msg.reason),
          ),
        );
        advance(msg.backend, 1, 1);
        break;
      case 'report': {
        outcomes.push({ backend: msg.backend, available: true, reason: null, report: JSON.parse(msg.json) });
        const failing = msg.rows.filter((r) => r.failed > 0);
        results.append(
          el(
            'section',
            {
              className: `certify-backend ${msg.failed ? 'failed' : 'passed'}`,
              dataset: { backend: msg.backend, available: 'true', passed: String(msg.passed), failed: String(msg.failed) },
            },
            el('h3', {}, `${msg.backend}: ${msg.passed} passed, ${msg.failed} failed${msg.skipped ? `, ${msg.skipped} skipped` : ''} in ${seconds(msg.ms)}`),
            el('p', { className: 'numerics' }, `Declared numerics: ${msg.numerics}.`),
            ...(failing.length
              ? [el('ul', { className: 'failures' }, ...failing.flatMap((r) => r.failures.map((f) => el('li', {}, `${r.label} › ${f}`))))]
              : []),
            el('div', { className: 'table-scroll' }, table(msg.rows)),
          ),
        );
        advance(msg.backend, 1, 1);
        break;
      }
      case 'finished': {
        const failed = outcomes.some((o) => o.available && (o.report as { failed: number }).failed > 0);
        setStatus(
          'done',
          `Finished in ${seconds(performance.now() - started)}: ${outcomes.map((o) => `${o.backend} ${o.available ? 'certified' : 'unavailable'}`).join(', ')}${failed ? ' (with failures)' : ''}.`,
        );
        finish();
        break;
      }
      case 'error':
        ctx.showError(`The conformance suite stopped: ${msg.message}`);
        setStatus('error', 'The suite stopped; see the message above.');
        finish();
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (worker) return;
    const backends = boxes.filter((b) => b.checked).map((b) => b.value);
    if (backends.length === 0) {
      setStatus('idle', 'Tick at least one backend.');
      return;
    }
    const inject = parseInjected(location.search);
    request = { type: 'run', backends, filter: filter.value, failBackend: inject?.kind === 'backend' ? inject.backend : null };
    outcomes = [];
    results.replaceChildren();
    progress.value = 0;
    started = performance.now();
    run.disabled = true;
    stop.disabled = false;
    exportButton.disabled = true;
    setStatus('running', 'Loading the conformance suite…');
    worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (m: MessageEvent<CertifyEvent>) => onEvent(m.data);
    worker.onerror = (err: ErrorEvent) => {
      err.preventDefault();
      onEvent({ type: 'error', message: `the worker crashed: ${err.message || 'no message'}` });
    };
    worker.postMessage(request);
  });
  stop.addEventListener('click', () => {
    setStatus('idle', `Stopped; ${outcomes.length} backend${outcomes.length === 1 ? '' : 's'} finished.`);
    finish();
  });
  exportButton.addEventListener('click', () =>
    downloadJson('polytensor-conformance.json', {
      schema: 'polytensor-playground-certify/1',
      date: new Date().toISOString(),
      userAgent: navigator.userAgent,
      filter: request?.filter ?? '',
      backends: outcomes,
    }),
  );
}
