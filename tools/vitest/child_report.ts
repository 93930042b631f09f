// Tests that must not run in the test process (they cap or fill its memory)
// run a child script on the built packages and read its JSON report.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** An error as a child reports it (a MemoryLimitError's fields, or null where the error has none). */
export interface ReportedError {
  readonly name: string;
  readonly kind: string | null;
  readonly op: string | null;
  readonly message: string;
  readonly cause?: string | null;
}

export interface ChildOptions {
  /** Workspace packages (folder names under packages/) whose dist the child imports. */
  readonly packages: readonly string[];
  readonly nodeArgs?: readonly string[];
  /** Arguments after the script. */
  readonly args?: readonly string[];
  /** Environment variables added to this process's for the child. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/**
 * Run `child` (a path) with Node from the repository root and parse what it
 * prints as JSON. Throws, with the child's stderr, when it fails, and says to
 * build first when a package's dist is missing.
 */
export function runChildReport<T>(child: string, o: ChildOptions): T {
  for (const pkg of o.packages) {
    if (!existsSync(fileURLToPath(new URL(`../../packages/${pkg}/dist/index.js`, import.meta.url)))) {
      throw new Error(`packages/${pkg}/dist is missing: run \`npm run build\` at the repository root first`);
    }
  }
  const r = spawnSync(process.execPath, [...(o.nodeArgs ?? []), child, ...(o.args ?? [])], {
    cwd: root,
    encoding: 'utf8',
    timeout: o.timeoutMs,
    env: { ...process.env, ...o.env },
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${child} exited with ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
