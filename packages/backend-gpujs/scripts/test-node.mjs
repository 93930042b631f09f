#!/usr/bin/env node
// Runs the Node test project under a virtual X display: headless-gl (the `gl`
// package) creates a WebGL context only when a display exists. Fails loudly —
// never skips — when there is neither a display nor xvfb-run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const args = process.argv.slice(2);
const onPath = (cmd) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));
const vitest = ['vitest', 'run', '--project', 'node', ...args];

let result;
if (onPath('xvfb-run')) {
  result = spawnSync('xvfb-run', ['-a', 'npx', ...vitest], { stdio: 'inherit' });
} else if (process.env.DISPLAY) {
  console.error(`test-node: xvfb-run not found; using the existing display DISPLAY=${process.env.DISPLAY}`);
  result = spawnSync('npx', vitest, { stdio: 'inherit' });
} else {
  console.error(
    'test-node: cannot run the Node tests: headless-gl needs an X display, DISPLAY is unset and xvfb-run is not on PATH.\n' +
      'Install Xvfb (apt-get install xvfb; .ci/run does) or run under a display. The Node tests were NOT run.',
  );
  process.exit(1);
}
if (result.error) {
  console.error(`test-node: could not start the tests: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
