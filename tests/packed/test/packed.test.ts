// polytensor as a user gets it: every publishable package packed with
// `npm pack`, the tarballs installed into fresh projects outside the
// monorepo, and the README's examples compiled (TypeScript strict,
// skipLibCheck off), run in Node, and bundled by Vite (build and dev server)
// and webpack into pages run in headless Chromium on ts, wasm and webgl.
// Nothing here imports the packages from source.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, CHOICE_SCRIPTS, CRASH_SCRIPTS, INTEROP_SCRIPTS, USER_ERROR, WEBGL_WITHOUT_GL, writeApp } from '../src/app.js';
import { launchChromium } from '@polytensor/conformance/chromium';
import { runPage, type PageRun } from '../src/browser.js';
import { nodeImportsIn, serveStatic, viteBuild, viteDev, webpackBuild, type Served } from '../src/bundlers.js';
import { installProject, nativeBuilds, packAll, REPO, type Packed } from '../src/packages.js';
import { checkPrints, readmeExamples, type ReadmeExample } from '../src/readme.js';
import { run, tail, userEnv, type RunResult } from '../src/run.js';

const KEEP = process.env['PACKED_KEEP'] === '1'; // keep the temporary projects to look into
const work = mkdtempSync(join(tmpdir(), 'polytensor-packed-'));
const tgz = join(work, 'tarballs');
const app = join(work, 'app'); // every package: the Node and browser app
const webglOnly = join(work, 'webgl-only'); // core + backend-webgl (+ backend-ts and gpu-common, which it depends on)
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const timings: [string, number][] = [];
const suiteStart = Date.now();

async function timed<T>(step: string, f: () => Promise<T>): Promise<T> {
  const t = Date.now();
  try {
    return await f();
  } finally {
    timings.push([step, Date.now() - t]);
  }
}

let packed: Packed[] = [];
let examples: ReadmeExample[] = [];
const byName = (name: string): Packed => {
  const p = packed.find((q) => q.workspace.name === name);
  if (!p) throw new Error(`tests/packed: ${name} was not packed (is it still a publishable workspace?)`);
  return p;
};

beforeAll(async () => {
  examples = [...readmeExamples(readFileSync(join(REPO, 'README.md'), 'utf8')).values()];
  mkdirSync(tgz);
  mkdirSync(app);
  mkdirSync(webglOnly);
  packed = await timed('npm pack (every publishable package)', () => packAll(tgz));
  // @types/node: a Node TypeScript project has it. Install scripts are skipped
  // here only because gpu.js (a dependency of backend-gpujs) lists headless-gl
  // as its own optional dependency, which would compile for minutes; none of
  // the packages this project runs has an install script (the webgl-only
  // project below is installed with scripts on and checks that).
  await timed('npm install (app: every package)', () => installProject(app, [...packed.map((p) => p.tarball), '@types/node@20'], { ignoreScripts: true }));
  await timed('npm install (core + backend-webgl)', () =>
    installProject(
      webglOnly,
      ['@polytensor/core', '@polytensor/backend-ts', '@polytensor/gpu-common', '@polytensor/backend-webgl'].map((n) => byName(n).tarball),
    ),
  );
  const names = packed.map((p) => p.workspace.name);
  // The WebGL and WebGPU packages' types name the DOM's WebGL, canvas and WebGPU types, and trainlog's include vega-lite's, which need
  // the DOM library too: they are checked in the browser project only.
  const nodeNames = names.filter(
    (n) =>
      !['@polytensor/backend-webgl', '@polytensor/backend-gpujs', '@polytensor/backend-webgpu', '@polytensor/gpu-common', '@polytensor/trainlog'].includes(n),
  );
  writeApp(app, examples, nodeNames, names);
}, 900_000);

afterAll(() => {
  timings.push(['total', Date.now() - suiteStart]);
  console.log(`tests/packed timings:\n${timings.map(([s, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${s}`).join('\n')}`);
  if (KEEP) console.log(`tests/packed: projects kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
});

describe('the tarballs', () => {
  it('every publishable package packs its license, README, CHANGELOG, built entry point and types, and no tests', () => {
    const license = readFileSync(join(REPO, 'LICENSE'), 'utf8');
    expect(packed.length).toBeGreaterThanOrEqual(9);
    for (const p of packed) {
      const has = (f: string): boolean => p.files.includes(f);
      const missing = ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', 'dist/index.js', 'dist/index.d.ts'].filter((f) => !has(f));
      expect(missing, `${p.workspace.name} lacks`).toEqual([]);
      expect(readFileSync(join(p.workspace.dir, 'LICENSE'), 'utf8'), `${p.workspace.name}'s LICENSE`).toBe(license);
      expect(
        p.files.filter((f) => /\.test\.[cm]?[jt]s$|test_util\./.test(f)),
        `${p.workspace.name} ships tests`,
      ).toEqual([]);
    }
    const wasm = byName('@polytensor/backend-wasm');
    for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
      expect(wasm.files).toContain(`dist/wasm/${f}`);
    }
  });

  it('the published manifests pin no sibling exactly and ask for no native build', () => {
    for (const p of packed) {
      const m = JSON.parse(readFileSync(join(p.workspace.dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
        for (const [dep, range] of Object.entries(m[field] ?? {})) {
          if (dep.startsWith('@polytensor/')) expect(range, `${p.workspace.name} ${field}.${dep}`).toMatch(/^\^0\./);
        }
      }
      // headless-gl is Node-only and compiles from source: never installed for users unless they ask (an optional peer).
      expect(m['dependencies']?.['gl'], `${p.workspace.name} dependencies.gl`).toBeUndefined();
      expect(m['optionalDependencies']?.['gl'], `${p.workspace.name} optionalDependencies.gl`).toBeUndefined();
    }
  });
});

describe('npm install', () => {
  it('core + backend-webgl installs without compiling native code and without headless-gl', () => {
    expect(nativeBuilds(webglOnly)).toEqual([]);
    expect(() => readFileSync(join(webglOnly, 'node_modules/gl/package.json'))).toThrow();
  });

  it('a Node user of backend-webgl without headless-gl is told the install command', async () => {
    writeFileSync(join(webglOnly, 'webgl-node.mjs'), WEBGL_WITHOUT_GL);
    const r = await run(process.execPath, ['webgl-node.mjs'], { cwd: webglOnly, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const reports = r.stdout.split('\n').filter((l) => l.startsWith('packed:webgl '));
    expect(reports).toHaveLength(2);
    for (const line of reports) expect(line).toMatch(/npm install gl/);
  });
});

describe('TypeScript (strict, skipLibCheck false)', () => {
  it('a Node project compiles the README examples and the types of every package usable without the DOM', async () => {
    const r = await timed('tsc (Node project)', () => run(process.execPath, [tsc, '-p', 'tsconfig.node.json'], { cwd: app, timeoutMs: 300_000 }));
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
  });

  it('a browser project compiles the README examples, the pages and the types of every package', async () => {
    const r = await timed('tsc (browser project)', () => run(process.execPath, [tsc, '-p', 'tsconfig.web.json'], { cwd: app, timeoutMs: 300_000 }));
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
  });
});

describe('Node (ESM)', () => {
  const node = (script: string): Promise<RunResult> => run(process.execPath, [script], { cwd: app, env: userEnv({ NODE_OPTIONS: '' }), timeoutMs: 300_000 });

  it('the README examples, run as written (backend-ts), print what the README says', async () => {
    const lines: string[] = [];
    for (const e of examples) {
      const r = await timed(`node: ${e.name} (ts)`, () => node(`out/node/examples/ts/${e.name}.js`));
      expect(r.code, `${e.name}: ${tail(r.stderr)}`).toBe(0);
      lines.push(...r.stdout.split('\n'));
    }
    expect(checkPrints(examples, lines)).toEqual([]);
  });

  it('the README examples on backend-wasm print what the README says', async () => {
    const r = await timed('node: examples (wasm)', () => node('out/node/node/main-wasm.js'));
    expect(r.code, tail(r.stderr)).toBe(0);
    const lines = r.stdout.split('\n');
    expect(checkPrints(examples, lines)).toEqual([]);
    expect(lines).toContain('packed:done wasm');
  });

  for (const [name, { expect: want }] of Object.entries(CHOICE_SCRIPTS)) {
    it(`backend choice, ${name.replace('choice-', '')}: ${want.join(', ')}`, async () => {
      const r = await node(`out/node/node/${name}.js`);
      expect(r.code, tail(r.stderr)).toBe(0);
      expect(r.stdout.split('\n').filter((l) => l.startsWith('packed:'))).toEqual(want);
    });
  }

  for (const [name, { expect: want }] of Object.entries(INTEROP_SCRIPTS)) {
    it(`${name}: ${want.join(', ')}`, async () => {
      const r = await node(`out/node/node/${name}.js`);
      expect(r.code, tail(r.stderr)).toBe(0);
      expect(r.stdout.split('\n').filter((l) => l.startsWith('packed:'))).toEqual(want);
    });
  }

  for (const name of Object.keys(CRASH_SCRIPTS)) {
    it(`${name}: the user's uncaught error exits with code 1 and a stack naming the user's file, not tfjs`, async () => {
      const r = await node(`out/node/node/${name}.js`);
      expect(r.stdout).toMatch(/^packed:backend (wasm|ts)$/m);
      if (name !== 'crash-ts-only') expect(r.stdout).toMatch(/^packed:backend wasm$/m);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`Error: ${USER_ERROR}`);
      expect(r.stderr).toContain(`out/node/node/${name}.js`);
      expect(r.stderr).not.toMatch(/tfjs-backend-wasm|tf-backend-wasm/);
    });
  }
});

describe('browsers (headless Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ purpose: 'for tests/packed' });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  /**
   * Load each backend's page from `served` and check what a developer would
   * see: the documented prints, the backend that ran, an empty console, no
   * failed request, and no warning from the bundler.
   */
  async function checkPages(bundler: string, served: Served, bundlerMessages: readonly string[]): Promise<void> {
    const runs: PageRun[] = [];
    try {
      for (const backend of BACKENDS) runs.push(await timed(`${bundler}: ${backend} page`, () => runPage(browser, `${served.url}${backend}.html`)));
    } finally {
      await served.close();
    }
    const seen = {
      bundlerMessages,
      pages: runs.map((r) => ({
        page: r.url,
        outcome: r.outcome,
        ran: r.lines.find((l) => l.startsWith('packed:done')) ?? r.lines.find((l) => l.startsWith('packed:failed')) ?? 'nothing',
        prints: checkPrints(examples, r.lines),
        console: r.problems,
      })),
    };
    const wanted = {
      bundlerMessages: [],
      pages: runs.map((r, i) => ({ page: r.url, outcome: 'done', ran: `packed:done ${BACKENDS[i]}`, prints: [], console: [] })),
    };
    expect(seen).toEqual(wanted);
  }

  /** Build with a production bundler, serve the output, check the pages; the bundle must not import node: modules. */
  async function checkProductionBuild(label: string, build: (app: string, messages: string[]) => Promise<string>): Promise<void> {
    const messages: string[] = [];
    const out = await timed(label, () => build(app, messages));
    const nodeImports = nodeImportsIn(out);
    await checkPages(label, await serveStatic(app, out, messages), messages);
    expect(nodeImports).toEqual([]);
  }

  it('Vite production build: the README examples print the documented results on ts, wasm and webgl; no node: imports, no console errors', async () => {
    await checkProductionBuild('vite build', viteBuild);
  });

  it('Vite dev server: the same pages, no failed requests, no console errors', async () => {
    const messages: string[] = [];
    await checkPages('vite dev', await timed('vite dev: start', () => viteDev(app, messages)), messages);
  });

  it('webpack (production mode): the same pages; no node: imports, no warnings, no console errors', async () => {
    await checkProductionBuild('webpack build', webpackBuild);
  });
});
