/**
 * The CLI's logic, separate from the bin script so it can be tested:
 * `main(argv, io)` returns the exit code. No Node-only imports.
 */
import type { Backend, BackendFactory } from '@polytensor/core';
import { brokenBackend, BROKEN_VARIANTS, type BrokenVariant } from './broken_backends.js';
import { discoverBackendKernels, kernelReference } from './kernel_doc.js';
import { referenceBackendFactory, referencePrimitivesBackendFactory } from './reference_backend.js';
import { formatReport, reportToJson } from './report.js';
import { kernelNames, runConformance, type ConformanceReport } from './suite.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Write a file (`--doc --out <file>`; the Node bin passes fs.writeFile). */
  readonly writeFile?: (path: string, text: string) => Promise<void>;
}

export const USAGE = `Usage: polytensor-conformance [options]

Runs the polytensor conformance suite (kernels against the float64 reference,
gradients through core's autodiff, a small training run) and prints a
per-kernel table. Exits 1 when any case fails.

Options:
  --backend <name>   backend to test (default: ts). Loads @polytensor/backend-<name>.
                     'reference' runs the suite's own float64 reference backend;
                     'reference-primitives' the same with only the 11 primitive kernels
                     (every optional kernel and the optimizer update as core's composites).
  --filter <kernels> only these kernels, comma-separated (e.g. exp,matMul,conv2d)
  --json             print the report as JSON instead of the table
  --list             list the kernels the suite checks
  --doc              print the kernel reference (markdown: every kernel of core's table, its
                     tolerance, and which backends implement it) instead of running the suite
  --out <file>       with --doc: write it to <file> (the repository's copy is docs/kernels.md)
  --browser          run the suite inside headless Chromium (system chromium or $CHROMIUM_PATH)
  --node             run the suite in this Node process
                     (default: where the backend package says it belongs: its package.json
                     "polytensor": { "conformance": "browser" } for WebGL; Node otherwise.
                     Backends that need an X display in Node are re-run under xvfb-run.)
  -h, --help         show this help
`;

interface Args {
  backend: string;
  filter?: string;
  json: boolean;
  list: boolean;
  doc: boolean;
  out?: string;
  /** true: Chromium; false: Node; undefined: the backend package's default. */
  browser: boolean | undefined;
  help: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { backend: 'ts', json: false, list: false, doc: false, browser: undefined, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--backend':
        args.backend = value();
        break;
      case '--filter':
        args.filter = value();
        break;
      case '--json':
        args.json = true;
        break;
      case '--list':
        args.list = true;
        break;
      case '--doc':
        args.doc = true;
        break;
      case '--out':
        args.out = value();
        break;
      case '--browser':
      case '--node':
        if (args.browser !== undefined && args.browser !== (flag === '--browser')) throw new UsageError('--browser and --node exclude each other');
        args.browser = flag === '--browser';
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        throw new UsageError(`unknown option '${a}'`);
    }
  }
  if (args.out !== undefined && !args.doc) throw new UsageError('--out goes with --doc');
  return args;
}

/** Whether an import failure means "this package is not installed" (Node, Vite and browsers word it differently). */
function isModuleNotFound(e: unknown, pkg: string): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  const msg = e instanceof Error ? e.message : String(e);
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || (/cannot find|failed to (load|resolve)|not found/i.test(msg) && msg.includes(pkg));
}

export interface ResolvedBackend {
  readonly factory: BackendFactory;
  /** Where the factory came from (printed with --json and in errors). */
  readonly source: string;
  /** Whether the suite owns (and disposes) the instance. */
  readonly owned: boolean;
}

type Ctor = new () => Backend;

/** A class whose instances are backends (storage methods and dispose on its prototype). */
function isBackendClass(v: unknown): v is Ctor {
  if (typeof v !== 'function') return false;
  const proto = (v as { prototype?: Record<string, unknown> }).prototype;
  return !!proto && typeof proto['write'] === 'function' && typeof proto['dispose'] === 'function';
}

/**
 * Find a factory for backend `name`:
 * 1. 'reference' (and the hidden 'reference-broken-<variant>') are built in.
 * 2. Otherwise import @polytensor/backend-<name> (which registers itself with
 *    core) and use the first of its exports that creates a backend:
 *    `createBackend`, `backendFactory`, any `create…Backend` function, a default
 *    export function, or a class whose name ends in `Backend`.
 * 3. Failing that, ask core's engine for the backend it registered under
 *    `name` (`setBackend(name)`, `getBackend()`); the engine owns that instance.
 */
export async function resolveBackend(
  name: string,
  importer: (pkg: string) => Promise<unknown> = (p) => import(/* @vite-ignore */ p),
): Promise<ResolvedBackend> {
  if (name === 'reference') return { factory: referenceBackendFactory, source: 'built-in reference backend', owned: true };
  if (name === 'reference-primitives') {
    return { factory: referencePrimitivesBackendFactory, source: 'built-in reference backend, primitive kernels only', owned: true };
  }
  if (name.startsWith('reference-broken-')) {
    const alias: Record<string, BrokenVariant> = { matmul: 'matmul-drops-a-term' };
    const key = name.slice('reference-broken-'.length);
    const variant = (alias[key] ?? key) as BrokenVariant;
    if (!BROKEN_VARIANTS.includes(variant)) throw new UsageError(`unknown broken variant '${key}' (known: matmul, ${BROKEN_VARIANTS.join(', ')})`);
    return { factory: () => brokenBackend(variant), source: `built-in broken reference (${variant})`, owned: true };
  }
  const pkg = `@polytensor/backend-${name}`;
  let mod: Record<string, unknown>;
  try {
    mod = (await importer(pkg)) as Record<string, unknown>;
  } catch (e) {
    if (isModuleNotFound(e, pkg)) {
      throw new UsageError(`backend package ${pkg} is not installed (or not built): npm install ${pkg}, then npm run build`);
    }
    throw new UsageError(`loading ${pkg} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const key of ['createBackend', 'backendFactory']) {
    const f = mod[key];
    if (typeof f === 'function' && !isBackendClass(f)) return { factory: f as BackendFactory, source: `${pkg} export ${key}()`, owned: true };
  }
  for (const [key, f] of Object.entries(mod)) {
    if (/^create\w*Backend$/.test(key) && typeof f === 'function') return { factory: f as BackendFactory, source: `${pkg} export ${key}()`, owned: true };
  }
  if (typeof mod['default'] === 'function' && !isBackendClass(mod['default'])) {
    return { factory: mod['default'] as BackendFactory, source: `${pkg} default export`, owned: true };
  }
  for (const [key, C] of Object.entries(mod)) {
    if (/Backend$/.test(key) && isBackendClass(C)) return { factory: () => new C(), source: `${pkg} export new ${key}()`, owned: true };
  }
  const core = await import('@polytensor/core');
  await core.setBackend(name);
  const instance = core.getBackend();
  return { factory: () => instance, source: `core engine backend '${name}' (registered by ${pkg})`, owned: false };
}

/** `--doc`: the kernel reference from core's table and the installed backend packages. */
async function writeDoc(args: Args, io: CliIo, importer: (pkg: string) => Promise<unknown>): Promise<number> {
  const text = kernelReference(await discoverBackendKernels(importer));
  if (args.out === undefined) {
    io.stdout(text);
    return 0;
  }
  if (!io.writeFile) {
    io.stderr('polytensor-conformance: --out is only available from the command line (Node)\n');
    return 2;
  }
  await io.writeFile(args.out, text);
  io.stderr(`polytensor-conformance: wrote ${args.out}\n`);
  return 0;
}

/** Runs the suite in a browser and returns its report (Node only; cli.ts passes the real one). */
export type BrowserRunner = (options: { backend: string; filter?: string | readonly string[]; log?: (line: string) => void }) => Promise<ConformanceReport>;

/** Where a backend's suite runs when neither --browser nor --node is given (cli.ts reads the package's metadata). */
export type DefaultEnvironment = (backend: string) => 'node' | 'browser';

/** Run the CLI; returns the process exit code (0 pass, 1 failures, 2 usage or setup errors). */
export async function main(
  argv: readonly string[],
  io: CliIo,
  importer?: (pkg: string) => Promise<unknown>,
  browserRunner?: BrowserRunner,
  defaultEnvironment?: DefaultEnvironment,
): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.stderr(`polytensor-conformance: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (args.list) {
    io.stdout(`${kernelNames().join('\n')}\n`);
    return 0;
  }
  if (args.doc) return writeDoc(args, io, importer ?? ((p) => import(/* @vite-ignore */ p)));
  if (args.browser === undefined) args.browser = defaultEnvironment?.(args.backend) === 'browser';
  if (args.browser) {
    if (!browserRunner) {
      io.stderr('polytensor-conformance: --browser is only available from the command line (Node)\n');
      return 2;
    }
    let report: ConformanceReport;
    try {
      report = await browserRunner({ backend: args.backend, ...(args.filter !== undefined ? { filter: args.filter } : {}), log: (l) => io.stderr(`${l}\n`) });
    } catch (e) {
      io.stderr(`polytensor-conformance: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    io.stdout(args.json ? `${reportToJson(report)}\n` : `${formatReport(report)}\n`);
    return report.failed > 0 ? 1 : 0;
  }
  let resolved: ResolvedBackend;
  try {
    resolved = await resolveBackend(args.backend, importer);
  } catch (e) {
    io.stderr(`polytensor-conformance: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  let report: Awaited<ReturnType<typeof runConformance>>;
  try {
    report = await runConformance(resolved.factory, { ...(args.filter !== undefined ? { filter: args.filter } : {}), disposeBackend: resolved.owned });
  } catch (e) {
    io.stderr(`polytensor-conformance: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  io.stdout(args.json ? `${reportToJson(report)}\n` : `${formatReport(report)}\n`);
  return report.failed > 0 ? 1 : 0;
}
