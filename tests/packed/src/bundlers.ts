// The bundlers a user's app goes through: Vite (production build and dev
// server) and webpack, each run through its Node API on the app's folder, so
// modules resolve from the app's own node_modules (the packed packages).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { build, createServer, preview, type InlineConfig, type Logger, createLogger } from 'vite';
import webpack from 'webpack';
import { BACKENDS } from './app.js';

export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** A logger that keeps Vite's warnings and errors (they go into the report) instead of printing them. */
function collectingLogger(into: string[]): Logger {
  const logger = createLogger('warn');
  logger.warn = (msg) => void into.push(`vite warning: ${msg}`);
  logger.warnOnce = (msg) => void into.push(`vite warning: ${msg}`);
  logger.error = (msg) => void into.push(`vite error: ${msg}`);
  return logger;
}

function base(root: string, messages: string[]): InlineConfig {
  // No config file: a fresh app's defaults. 127.0.0.1: nothing listens beyond this machine.
  return { root, configFile: false, logLevel: 'warn', customLogger: collectingLogger(messages), clearScreen: false };
}

/** `vite build` of the app's pages (one per backend) into `<root>/dist-vite`; returns the folder. */
export async function viteBuild(root: string, messages: string[]): Promise<string> {
  const outDir = join(root, 'dist-vite');
  await build({
    ...base(root, messages),
    build: { outDir, emptyOutDir: true, rolldownOptions: { input: Object.fromEntries(BACKENDS.map((b) => [b, join(root, `${b}.html`)])) } },
  });
  return outDir;
}

/** Serve a built folder as a static site (Vite's preview server). */
export async function serveStatic(root: string, dir: string, messages: string[]): Promise<Served> {
  const server = await preview({ ...base(root, messages), build: { outDir: dir }, preview: { host: '127.0.0.1', port: 4173, strictPort: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview: no local URL');
  return { url, close: () => server.close() };
}

/** The Vite dev server on the app, as `vite` (dev) runs it. */
export async function viteDev(root: string, messages: string[]): Promise<Served> {
  const server = await createServer({ ...base(root, messages), server: { host: '127.0.0.1', port: 5173, strictPort: false } });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite dev: no local URL');
  return { url, close: () => server.close() };
}

/**
 * webpack 5 in production mode on the app's pages as TypeScript compiled them
 * (`out/web`, from `tsc -p tsconfig.web.json`, as ts-loader would hand them
 * over), into `<root>/dist-webpack`, with a plain HTML page per backend.
 * Minification is off: it takes most of webpack's minute here and the Vite
 * build already runs minified code. Returns the folder; webpack's errors
 * throw, its warnings go to `messages`.
 */
export async function webpackBuild(root: string, messages: string[]): Promise<string> {
  const outDir = join(root, 'dist-webpack');
  const compiler = webpack({
    mode: 'production',
    context: root,
    target: 'web',
    devtool: false,
    entry: Object.fromEntries(BACKENDS.map((b) => [b, `./out/web/web/main-${b}.js`])),
    output: { path: outDir, filename: '[name].js', clean: true },
    optimization: { minimize: false },
    performance: { hints: false },
    infrastructureLogging: { level: 'error' },
  });
  const stats = await new Promise<webpack.Stats>((resolve, reject) => {
    compiler.run((err, result) => (err || !result ? reject(err ?? new Error('webpack: no result')) : resolve(result)));
  });
  await new Promise<void>((resolve) => compiler.close(() => resolve()));
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  for (const w of info.warnings ?? []) messages.push(`webpack warning: ${w.moduleName ?? '?'} ${w.loc ?? ''}: ${w.message}`);
  if (stats.hasErrors()) throw new Error(`webpack build failed:\n${(info.errors ?? []).map((e) => e.message).join('\n\n')}`);
  for (const b of BACKENDS) {
    writeFileSync(
      join(outDir, `${b}.html`),
      `<!doctype html>\n<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>polytensor on ${b}</title></head><body><script src="./${b}.js"></script></body></html>\n`,
    );
  }
  return outDir;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

// Longest first, so `node:fs/promises` is not read as `node:fs`.
const BUILTIN = `node:(?:${builtinModules
  .filter((m) => !m.startsWith('_'))
  .sort((a, b) => b.length - a.length)
  .map((m) => m.replace(/[/]/g, '\\/'))
  .join('|')})`;
/** `import … from 'node:x'`, `import 'node:x'`, `import('node:x')`. (A `require('node:x')` left in a browser bundle is text, e.g. a Node worker's source.) */
const NODE_IMPORT = new RegExp(`(?:\\bfrom\\s*|\\bimport\\s*|\\bimport\\s*\\(\\s*)["'\`](${BUILTIN})["'\`]`, 'g');
/** The module Vite puts in place of a builtin it externalized for the browser (it throws on use). */
const VITE_STUB = 'has been externalized for browser compatibility';

/**
 * Node builtins a built browser bundle imports (`file: node:name`): imports
 * left in the code, and Vite's stubs for builtins it externalized (what
 * became of an import of one). Mere mentions (a guarded
 * `process.getBuiltinModule('node:os')`, a Node worker's source text) do not
 * count. (webpack fails the build on a `node:` import it cannot resolve.)
 */
export function nodeImportsIn(dir: string): string[] {
  const found: string[] = [];
  for (const file of filesUnder(dir).filter((f) => /\.(m?js|cjs)$/.test(f))) {
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(NODE_IMPORT)) found.push(`${relative(dir, file)}: ${m[1]}`);
    if (code.includes(VITE_STUB)) {
      for (const m of code.matchAll(new RegExp(BUILTIN, 'g'))) found.push(`${relative(dir, file)}: ${m[0]} (externalized by Vite)`);
    }
  }
  return [...new Set(found)];
}
