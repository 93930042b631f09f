/** Command-line options of polytensor-bench. */
import { BACKENDS, DEFAULT_BACKENDS, validateSelection } from './bench.js';
import { BROWSER_BACKENDS } from './browser.js';
import { expandThreads, parseThreads, type ThreadSetting } from './threads.js';
import { WORKLOADS, WORKLOAD_IDS } from './workloads.js';

export interface CliOptions {
  backends: string[];
  workloads: string[];
  quick: boolean;
  out: string | null;
  updateReadme: boolean;
  readmeOnly: boolean;
  renderOnly: boolean;
  help: boolean;
  list: boolean;
  /** Per-run cap in ms (--cap): a run still going is stopped (guarded runs) or not repeated. null: the default. */
  capMs: number | null;
  /** --threads: the thread settings of backend-ts and backend-wasm (ts and wasm in `backends` are replaced by ts@<setting>, wasm@<setting> each); null: as they are. */
  threads: ThreadSetting[] | null;
  /** --profile: also write profile.md, each workload's time per kernel on the Node polytensor backends. */
  profile: boolean;
  /** --composites: instead of the workloads, each Node backend's own optional kernels against core's composites. */
  composites: boolean;
}

export const USAGE = `polytensor-bench: polytensor backends against the matching TensorFlow.js backends

Usage: polytensor-bench [options]        (from the repo root: npm run bench -- [options])

Options:
  --backends a,b,…   polytensor backends (default: ${DEFAULT_BACKENDS.join(',')})
                     ${Object.entries(BACKENDS)
                       .map(([k, v]) => `${k}: ${v.note}`)
                       .join('\n                     ')}
  --workloads a,b,…  workloads (default: all): ${WORKLOAD_IDS.join(', ')}
  --browser          also run the browser backends (${BROWSER_BACKENDS.join(', ')}) in headless Chromium
  --no-browser       drop the browser backends
  --quick            tiny sizes and few repeats: a smoke test that runs in seconds
  --cap SECONDS      stop (or do not repeat) a run that takes longer (default 60; 30 with --quick);
                     raise it to time tfjs cpu's CNN step to the end (it takes minutes)
  --threads a,b,…    run backend-ts and backend-wasm once per thread setting (positive integers or auto),
                     interleaved, as backends ts@1, ts@auto, wasm@1 …; their cells show the CPU time per run too
  --profile          also profile every workload kernel by kernel on the Node polytensor backends
                     (one untimed run, then 3; 1 with --quick) and write profile.md
  --composites       do not run the workloads: time each Node backend's own optional kernels (conv, pools,
                     softmax, fused ops …) against core's composites of them on the same backend; writes
                     composites.md and composites.json
  --out DIR          output folder (default: bench-results/ at the workspace root)
  --update-readme    after the run, paste latest.md into the READMEs (between <!-- bench:start --> and <!-- bench:end -->)
  --readme-only      do not run: paste the existing latest.md into the READMEs
  --render-only      do not run: rewrite latest.md and latest.html from the existing latest.json
  --list             list the workloads and backends, then exit
  -h, --help         this text

Writes latest.json (rows + machine info), latest.md (table) and latest.html (charts); profile.md with --profile.
ratio = polytensor median / tfjs median: below 1, polytensor is faster.
Chromium: $CHROMIUM_PATH, then chromium on PATH, then /usr/bin/chromium (never downloaded).`;

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function parseArgs(argv: readonly string[]): CliOptions {
  const o: CliOptions = {
    backends: [...DEFAULT_BACKENDS],
    workloads: [...WORKLOAD_IDS],
    quick: false,
    out: null,
    updateReadme: false,
    readmeOnly: false,
    renderOnly: false,
    help: false,
    list: false,
    capMs: null,
    threads: null,
    profile: false,
    composites: false,
  };
  let browser: boolean | null = null;
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const take = (): string => (inline !== undefined ? inline : value(i++, flag));
    switch (flag) {
      case '--backends':
        o.backends = list(take());
        break;
      case '--workloads':
        o.workloads = list(take());
        break;
      case '--out':
        o.out = take();
        break;
      case '--quick':
        o.quick = true;
        break;
      case '--cap': {
        const v = take();
        const sec = Number(v);
        if (!Number.isFinite(sec) || sec <= 0) throw new Error(`--cap needs a positive number of seconds, got '${v}'`);
        o.capMs = sec * 1000;
        break;
      }
      case '--threads':
        o.threads = parseThreads(take());
        break;
      case '--profile':
        o.profile = true;
        break;
      case '--composites':
        o.composites = true;
        break;
      case '--browser':
        browser = true;
        break;
      case '--no-browser':
        browser = false;
        break;
      case '--update-readme':
        o.updateReadme = true;
        break;
      case '--readme-only':
        o.readmeOnly = true;
        break;
      case '--render-only':
        o.renderOnly = true;
        break;
      case '--list':
        o.list = true;
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        throw new Error(`unknown option '${a}' (see --help)`);
    }
  }
  if (browser === true) for (const b of BROWSER_BACKENDS) if (!o.backends.includes(b)) o.backends.push(b);
  if (browser === false) o.backends = o.backends.filter((b) => !(BROWSER_BACKENDS as readonly string[]).includes(b));
  if (o.quick && o.updateReadme) throw new Error('--update-readme with --quick would paste toy-size figures into the READMEs; run without --quick');
  if (o.threads) o.backends = expandThreads(o.backends, o.threads);
  if (o.backends.length === 0) throw new Error('no backends selected');
  if (o.workloads.length === 0) throw new Error('no workloads selected');
  validateSelection(o.backends, o.workloads);
  // run (and report) in the canonical order, each once
  o.workloads = WORKLOAD_IDS.filter((w) => o.workloads.includes(w));
  o.backends = [...new Set(o.backends)];
  return o;
}

export function listing(): string {
  return [
    'Workloads:',
    ...WORKLOADS.map((w) => `  ${w.id.padEnd(20)} ${w.description(false)}`),
    '',
    'Backends (polytensor ↔ tfjs):',
    ...Object.entries(BACKENDS).map(([k, v]) => `  ${k.padEnd(20)} ${v.note}`),
  ].join('\n');
}
