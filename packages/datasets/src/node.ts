/**
 * Node-only helpers, loaded lazily: nothing here imports node:* at module load,
 * so the package itself stays importable in a browser. Only the file loaders
 * (loadMnist, loadIris, …) call these, and they fail with a clear message off Node.
 */
import { DatasetError } from './errors.js';

type Fs = typeof import('node:fs/promises');
type Zlib = typeof import('node:zlib');
type Crypto = typeof import('node:crypto');
type Path = typeof import('node:path');
type Url = typeof import('node:url');
type Module = { createRequire: typeof import('node:module').createRequire };

interface NodeModules {
  fs: Fs;
  zlib: Zlib;
  crypto: Crypto;
  path: Path;
  url: Url;
  module: Module;
}

let cached: Promise<NodeModules> | undefined;

/** node:fs, node:zlib, node:crypto, node:path, node:url and node:module, imported on first use. */
export function nodeModules(op: string): Promise<NodeModules> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof proc?.versions?.node !== 'string') {
    // Bundlers replace node:* with stubs in browser builds, so check the runtime rather than the import.
    return Promise.reject(notNode(op, 'this is not Node.js'));
  }
  const loading: Promise<NodeModules> = (cached ??= Promise.all([
    import('node:fs/promises'),
    import('node:zlib'),
    import('node:crypto'),
    import('node:path'),
    import('node:url'),
    import('node:module'),
  ]).then(([fs, zlib, crypto, path, url, module]) => ({ fs, zlib, crypto, path, url, module: { createRequire: module.createRequire } })));
  return loading.catch((e: unknown) => {
    cached = undefined;
    throw notNode(op, e instanceof Error ? e.message : String(e));
  });
}

function notNode(op: string, why: string): DatasetError {
  return new DatasetError(
    `${op}: reading data files needs Node.js (node:fs, node:zlib, node:crypto), which could not be loaded ` +
      `(${why}). In a browser, fetch the file yourself and pass its bytes or text to ` +
      `parseIdxImages / parseIdxLabels (MNIST) or parseSklearnCsv (iris, wine, digits).`,
  );
}

function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = (e as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** Read a whole file, with a DatasetError naming the file and `remedy` when it is missing or unreadable. */
export async function readBytes(op: string, file: string, remedy: string): Promise<Uint8Array> {
  const { fs } = await nodeModules(op);
  try {
    const buf = await fs.readFile(file);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ENOENT') throw new DatasetError(`${op}: file not found: ${file}. ${remedy}`);
    if (code === 'EISDIR') throw new DatasetError(`${op}: expected a file but found a directory: ${file}. ${remedy}`);
    throw new DatasetError(`${op}: cannot read ${file} (${code ?? (e instanceof Error ? e.message : String(e))}). ${remedy}`);
  }
}

/** True when `path` exists. */
export async function exists(op: string, file: string): Promise<boolean> {
  const { fs } = await nodeModules(op);
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** gzip magic (1f 8b). */
export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Gunzip `bytes`, with a DatasetError naming the file when the stream is corrupt or truncated. */
export async function gunzip(op: string, file: string, bytes: Uint8Array, remedy: string): Promise<Uint8Array> {
  const { zlib } = await nodeModules(op);
  try {
    const out = zlib.gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new DatasetError(
      `${op}: ${file} starts like a gzip file but does not decompress ` +
        `(${e instanceof Error ? e.message : String(e)}): the file is truncated or corrupt. ${remedy}`,
    );
  }
}

/** Hex SHA-256 of `bytes`. */
export async function sha256(op: string, bytes: Uint8Array): Promise<string> {
  const { crypto } = await nodeModules(op);
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** Throw a DatasetError when the SHA-256 of `bytes` is not `expected`. */
export async function verifySha256(op: string, file: string, bytes: Uint8Array, expected: string, remedy: string): Promise<void> {
  const actual = await sha256(op, bytes);
  if (actual !== expected) {
    throw new DatasetError(
      `${op}: checksum mismatch for ${file}: sha256 is ${actual}, expected ${expected}; ` +
        `the file was modified or corrupted. ${remedy} (pass { verify: false } to skip this check on purpose).`,
    );
  }
}
