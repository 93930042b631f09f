import { FlatProgram } from './program.js';
import type { TfTensorInfo, TfWebGPU } from './tfjs.js';

/** Canvas width in pixels: copyBufferToTexture wants rows of a multiple of 256 bytes. */
const W = 256;
/** Rows per pass: one 256×256 canvas holds 32,768 values (two pixels each). */
const H = 256;

/**
 * Synchronous readback. WebGPU has no synchronous buffer map; what a page can
 * read synchronously is a canvas (getImageData). tfjs-backend-webgpu draws
 * the raw bytes through two fresh canvases per read (one per alpha mode, since
 * an opaque canvas drops the alpha byte and a premultiplied one alters the
 * colour bytes); this keeps one opaque canvas and one 2-D canvas per backend,
 * and first packs each 32-bit value into the colour bytes of two pixels
 * (24 + 8 bits, alpha 255), so a single opaque pass is exact.
 */
export class SyncReader {
  private gpuCanvas: OffscreenCanvas | null = null;
  private context: GPUCanvasContext | null = null;
  private readonly hostCanvas: OffscreenCanvas;
  private readonly host: OffscreenCanvasRenderingContext2D;

  constructor(private readonly tf: TfWebGPU) {
    this.hostCanvas = new OffscreenCanvas(W, H);
    this.host = this.hostCanvas.getContext('2d', { willReadFrequently: true })!;
  }

  /** Whether this page can read synchronously this way. */
  static available(): boolean {
    return typeof OffscreenCanvas !== 'undefined';
  }

  /** The 32-bit words of a tfjs tensor on the GPU (`size` of them). */
  read(info: TfTensorInfo, size: number): Uint32Array {
    const words = new Uint32Array(size);
    for (let start = 0; start < size; start += (W * H) / 2) {
      const n = Math.min((W * H) / 2, size - start);
      this.readChunk(info, start, n, words);
    }
    return words;
  }

  private readChunk(info: TfTensorInfo, start: number, n: number, words: Uint32Array): void {
    const rows = Math.ceil((2 * n) / W);
    const pixels = rows * W;
    const program = new FlatProgram(
      ['A'],
      pixels,
      `  let k = index / 2 + ${start};
  if (index >= ${2 * n}) { result[index] = bitcast<i32>(0xff000000u); return; }
  let v = bitcast<u32>(A[k]);
  result[index] = bitcast<i32>(0xff000000u | select(v >> 24u, v & 0xffffffu, index % 2 == 0));`,
    );
    const packed = this.tf.runWebGPUProgram(program as never, [info], 'int32');
    try {
      const buffer = (this.tf.tensorMap.get(packed.dataId) as unknown as { resource: GPUBuffer }).resource;
      const texture = this.texture();
      this.tf.endComputePassEncoder();
      this.tf.ensureCommandEncoderReady();
      (this.tf as unknown as { commandEncoder: GPUCommandEncoder }).commandEncoder.copyBufferToTexture(
        { buffer, bytesPerRow: W * 4 },
        { texture },
        { width: W, height: rows },
      );
      this.tf.submitQueue();
      this.host.clearRect(0, 0, W, rows);
      this.host.drawImage(this.gpuCanvas!, 0, 0);
      const rgba = this.host.getImageData(0, 0, W, rows).data;
      for (let i = 0; i < n; i++) {
        const p = 8 * i; // two RGBA pixels; bgra8unorm stores the low byte as blue
        const lo = rgba[p + 2]! | (rgba[p + 1]! << 8) | (rgba[p]! << 16);
        words[start + i] = (lo | (rgba[p + 6]! << 24)) >>> 0;
      }
    } finally {
      this.tf.disposeData(packed.dataId);
    }
  }

  private texture(): GPUTexture {
    if (!this.context) {
      this.gpuCanvas = new OffscreenCanvas(W, H);
      this.context = this.gpuCanvas.getContext('webgpu') as GPUCanvasContext;
      this.context.configure({ device: this.tf.device, format: 'bgra8unorm', usage: GPUTextureUsage.COPY_DST, alphaMode: 'opaque' });
    }
    return this.context.getCurrentTexture();
  }
}
