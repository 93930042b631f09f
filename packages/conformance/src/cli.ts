#!/usr/bin/env node
/** The `polytensor-conformance` bin. See cli_main.ts (and `--help`). */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { backendMeta } from './backend_meta.js';
import { main, parseArgs } from './cli_main.js';
import { runConformanceInChromium } from './browser/run_in_chromium.js';

const argv = process.argv.slice(2);

// A Node run of a backend that needs an X display (headless-gl) and has none:
// re-run this command under a virtual display when xvfb-run exists. Without
// it, the backend's own error says what is missing.
let parsed: ReturnType<typeof parseArgs> | null = null;
try {
  parsed = parseArgs(argv);
} catch {
  // main() reports usage errors
}
if (parsed && !parsed.help && !parsed.list && !parsed.doc && !process.env['DISPLAY'] && !process.env['POLYTENSOR_CONFORMANCE_XVFB']) {
  const meta = backendMeta(parsed.backend);
  const inNode = parsed.browser === false || (parsed.browser === undefined && meta.conformance === 'node');
  if (inNode && meta.display === 'x11') {
    const r = spawnSync('xvfb-run', ['-a', process.execPath, ...process.execArgv, process.argv[1]!, ...argv], {
      stdio: 'inherit',
      env: { ...process.env, POLYTENSOR_CONFORMANCE_XVFB: '1' },
    });
    if (!r.error) process.exit(r.status ?? 1);
  }
}

const code = await main(
  argv,
  { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), writeFile: (path, text) => writeFile(path, text, 'utf8') },
  undefined,
  // the backend package may need Chromium flags (WebGPU on SwiftShader)
  (options) =>
    runConformanceInChromium({
      ...options,
      ...(backendMeta(options.backend).chromiumArgs ? { chromiumArgs: backendMeta(options.backend).chromiumArgs! } : {}),
    }),
  (backend) => backendMeta(backend).conformance,
);
process.exitCode = code;
