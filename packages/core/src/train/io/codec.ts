// Small conversions shared by the storage handlers.
import type { ModelArtifacts, ModelJson } from './types.js';

/** The JSON part of artifacts (no weight bytes), with an optional weightsPath for file-based stores. */
export function modelJsonOf(a: ModelArtifacts, weightsPath?: string): ModelJson & { weightsPath?: string } {
  const json: ModelJson & { weightsPath?: string } = { format: a.format, version: a.version, modelTopology: a.modelTopology, weightSpecs: a.weightSpecs };
  if (a.trainingConfig) json.trainingConfig = a.trainingConfig;
  if (weightsPath !== undefined) json.weightsPath = weightsPath;
  return json;
}

/** model.json text: one space of indent keeps it readable and small. */
export const modelJsonText = (a: ModelArtifacts, weightsPath?: string): string => JSON.stringify(modelJsonOf(a, weightsPath), null, 1);

export function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Decode base64; null when the text is not base64. */
export function fromBase64(s: string): ArrayBuffer | null {
  let bin: string;
  try {
    bin = atob(s);
  } catch {
    return null;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

/** Bytes of base64 text that decodes to n bytes. */
export const base64Length = (n: number): number => Math.ceil(n / 3) * 4;

/**
 * Read a stream to its end, but never more than `max` bytes: past that the
 * stream is cancelled and `tooLong()` thrown (an endless or oversized body
 * costs at most max bytes of memory).
 */
export async function readCapped(body: ReadableStream<Uint8Array>, max: number, tooLong: () => Error): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLong();
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}

/** Byte arrays back to back, in one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** An exact-size copy of bytes as an ArrayBuffer. */
export const bufferOf = (bytes: Uint8Array): ArrayBuffer =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : (bytes.slice().buffer as ArrayBuffer);
