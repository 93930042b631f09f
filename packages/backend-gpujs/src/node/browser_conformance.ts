// Node-only: the conformance suite for backend-gpujs inside headless Chromium
// (WebGL 2 on SwiftShader), for `polytensor-conformance --backend gpujs --browser`.
//
//   import { runBrowserConformance } from '@polytensor/backend-gpujs/browser-conformance';
//   import { formatReport } from '@polytensor/conformance';
//   const report = await runBrowserConformance({ filter: 'exp,matMul' });
//   console.log(formatReport(report));
//
// The page bundles the built packages (@polytensor/conformance, this package's
// dist, gpu.js): run `npm run build` first.
import type { ConformanceReport } from '@polytensor/conformance';
import { runInChromium } from './chromium_page.js';

export interface BrowserConformanceOptions {
  /** Kernel names, comma-separated (as the CLI's --filter). */
  readonly filter?: string;
  /** gpu.js context in the page: 'auto' (WebGL 2, else 1), 'webgl2' or 'webgl'. */
  readonly mode?: 'auto' | 'webgl2' | 'webgl';
  /** Progress: called with each case's kernel, name and pass/fail as it finishes. */
  readonly onCase?: (line: string) => void;
  readonly timeoutMs?: number;
}

const PAGE = `
import { runConformance } from '@polytensor/conformance';
import { createGpujsBackend } from '@polytensor/backend-gpujs';
window.__run = async (args) => {
  const report = await runConformance(() => createGpujsBackend({ mode: args.mode }), {
    ...(args.filter ? { filter: args.filter } : {}),
    onResult: (c, r) => console.log('__case ' + (r.skipped ? 'skip' : r.pass ? 'pass' : 'FAIL') + ' ' + c.kernel + ' › ' + c.name),
  });
  const info = createGpujsBackend({ mode: args.mode });
  const where = info.info;
  info.dispose();
  return { report, where, userAgent: navigator.userAgent };
};
`;

export interface BrowserConformanceResult extends ConformanceReport {
  /** What the page ran on (gpu.js mode, GLSL version, renderer) and the browser's user agent. */
  readonly environment: { readonly info: unknown; readonly userAgent: string };
}

/** Run the whole suite (or `filter`) in headless Chromium and return the report (as `runConformance` does in Node). */
export async function runBrowserConformance(options: BrowserConformanceOptions = {}): Promise<BrowserConformanceResult> {
  const out = await runInChromium<{ report: ConformanceReport; where: unknown; userAgent: string }>({
    module: PAGE,
    args: { filter: options.filter, mode: options.mode ?? 'auto' },
    timeoutMs: options.timeoutMs ?? 600_000,
    onConsole: (text) => {
      if (text.startsWith('__case ')) options.onCase?.(text.slice(7));
    },
  });
  return { ...out.report, environment: { info: out.where, userAgent: out.userAgent } };
}
