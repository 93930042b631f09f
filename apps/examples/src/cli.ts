import { parseArgs } from 'node:util';

/** Options every experiment takes. */
export interface CommonOptions {
  backend?: string;
  seed: number;
  quick: boolean;
  outDir?: string;
  quiet: boolean;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  help: string;
}

const COMMON: Record<string, OptionSpec> = {
  backend: { type: 'string', help: 'ts | wasm | webgl | gpujs (default: the fastest installed, wasm, else ts)' },
  seed: { type: 'string', help: 'seed for weights, dropout and shuffles (default 1)' },
  quick: { type: 'boolean', help: 'a reduced run: small subsets, few steps (what the tests run)' },
  out: { type: 'string', help: 'output folder (default docs/results/<experiment>)' },
  quiet: { type: 'boolean', help: 'print only the summary' },
  help: { type: 'boolean', help: 'this text' },
};

export class UsageError extends Error {}

/** Parse `argv` into the common options and the experiment's own (strings and booleans, unvalidated). */
export function parseCli(
  experiment: string,
  description: string,
  argv: readonly string[],
  own: Record<string, OptionSpec>,
): { common: CommonOptions; values: Record<string, string | boolean | undefined>; help: string | null } {
  const all = { ...COMMON, ...own };
  const help = [
    `Usage: node apps/examples/dist/main.js ${experiment} [options]`,
    '',
    description,
    '',
    'Options:',
    ...Object.entries(all).map(([k, s]) => `  --${k}${s.type === 'string' ? ' <v>' : ''}`.padEnd(26) + s.help),
    '',
  ].join('\n');
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(all).map(([k, s]) => [k, { type: s.type }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${help}`);
  }
  if (values['help']) return { common: { seed: 1, quick: false, quiet: false }, values, help };
  const common: CommonOptions = { seed: intOption(values, 'seed') ?? 1, quick: values['quick'] === true, quiet: values['quiet'] === true };
  if (typeof values['backend'] === 'string') common.backend = values['backend'];
  if (typeof values['out'] === 'string') common.outDir = values['out'];
  return { common, values, help: null };
}

/**
 * An experiment's command line: the common options as run() options (with
 * `argv` kept for the record) and its own values; null when --help was asked
 * for (the help is then printed).
 */
export function experimentCli(
  experiment: string,
  description: string,
  argv: readonly string[],
  own: Record<string, OptionSpec>,
): { options: ReturnType<typeof toBase> & { argv: readonly string[] }; values: Record<string, string | boolean | undefined> } | null {
  const { common, values, help } = parseCli(experiment, description, argv, own);
  if (help) {
    process.stdout.write(help);
    return null;
  }
  return { options: { ...toBase(common), argv }, values };
}

/** A non-negative integer option, or undefined when absent. */
export function intOption(values: Record<string, string | boolean | undefined>, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got '${String(v)}'`);
  return n;
}

/** Each integer option `--flag` that was given, stored as `into[flags[flag]]` (see intOption). */
export function intOptions<K extends string>(
  values: Record<string, string | boolean | undefined>,
  into: { [key in K]?: number },
  flags: Readonly<Record<string, K>>,
): void {
  for (const [flag, key] of Object.entries(flags)) {
    const n = intOption(values, flag);
    if (n !== undefined) into[key] = n;
  }
}

/** A positive number option, or undefined when absent. */
export function numberOption(values: Record<string, string | boolean | undefined>, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got '${String(v)}'`);
  return n;
}

/** A comma-separated list option restricted to `allowed`. */
export function listOption<T extends string>(values: Record<string, string | boolean | undefined>, name: string, allowed: readonly T[]): T[] | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const items = String(v)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const it of items) if (!allowed.includes(it as T)) throw new UsageError(`--${name}: '${it}' is not one of ${allowed.join(', ')}`);
  return items as T[];
}

/** The common CLI options as run() options. */
export function toBase(c: CommonOptions): { seed: number; quick: boolean; log: (l: string) => void; backend?: string; outDir?: string } {
  return {
    seed: c.seed,
    quick: c.quick,
    log: c.quiet ? () => {} : (l: string) => console.log(l),
    ...(c.backend ? { backend: c.backend } : {}),
    ...(c.outDir ? { outDir: c.outDir } : {}),
  };
}
