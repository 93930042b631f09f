// Runs the built `polytensor-conformance` bin in a child process, from the
// repository root (as a user would: the --browser runner resolves backend
// packages from the working directory). Backend packages test their own
// `--backend <name>` paths with it; `npm test` builds everything first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = fileURLToPath(new URL('../../packages/conformance/dist/cli.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `env` entries set to undefined are removed from the child's environment. */
export function runConformanceCli(args: readonly string[], env: Record<string, string | undefined> = {}, timeoutMs = 300_000): CliRun {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` at the repository root first`);
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) childEnv[k] = v;
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, env: childEnv, encoding: 'utf8', timeout: timeoutMs });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Check a full run's table: every kernel `--list` names has a passing row,
 * and the summary counts the whole suite with no failure. Returns the number of cases.
 */
export function expectFullPassingReport(stdout: string): number {
  const kernels = runConformanceCli(['--list']).stdout.trim().split('\n');
  for (const k of kernels) {
    const name = k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(stdout, `row of ${k}`).toMatch(new RegExp(`\\| ${name} +\\| \\d+ +\\| pass `));
  }
  const summary = /^(\d+) passed, 0 failed$/m.exec(stdout.trimEnd().split('\n').pop() ?? '');
  expect(summary?.[0] ?? stdout.slice(-300), 'summary line').toMatch(/^\d+ passed, 0 failed$/);
  return Number(summary?.[1] ?? 0);
}

/**
 * The test of a backend that runs the suite in Node: `polytensor-conformance
 * --backend <name>` with no other argument runs the whole suite, as a user
 * runs it (the built CLI in a child process; ~5 s), and passes every kernel.
 */
export function nodeFullRunSuite(backend: string): void {
  describe('conformance CLI', () => {
    it(`--backend ${backend} runs the whole suite in Node and passes every kernel`, () => {
      const r = runConformanceCli(['--backend', backend]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/\[chromium\]/);
      expect(r.stdout).toMatch(new RegExp(`^polytensor conformance: backend '${backend}'`, 'm'));
      expect(expectFullPassingReport(r.stdout)).toBeGreaterThan(500);
    }, 300_000);
  });
}
