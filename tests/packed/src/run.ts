// Running commands for the harness: no shell, output captured, a hard timeout.
import { spawn } from 'node:child_process';

export interface RunResult {
  readonly command: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/**
 * The environment for commands that stand for a user's own shell: this
 * process's, without the `npm_*` variables npm sets for the running script
 * (they would point npm at the monorepo: its prefix, its workspace) except the
 * cache and registry settings, which a user's machine has too.
 */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    const key = k.toLowerCase();
    if (key.startsWith('npm_') && key !== 'npm_config_cache' && key !== 'npm_config_registry' && key !== 'npm_config_userconfig') continue;
    if (key === 'init_cwd' || key === 'node_options' || key.startsWith('vitest') || key === 'turbo_hash') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Run `cmd args` to completion. Resolves with the exit status whatever it is; rejects when it cannot start or runs past the timeout. */
export function run(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const command = [cmd, ...args].join(' ');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} (in ${opts.cwd}) ran past ${opts.timeoutMs} ms.\nstdout: ${tail(stdout)}\nstderr: ${tail(stderr)}`));
    }, opts.timeoutMs ?? 300_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${command}: could not start: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ command, code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** The last `n` characters of `s`, for error messages. */
export function tail(s: string, n = 4000): string {
  return s.length <= n ? s : `…${s.slice(-n)}`;
}

/** Throw with the command's output unless it exited 0. */
export function assertOk(r: RunResult): RunResult {
  if (r.code !== 0) throw new Error(`${r.command} exited ${r.code ?? r.signal}\nstdout: ${tail(r.stdout)}\nstderr: ${tail(r.stderr)}`);
  return r;
}
