// Copies tfjs-backend-wasm's three .wasm builds into dist/wasm/, where
// src/load.ts names them with `new URL('../dist/wasm/…', import.meta.url)` for
// browsers and bundlers. They come from the exact tfjs version this package
// depends on, so the binary always matches tfjs's JavaScript glue. Run by
// `npm run build` and by the test config (tests need no build).
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/** Copy the files that are missing or differ in size; returns the destination folder. */
export function copyWasm() {
  const here = dirname(fileURLToPath(import.meta.url));
  const require = createRequire(import.meta.url);
  const tfjsDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const wanted = JSON.parse(readFileSync(join(here, '../package.json'), 'utf8')).dependencies['@tensorflow/tfjs-backend-wasm'];
  const found = JSON.parse(readFileSync(join(tfjsDir, 'package.json'), 'utf8')).version;
  if (found !== wanted) {
    throw new Error(`backend-wasm: copy-wasm: @tensorflow/tfjs-backend-wasm ${found} is installed, package.json pins ${wanted}; run npm install`);
  }
  const out = join(here, '../dist/wasm');
  mkdirSync(out, { recursive: true });
  for (const name of WASM_FILES) {
    const from = join(tfjsDir, 'dist', name);
    const to = join(out, name);
    let same = false;
    try {
      same = statSync(to).size === statSync(from).size && readFileSync(to).equals(readFileSync(from));
    } catch {
      // not there yet
    }
    if (!same) copyFileSync(from, to);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) copyWasm();
