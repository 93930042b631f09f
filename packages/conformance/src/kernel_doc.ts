/**
 * The generated kernel reference (docs/kernels.md): every kernel of core's
 * table with its kind, what it computes, each op's tolerance class and bound,
 * and which backends implement it themselves (the rest run core's composite).
 * Written by `polytensor-conformance --doc`; a test fails when the committed
 * file differs from what the table and the backends say now. No Node imports.
 */
import type { Backend, KernelName, Tolerance } from '@polytensor/core';
import { KERNEL_NAMES, KERNELS, PRIMITIVE_KERNELS } from '@polytensor/core';
import { FLT_MIN } from './float.js';

/** What the reference knows of one backend's kernels. */
export interface BackendKernelSet {
  readonly name: string;
  /** The kernels it implements itself, or null when they could not be read here ('see package'). */
  readonly implemented: ReadonlySet<KernelName> | null;
  /** Whether it has the optimizer capability (null: not known here). */
  readonly optimizer: boolean | null;
  /** Where the set came from (a line under the table). */
  readonly source: string;
}

/** The backends the reference lists, in order. */
export const DOC_BACKENDS = ['ts', 'wasm', 'webgl', 'gpujs', 'webgpu'] as const;

/** Backends created in Node to read `implemented` (the others need a GPU context: their static kernel table is read instead). */
const CREATED_IN_NODE: ReadonlySet<string> = new Set(['ts', 'wasm']);

function staticTable(mod: Record<string, unknown>, name: string): ReadonlySet<KernelName> | null {
  const table = mod[`${name.toUpperCase()}_KERNELS`];
  if (typeof table !== 'object' || table === null) return null;
  return new Set(Object.keys(table).filter((k): k is KernelName => k in KERNELS));
}

function isBackend(b: unknown): b is Backend {
  const v = b as Partial<Backend> | null;
  return !!v && typeof v.kernels === 'object' && typeof v.implemented?.has === 'function';
}

/**
 * Read each backend package's kernel set: for ts and wasm a fresh instance's
 * `implemented` and `optimizer` (from its `create…Backend` export); for
 * webgl and gpujs the static `<NAME>_KERNELS` export (and webgpu) (`WEBGL_KERNELS`), when
 * the package has one. Anything that cannot be read is null ('see package').
 */
export async function discoverBackendKernels(
  importer: (pkg: string) => Promise<unknown>,
  names: readonly string[] = DOC_BACKENDS,
): Promise<BackendKernelSet[]> {
  const out: BackendKernelSet[] = [];
  for (const name of names) {
    const pkg = `@polytensor/backend-${name}`;
    // one wording whatever failed, so the file does not depend on what this machine can import
    const how = CREATED_IN_NODE.has(name)
      ? `neither a \`create…Backend()\` instance on the kernel-table contract nor a \`${name.toUpperCase()}_KERNELS\` export`
      : `no \`${name.toUpperCase()}_KERNELS\` export`;
    const unknown = (): BackendKernelSet => ({ name, implemented: null, optimizer: null, source: `${name}: see the package (${how} could be read in Node)` });
    let mod: Record<string, unknown>;
    try {
      mod = (await importer(pkg)) as Record<string, unknown>;
    } catch {
      out.push(unknown());
      continue;
    }
    if (CREATED_IN_NODE.has(name)) {
      const create = Object.entries(mod).find(([k, f]) => /^create\w*Backend$/.test(k) && typeof f === 'function');
      let backend: unknown = null;
      try {
        backend = create ? await (create[1] as () => unknown)() : null;
      } catch {
        backend = null;
      }
      if (isBackend(backend)) {
        const set: BackendKernelSet = {
          name,
          implemented: new Set(backend.implemented),
          optimizer: backend.optimizer !== undefined,
          source: `${name}: \`${create![0]}()\`'s \`implemented\``,
        };
        backend.dispose();
        out.push(set);
        continue;
      }
    }
    const table = staticTable(mod, name);
    // A package whose backend has fused optimizer updates says so with a `<NAME>_OPTIMIZER` export beside its kernel table.
    const optimizer = `${name.toUpperCase()}_OPTIMIZER` in mod;
    out.push(table ? { name, implemented: table, optimizer, source: `${name}: the \`${name.toUpperCase()}_KERNELS\` export` } : unknown());
  }
  return out;
}

/** Each tolerance class in words, with its bound. */
const TOLERANCE_TEXT: { readonly [C in Tolerance['class']]: (t: Tolerance) => string } = {
  exact: (t) => `exact: bit-identical${t.signedZero ? ', −0 ≠ +0' : ''}`,
  'correctly-rounded': () => 'correctly rounded: bit-identical, −0 ≠ +0 (k + ½ ULP with declared `arithmeticUlp` k)',
  ulp: (t) => `ulp: ≤ ${t.ulp} ULP${t.floor !== undefined && t.floor !== FLT_MIN ? ` (in ULPs of ${floorText(t.floor)} below it)` : ''}`,
  accumulation: () => 'accumulation: γ_n·Σ|term| per element',
  product: () => 'product: γ_n·|result|',
  softmax: () => 'softmax: derived per element (softmaxBound)',
};

/** A tolerance in words: its class and bound. */
export function describeTolerance(t: Tolerance): string {
  return TOLERANCE_TEXT[t.class](t);
}

function floorText(v: number): string {
  const e = Math.log2(v);
  return Number.isInteger(e) ? `2^${e}` : String(v);
}

const cell = (s: string | undefined): string => (s ?? '').replace(/\|/g, '\\|');

function mark(b: BackendKernelSet, k: KernelName): string {
  if (!b.implemented) return 'see package';
  return b.implemented.has(k) ? 'own' : 'composite';
}

/** The reference as markdown. */
export function kernelReference(backends: readonly BackendKernelSet[]): string {
  const lines: string[] = [];
  const names = backends.map((b) => b.name);
  lines.push('# Kernel reference');
  lines.push('');
  lines.push(
    "Generated from core's kernel table (`packages/core/src/kernels/table.ts`) by `polytensor-conformance --doc`: do not edit by hand; " +
      'regenerate with `npm run kernel-doc`. Every backend implements the ' +
      `${PRIMITIVE_KERNELS.length} primitive kernels; ` +
      "for an optional kernel it does not implement itself, core runs the composite listed in the table (built on the backend's other kernels). " +
      'Tolerances are how the conformance suite judges each op against its float64 reference (u = 2⁻²⁴, γ_n = n·u / (1 − n·u); see the conformance README).',
  );
  lines.push('');
  lines.push('## Kernels and backends');
  lines.push('');
  lines.push(
    "own: the backend implements the kernel itself (the conformance suite also checks core's composite on that backend); composite: core's composite runs on it.",
  );
  lines.push('');
  lines.push(`| kernel | kind | ${names.join(' | ')} |`);
  lines.push(`|---|---|${names.map(() => '---').join('|')}|`);
  for (const k of KERNEL_NAMES) lines.push(`| [${k}](#${k.toLowerCase()}) | ${KERNELS[k].kind} | ${backends.map((b) => mark(b, k)).join(' | ')} |`);
  const opt = (b: BackendKernelSet): string => (b.optimizer === null ? 'see package' : b.optimizer ? 'own' : 'composite');
  lines.push(`| [optimizerUpdate](#optimizerupdate) | capability | ${backends.map(opt).join(' | ')} |`);
  lines.push('');
  for (const b of backends) lines.push(`- ${b.source}`);
  lines.push('');
  lines.push('## Tolerances');
  for (const k of KERNEL_NAMES) {
    const spec = KERNELS[k];
    lines.push('');
    lines.push(`### ${k}`);
    lines.push('');
    lines.push(`${spec.kind === 'primitive' ? 'Primitive' : 'Optional, with a composite in core'}. ${spec.doc}`);
    lines.push('');
    const t = spec.tolerance as Tolerance | Readonly<Record<string, Tolerance>>;
    const rows: [string, Tolerance][] = 'class' in t ? [[k, t as Tolerance]] : Object.entries(t as Record<string, Tolerance>);
    lines.push('| op | tolerance | inputs | note |');
    lines.push('|---|---|---|---|');
    for (const [op, tol] of rows) lines.push(`| ${op} | ${cell(describeTolerance(tol))} | ${cell(tol.domain)} | ${cell(tol.note)} |`);
  }
  lines.push('');
  lines.push('### optimizerUpdate');
  lines.push('');
  lines.push(
    'A capability, not a kernel (`backend.optimizer.optimizerUpdate`): one optimizer step (sgd, momentum, adam, rmsprop, adagrad) for one variable. ' +
      'Without it core runs the composite update (elementwise kernels). Tolerance: bit-identical to that composite with every operation ' +
      'a correctly rounded float32 op; on a backend that declares `arithmeticUlp` k, within the bound carried through the step (k + ½ ULP per operation).',
  );
  lines.push('');
  return lines.join('\n');
}
