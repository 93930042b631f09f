#!/usr/bin/env node
/** The `polytensor-conformance` bin. See cli_main.ts (and `--help`). */
import { main } from './cli_main.js';

import { runConformanceInChromium } from './browser/run_in_chromium.js';

const code = await main(
  process.argv.slice(2),
  { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) },
  undefined,
  (options) => runConformanceInChromium(options),
);
process.exitCode = code;
