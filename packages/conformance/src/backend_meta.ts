/**
 * Node-only: what a backend package says about where its conformance suite
 * runs, read from its package.json:
 *
 *   "polytensor": { "conformance": "browser" | "node", "display": "x11" }
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
  const meta = (JSON.parse(readFileSync(file, 'utf8')) as { polytensor?: { conformance?: unknown; display?: unknown } }).polytensor ?? {};
  return { conformance: meta.conformance === 'browser' ? 'browser' : 'node', display: meta.display === 'x11' ? 'x11' : null };
}
