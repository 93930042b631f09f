#!/usr/bin/env node
/**
 * polytensor-bench: run the workloads on the selected backends (Node and, for
 * webgl/gpujs, headless Chromium), each beside its TensorFlow.js counterpart,
 * and write bench-results/latest.{json,md,html}.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { USAGE, listing, parseArgs, type CliOptions } from './args.js';
import { runBench, runComposites } from './bench.js';
import { compositesMarkdown } from './composites.js';
import { Progress } from './progress.js';
import { formatRatio, machineLine } from './report_md.js';
import { validateResults } from './schema.js';
import type { BenchResults } from './types.js';
import { updateReadme, workspaceRoot, writeOutputs } from './output.js';

/** README files that carry the table: the repo root's and this app's. */
function readmes(): string[] {
  const app = fileURLToPath(new URL('../README.md', import.meta.url));
  const root = workspaceRoot(fileURLToPath(new URL('.', import.meta.url)));
  return [...(root ? [join(root, 'README.md')] : []), app].filter((f) => existsSync(f));
}

function pasteTables(mdFile: string): void {
  const md = readFileSync(mdFile, 'utf8');
  for (const f of readmes()) {
    updateReadme(f, md);
    process.stderr.write(`pasted ${relative(process.cwd(), mdFile) || mdFile} into ${relative(process.cwd(), f) || f}\n`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let o: CliOptions;
  try {
    o = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`polytensor-bench: ${(e as Error).message}\n`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (o.list) {
    process.stdout.write(`${listing()}\n`);
    return 0;
  }
  const outDir = resolve(o.out ?? join(workspaceRoot() ?? process.cwd(), 'bench-results'));
  if (o.renderOnly) {
    const file = join(outDir, 'latest.json');
    if (!existsSync(file)) {
      process.stderr.write(`polytensor-bench: ${file} does not exist; run the bench first\n`);
      return 1;
    }
    const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    const problems = validateResults(doc);
    if (problems.length) {
      process.stderr.write(`polytensor-bench: ${file} does not match the schema:\n  ${problems.slice(0, 20).join('\n  ')}\n`);
      return 1;
    }
    const files = writeOutputs(doc as BenchResults, outDir);
    process.stderr.write(`rewrote ${files.md} and ${files.html}\n`);
    if (o.updateReadme) pasteTables(files.md);
    return 0;
  }
  if (o.readmeOnly) {
    const md = join(outDir, 'latest.md');
    if (!existsSync(md)) {
      process.stderr.write(`polytensor-bench: ${md} does not exist; run the bench first\n`);
      return 1;
    }
    pasteTables(md);
    return 0;
  }

  if (o.composites) {
    const progress = new Progress(['composites']);
    const run = await runComposites({ backends: o.backends, quick: o.quick, progress: progress.event }).finally(() => progress.stop());
    mkdirSync(outDir, { recursive: true });
    const [json, md] = [join(outDir, 'composites.json'), join(outDir, 'composites.md')];
    writeFileSync(json, `${JSON.stringify(run, null, 2)}\n`);
    const header = `Own optional kernels against core's composites, ${run.date.slice(0, 10)} (${run.date.slice(11, 16)} UTC)${run.quick ? ', **--quick** sizes' : ''}, on ${machineLine(run)}.`;
    writeFileSync(md, compositesMarkdown(run.results, header));
    for (const s of run.skipped) process.stderr.write(`skipped ${s.backend}: ${s.reason}\n`);
    process.stderr.write(`${run.results.length} kernel cases; wrote ${relative(process.cwd(), json) || json}, ${relative(process.cwd(), md) || md}\n`);
    return 0;
  }

  const progress = new Progress(o.workloads);
  progress.note(
    `polytensor-bench${o.quick ? ' --quick' : ''}: ${o.workloads.length} workload(s) on ${o.backends.join(', ')} (each beside its tfjs backend); ratio = ours/tfjs, below 1 = polytensor faster`,
  );
  const results = await runBench({
    backends: o.backends,
    workloads: o.workloads,
    quick: o.quick,
    ...(o.capMs !== null ? { timing: { skipAboveMs: o.capMs } } : {}),
    profile: o.profile,
    progress: progress.event,
    command: `polytensor-bench ${argv.join(' ')}`.trim(),
  }).finally(() => progress.stop());

  const problems = validateResults(results);
  if (problems.length) {
    process.stderr.write(`polytensor-bench: the results do not match the schema:\n  ${problems.slice(0, 20).join('\n  ')}\n`);
    return 1;
  }
  const files = writeOutputs(results, outDir);
  const rel = (f: string): string => relative(process.cwd(), f) || f;
  const wrong = results.rows.filter((r) => r.status === 'gate-failed');
  const errors = results.rows.filter((r) => r.status === 'error');
  process.stderr.write(
    `\n${results.rows.length} rows in ${results.durationS} s; ${results.ratios.length} ratios` +
      (results.ratios.length ? ` (geometric mean per backend: ${geoMeans(results.ratios).join(', ')})` : '') +
      `\nwrote ${rel(files.json)}, ${rel(files.md)}, ${rel(files.html)}${files.profile ? `, ${rel(files.profile)}` : ''}\n`,
  );
  if (wrong.length)
    process.stderr.write(`gate FAILED (wrong output, not timed): ${wrong.map((r) => `${r.implementation} ${r.backend} on ${r.workload}`).join('; ')}\n`);
  if (errors.length)
    process.stderr.write(
      `errors: ${errors
        .map((r) => `${r.implementation} ${r.backend} on ${r.workload}: ${r.reason}`)
        .slice(0, 5)
        .join('; ')}\n`,
    );
  if (o.updateReadme) pasteTables(files.md);
  return 0;
}

function geoMeans(ratios: BenchRatios): string[] {
  const by = new Map<string, number[]>();
  for (const q of ratios) {
    const k = `${q.backend}/${q.versus === 'gpu.js' ? 'naive gpu.js' : q.baseline}`;
    by.set(k, [...(by.get(k) ?? []), Math.log(q.ratio)]);
  }
  return [...by].map(([k, logs]) => `${k} ${formatRatio(Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length))}`);
}

type BenchRatios = Awaited<ReturnType<typeof runBench>>['ratios'];

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`polytensor-bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
