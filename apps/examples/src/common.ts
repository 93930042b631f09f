import '@polytensor/backend-ts';
import '@polytensor/backend-wasm';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  activeBackendName,
  argMax,
  backendName,
  cast,
  equal,
  gather,
  mean,
  ready,
  setBackend,
  slice,
  sparseSoftmaxCrossEntropy,
  tensor,
  tidy,
  type Tensor,
} from '@polytensor/core';
import { renderReport, renderSvg, toJsonLines, type LogRecord, type TopLevelSpec } from '@polytensor/trainlog';

/** The repository root (this file is apps/examples/{src,dist}/common.*). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Where the experiments write by default: docs/results/<experiment>/. */
export const RESULTS_DIR = join(REPO_ROOT, 'docs', 'results');

/** Backends that can run in Node; others are imported on request. */
const OPTIONAL_BACKENDS = new Set(['webgl', 'gpujs']);

/**
 * Use `name` (importing its package when it is not one of the two Node
 * defaults), or keep the active backend, or pick the best installed one
 * (wasm, then ts). Returns the backend's name.
 */
export async function useBackend(name?: string): Promise<string> {
  if (name) {
    if (OPTIONAL_BACKENDS.has(name)) await import(`@polytensor/backend-${name}`);
    await setBackend(name);
  } else if (activeBackendName() === null) {
    await ready();
  }
  return backendName();
}

/** One row of an experiment's results table: what the article reported, what we got. */
export interface ResultRow {
  name: string;
  published: string;
  ours: string;
  /** The number behind `ours`, when there is one (accuracy in [0, 1], loss…). */
  value?: number;
  /** The target of the issue ('≥ 97%'), and whether we met it. */
  target?: string;
  met?: boolean;
}

export interface Figure {
  /** Path relative to the experiment's folder. */
  file: string;
  caption: string;
}

/** What every experiment writes to summary.json, and what results_md.ts reads. */
export interface Summary {
  experiment: string;
  title: string;
  backend: string;
  seed: number;
  /** True when this is not the published configuration (subset, fewer steps). */
  reduced: boolean;
  /** What was cut, and why. */
  reducedNote?: string;
  /** The command that produced this summary, and the one for the full configuration. */
  command: string;
  fullCommand: string;
  started: string;
  seconds: number;
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  results: ResultRow[];
  figures: Figure[];
  notes: string[];
  details: Record<string, unknown>;
}

export function machineInfo(): Summary['machine'] {
  const c = cpus();
  return { cpus: c.length, cpuModel: c[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform}-${process.arch}` };
}

/** A folder of outputs: JSON lines, SVG figures, an HTML report, summary.json. */
export class Outputs {
  readonly figures: Figure[] = [];
  private constructor(readonly dir: string) {}

  static async create(dir: string): Promise<Outputs> {
    await mkdir(dir, { recursive: true });
    return new Outputs(dir);
  }

  /** The folder of `experiment`: `outDir` when given, else docs/results/<experiment>. */
  static forExperiment(experiment: string, outDir?: string): Promise<Outputs> {
    return Outputs.create(outDir ?? join(RESULTS_DIR, experiment));
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  async text(name: string, content: string): Promise<void> {
    await writeFile(this.path(name), content);
  }

  async svg(name: string, spec: TopLevelSpec, caption: string): Promise<void> {
    await this.text(name, await renderSvg(spec));
    this.figures.push({ file: name, caption });
  }

  async log(name: string, records: readonly LogRecord[]): Promise<void> {
    await this.text(name, toJsonLines(records));
  }

  async report(name: string, records: readonly LogRecord[], title: string, description?: string): Promise<void> {
    await this.text(name, await renderReport(records, description ? { title, description } : { title }));
  }

  async summary(s: Summary): Promise<void> {
    await this.text('summary.json', `${JSON.stringify(s, null, 2)}\n`);
  }

  /** The last outputs of a run: report.html from the records, then summary.json listing every figure written. */
  async finish(records: readonly LogRecord[], summary: Summary): Promise<void> {
    await this.report('report.html', records, summary.title);
    summary.figures = this.figures;
    await this.summary(summary);
  }

  relativeTo(from: string): string {
    return relative(from, this.dir);
  }
}

/** Loss (mean softmax cross-entropy from logits) and accuracy of `forward` over (x, y), in batches. */
export function evaluateLogits(forward: (x: Tensor) => Tensor, x: Tensor, y: Tensor, batchSize = 1000): { loss: number; accuracy: number } {
  const n = x.shape[0]!;
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    tidy(() => {
      const bx = slice(x, start, [size]);
      const by = slice(y, start, [size]);
      const logits = forward(bx);
      loss += sparseSoftmaxCrossEntropy(by, logits).dataSync()[0]! * size;
      correct += mean(cast(equal(cast(argMax(logits, 1), 'int32'), by), 'float32')).dataSync()[0]! * size;
      return [];
    });
  }
  return { loss: loss / n, accuracy: correct / n };
}

/** Rows `order[start..start+size)` of x and y, exactly as Sequential.fit gathers a shuffled batch. */
export function gatherBatch(x: Tensor, y: Tensor, order: Int32Array | null, start: number, size: number): [Tensor, Tensor] {
  if (!order) return [slice(x, start, [size]), slice(y, start, [size])];
  return tidy(() => {
    const idx = tensor(order.subarray(start, start + size), [size], 'int32');
    return [gather(x, idx, 0), gather(y, idx, 0)] as [Tensor, Tensor];
  });
}

export const pct = (v: number, digits = 2): string => `${(v * 100).toFixed(digits)}%`;

/** `node apps/examples/dist/main.js <experiment> <args>` as typed, for the record. */
export function commandLine(experiment: string, args: readonly string[]): string {
  return ['node apps/examples/dist/main.js', experiment, ...args].join(' ');
}

/** Per experiment, the flags that make a run smaller than the published configuration. */
export const REDUCING_FLAGS: Readonly<Record<string, readonly string[]>> = {
  e1: ['epochs', 'train-limit', 'test-limit'],
  e2: ['mlp-steps', 'cnn-steps', 'cnn-batch', 'train-limit', 'test-limit', 'cnn-test-limit'],
  e3: ['epochs', 'batch-size', 'train-limit', 'val-limit', 'test-limit'],
  e4: ['folds', 'seeds', 'datasets', 'epochs', 'variants'],
  e5: ['digits-epochs', 'text-epochs', 'sentences'],
};

/**
 * The command for the full configuration: the arguments as typed without the
 * flags that reduce the run (and their values), with the backend made explicit.
 */
export function fullCommandLine(experiment: string, argv: readonly string[], reducing: readonly string[], backend: string): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.startsWith('--') ? a.slice(2).split('=')[0]! : '';
    if (name === 'quick' || name === 'quiet') continue;
    if (reducing.includes(name)) {
      if (!a.includes('=')) i++; // skip the value too
      continue;
    }
    out.push(a);
  }
  if (!out.some((a) => a === '--backend' || a.startsWith('--backend='))) out.unshift('--backend', backend);
  return commandLine(experiment, out);
}

/** Seconds since `t0` (performance.now()). */
export const since = (t0: number): number => (performance.now() - t0) / 1000;

/** How a summary was made: the command as typed, the command for the full configuration, and the machine. */
export function provenance(experiment: string, argv: readonly string[], backend: string): Pick<Summary, 'command' | 'fullCommand' | 'machine'> {
  return {
    command: commandLine(experiment, argv),
    fullCommand: fullCommandLine(experiment, argv, REDUCING_FLAGS[experiment] ?? [], backend),
    machine: machineInfo(),
  };
}
