// Packing the publishable workspaces and installing the tarballs into fresh
// projects, as a user's `npm install` would (from the npm cache where it can).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertOk, run } from './run.js';

/** The monorepo's root. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface Workspace {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
}

/** Every packages/* workspace that is not private: what would be published. */
export function publishableWorkspaces(): Workspace[] {
  const root = join(REPO, 'packages');
  return readdirSync(root)
    .map((d) => join(root, d))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; private?: boolean } }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name, version: manifest.version, dir }));
}

export interface Packed {
  readonly workspace: Workspace;
  readonly tarball: string;
  /** Paths inside the package, as `npm pack --json` lists them. */
  readonly files: readonly string[];
  readonly bytes: number;
}

/** `npm pack` every publishable workspace into `dest` (needs the built dist/ folders: turbo builds them before this test). */
export async function packAll(dest: string): Promise<Packed[]> {
  return Promise.all(
    publishableWorkspaces().map(async (workspace) => {
      const r = assertOk(await run('npm', ['pack', '--json', '--pack-destination', dest], { cwd: workspace.dir, timeoutMs: 120_000 }));
      const [info] = JSON.parse(r.stdout) as [{ filename: string; size: number; files: { path: string }[] }];
      return { workspace, tarball: join(dest, info.filename), files: info.files.map((f) => f.path), bytes: info.size };
    }),
  );
}

/**
 * A fresh npm project in `dir` with `specs` installed (tarball paths and
 * registry packages). `--prefer-offline`: the npm cache answers what it holds.
 * `ignoreScripts` skips install scripts (see the callers for why).
 */
export async function installProject(dir: string, specs: readonly string[], opts: { ignoreScripts?: boolean } = {}) {
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'packed-app', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  const args = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...(opts.ignoreScripts ? ['--ignore-scripts'] : []), ...specs];
  return assertOk(await run('npm', args, { cwd: dir, timeoutMs: 600_000 }));
}

interface Manifest {
  name?: string;
  scripts?: Record<string, string>;
  gypfile?: boolean;
}

/** Every installed package folder under `nodeModules` (scoped and nested ones too). */
function installedPackages(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  const dirs: string[] = [];
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(nodeModules, entry.name);
    const inner = entry.name.startsWith('@')
      ? readdirSync(path, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => join(path, e.name))
      : [path];
    for (const pkg of inner) {
      if (existsSync(join(pkg, 'package.json'))) dirs.push(pkg, ...installedPackages(join(pkg, 'node_modules')));
    }
  }
  return dirs;
}

/**
 * Installed packages that build native code or run install scripts: a
 * binding.gyp (npm runs node-gyp for it), an install/preinstall/postinstall
 * script, or a compiled `build/` folder.
 */
export function nativeBuilds(projectDir: string): string[] {
  const found: string[] = [];
  for (const dir of installedPackages(join(projectDir, 'node_modules'))) {
    const m = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    const why: string[] = [];
    if (existsSync(join(dir, 'binding.gyp')) || m.gypfile) why.push('binding.gyp');
    for (const s of ['preinstall', 'install', 'postinstall'] as const) if (m.scripts?.[s]) why.push(`${s}: ${m.scripts[s]}`);
    if (existsSync(join(dir, 'build', 'Release'))) why.push('build/Release');
    if (why.length > 0) found.push(`${m.name ?? dir} (${why.join('; ')})`);
  }
  return found;
}
