#!/usr/bin/env node
/**
 * Prints how many of tfjs-core's functions @polytensor/core covers, and the
 * missing ones with their reasons; `--write <file>` writes the markdown page
 * (the repository's copy is docs/tfjs-coverage.md).
 */
import { writeFileSync } from 'node:fs';
import { coverage, coverageMarkdown, NAMESPACES } from './coverage.js';
import { MISSING } from './missing.js';

const c = coverage();
const args = process.argv.slice(2);
const out = args.indexOf('--write');
if (out >= 0) {
  const file = args[out + 1];
  if (!file) throw new Error('tfjs-coverage: --write needs a file name (docs/tfjs-coverage.md)');
  writeFileSync(file, coverageMarkdown(c));
}
console.log(
  `tfjs-core ${c.tfjsVersion}: ${c.covered.length} of ${c.functions.length} functions covered (${((100 * c.covered.length) / c.functions.length).toFixed(1)}%)`,
);
for (const ns of NAMESPACES) console.log(`  ${ns}: ${c.namespaces[ns].covered.length} of ${c.namespaces[ns].functions.length}`);
console.log(`missing (${c.missing.length}):`);
for (const f of c.missing) console.log(`  ${f}: ${MISSING[f] ?? 'NO REASON RECORDED'}`);
