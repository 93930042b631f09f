/**
 * Node-only: what a backend package says about where its conformance suite
 * runs, read from its package.json:
 *
 *   "polytensor": { "conformance": "browser" | "node", "display": "x11", "chromiumArgs": ["--flag", …] }
 *
 * `chromiumArgs` are flags the browser runner adds to its Chromium launch
 * (WebGPU on SwiftShader needs four).
 *
 * `conformance` is the CLI's default environment (WebGL belongs in a browser);
 * `display: "x11"` means that in Node it needs an X display (headless-gl), so
 * the CLI re-runs itself under `xvfb-run -a` when DISPLAY is unset.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

export interface BackendMeta {
  readonly conformance: 'node' | 'browser';
  readonly display: 'x11' | null;
  /** Extra Chromium flags for the browser runner (only when the package declares some). */
  readonly chromiumArgs?: readonly string[];
}

const NONE: BackendMeta = { conformance: 'node', display: null };

export function backendMeta(name: string, from: string = import.meta.url): BackendMeta {
  if (!/^[a-z0-9-]+$/.test(name)) return NONE;
  let file: string;
  try {
    file = createRequire(from).resolve(`@polytensor/backend-${name}/package.json`);
  } catch {
    return NONE; // not installed, or no ./package.json export: the import error (later) says what to do
  }
  const meta =
    (JSON.parse(readFileSync(file, 'utf8')) as { polytensor?: { conformance?: unknown; display?: unknown; chromiumArgs?: unknown } }).polytensor ?? {};
  const args = Array.isArray(meta.chromiumArgs) ? meta.chromiumArgs.filter((a): a is string => typeof a === 'string' && a.startsWith('--')) : [];
  return {
    conformance: meta.conformance === 'browser' ? 'browser' : 'node',
    display: meta.display === 'x11' ? 'x11' : null,
    ...(args.length ? { chromiumArgs: args } : {}),
  };
}
