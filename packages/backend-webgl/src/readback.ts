/**
 * This package's own download of a texture on WebGL 2 (issue 21).
 *
 * tfjs's `read` of a GPU tensor runs a decode program into a dense RGBA
 * texture (`DecodeMatrixPackedProgram` / `DecodeMatrixProgram`: four sampler
 * lookups with index arithmetic per texel), copies that into a pixel-pack
 * buffer, waits for a fence and copies the buffer out. On SwiftShader in
 * Chromium a 1M-value read took ~19 ms that way, ~13 ms of it the decode pass,
 * where the same fence followed by one `readPixels` of the texture as it is
 * (4 MB, ~3–5 ms) and reordering a packed texture's 2×2 texels on the host
 * (~2 ms) gave the same bits.
 *
 * The fence comes first, so the blocking `readPixels` finds the work it reads
 * done (a synchronous read of queued work ran it several times slower in
 * Chromium: see the README, "no blocking readback"). It is polled about once a
 * millisecond (`waitForGpu`), where tfjs's `setTimeout(0)` chain is clamped
 * to 4 ms after five polls: a sum over 1000×1000 whose programs took ~2 ms
 * waited ~5.6 ms for its fence that way.
 */
import { shapeAs3D, type TfWebGL } from './tfjs.js';

/** tfjs's per-texture record (private `TextureData`): the fields read here. */
interface TexData {
  shape: number[];
  texShape: number[] | null;
  values: unknown;
  texture: { texture: WebGLTexture } | null;
  isPacked?: boolean;
  slice?: unknown;
}

/** tfjs's GPGPUContext: the members used here (its framebuffer helpers restore `outputTexture`'s attachment). */
interface Gpgpu {
  readonly gl: WebGL2RenderingContext;
  readonly textureConfig: { readonly internalFormatFloat: number };
  bindTextureToFrameBuffer(t: WebGLTexture): void;
  unbindTextureToFrameBuffer(): void;
}

/** Whether `readTexture` can read this data id: a texture of its own on the GPU (no slice of another, no CPU values). */
export function canReadTexture(tf: TfWebGL, tfId: object): boolean {
  if (!tf.texData.has(tfId)) return false;
  const td = tf.texData.get(tfId) as unknown as TexData;
  return td.values == null && td.slice == null && td.texture != null && td.texShape != null;
}

/**
 * The values of a texture (`canReadTexture` true), in row-major order of its
 * logical shape, as float32, once the GPU has written them; null when the
 * texture went away meanwhile (disposed by tfjs, context lost: the caller
 * falls back or reports).
 */
export async function readTexture(tf: TfWebGL, tfId: object, scratch = new ReadScratch(0)): Promise<Float32Array | null> {
  await waitForGpu((tf.gpgpu as unknown as Gpgpu).gl);
  return downloadTexture(tf, tfId, scratch);
}

/**
 * The array `readPixels` writes into, kept from one read to the next up to
 * `maxFloats` (a fresh 4 MB array costs ~1.3 ms in Chromium before its first
 * value, faulting its pages in; the values leave it in the same synchronous
 * step, so reads never share it).
 */
export class ReadScratch {
  private buf: Float32Array | null = null;
  constructor(readonly maxFloats: number) {}

  take(n: number): Float32Array {
    if (this.buf !== null && this.buf.length >= n) return this.buf.subarray(0, n);
    const b = new Float32Array(n);
    if (n <= this.maxFloats) this.buf = b;
    return b;
  }

  clear(): void {
    this.buf = null;
  }
}

/** As readTexture, now: `readPixels` blocks until the GPU has written the texture (what a synchronous read asks for). */
export function downloadTexture(tf: TfWebGL, tfId: object, scratch = new ReadScratch(0)): Float32Array | null {
  const gpgpu = tf.gpgpu as unknown as Gpgpu;
  if (!tf.texData.has(tfId)) return null;
  const td = tf.texData.get(tfId) as unknown as TexData;
  if (td.texture == null || td.texShape == null) return null;
  // tfjs's texShape counts values; a packed texture is ⌈rows/2⌉ × ⌈cols/2⌉ texels
  const cols = td.isPacked ? Math.ceil(td.texShape[1]! / 2) : td.texShape[1]!;
  const gl = gpgpu.gl;
  const [batch, r, c] = shapeAs3D(td.shape);
  const size = batch * r * c;
  gpgpu.bindTextureToFrameBuffer(td.texture.texture);
  try {
    if (td.isPacked) {
      const rowTexels = Math.ceil(c / 2);
      const rows = Math.ceil((batch * Math.ceil(r / 2) * rowTexels) / cols);
      const buf = scratch.take(rows * cols * 4);
      gl.readPixels(0, 0, cols, rows, gl.RGBA, gl.FLOAT, buf);
      return unpackTexels(buf, batch, r, c);
    }
    // an unpacked texture holds one value per texel (R32F), texel i = value i
    const rows = Math.ceil(size / cols);
    const out = new Float32Array(size);
    if (readsRed(gpgpu)) {
      // one float per texel, straight into the result when the texture has no spare texels
      const buf = rows * cols === size ? out : scratch.take(rows * cols);
      gl.readPixels(0, 0, cols, rows, gl.RED, gl.FLOAT, buf);
      if (buf !== out) out.set(buf.subarray(0, size));
      return out;
    }
    const buf = scratch.take(rows * cols * 4);
    gl.readPixels(0, 0, cols, rows, gl.RGBA, gl.FLOAT, buf);
    const o32 = new Uint32Array(out.buffer);
    const b32 = new Uint32Array(buf.buffer, buf.byteOffset, buf.length);
    for (let i = 0; i < size; i++) o32[i] = b32[4 * i]!;
    return out;
  } finally {
    gpgpu.unbindTextureToFrameBuffer();
  }
}

/** Per context: whether an R32F attachment reads as RED/FLOAT (WebGL 2's second readPixels format, the implementation's choice). */
const redReads = new WeakMap<object, boolean>();

/** Asked with an unpacked texture attached: RGBA/FLOAT (always allowed for float buffers) moves four floats per value, RED/FLOAT one. */
function readsRed(gpgpu: Gpgpu): boolean {
  let red = redReads.get(gpgpu);
  if (red === undefined) {
    const gl = gpgpu.gl;
    red =
      gpgpu.textureConfig.internalFormatFloat === gl.R32F &&
      gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_FORMAT) === gl.RED &&
      gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_TYPE) === gl.FLOAT;
    redReads.set(gpgpu, red);
  }
  return red;
}

/**
 * Resolves once the GPU has done every command issued so far (or the context
 * is lost: the caller checks). A WebGL fence's status changes only between
 * tasks, so it is polled from a timer; each timer is set from a message
 * task, which keeps the browser's nesting clamp (4 ms once timers have set
 * timers five deep) away: ~1 ms between polls, and no busy loop competing
 * with a software renderer for the CPU (polling every task turn did, see the
 * README's "Own dispatch").
 */
export function waitForGpu(gl: WebGL2RenderingContext): Promise<void> {
  const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
  gl.flush();
  const channel = new MessageChannel();
  return new Promise<void>((done) => {
    const finish = (): void => {
      channel.port1.close();
      if (sync && !gl.isContextLost()) gl.deleteSync(sync);
      done();
    };
    const poll = (): void => {
      const status = sync === null || gl.isContextLost() ? gl.WAIT_FAILED : gl.clientWaitSync(sync, 0, 0);
      if (status === gl.TIMEOUT_EXPIRED) channel.port2.postMessage(null);
      else finish();
    };
    channel.port1.onmessage = () => setTimeout(poll, 1);
    poll();
  });
}

/**
 * tfjs's packed layout to row-major: a [batch, r, c] tensor is laid out as
 * texels of 2×2 values (rows 2i, 2i+1 × columns 2j, 2j+1 in lanes x y / z w),
 * texel (b, i, j) at flat texel index b·⌈r/2⌉·⌈c/2⌉ + i·⌈c/2⌉ + j (the index
 * tfjs's packed samplers and packed outputs use, whatever the texture's width).
 * @internal exported for tests
 */
export function unpackTexels(buf: Float32Array, batch: number, r: number, c: number): Float32Array {
  const out = new Float32Array(batch * r * c);
  // copied as 32-bit integers: a float copy may quiet a signalling NaN
  const o32 = new Uint32Array(out.buffer);
  const b32 = new Uint32Array(buf.buffer, buf.byteOffset, buf.length);
  const rowTexels = Math.ceil(c / 2);
  const batchTexels = Math.ceil(r / 2) * rowTexels;
  const half = c >> 1;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < r; i++) {
      const texel = b * batchTexels + (i >> 1) * rowTexels;
      const o = (b * r + i) * c;
      let k = texel * 4 + (i & 1) * 2;
      for (let j = 0; j < half; j++, k += 4) {
        o32[o + 2 * j] = b32[k]!;
        o32[o + 2 * j + 1] = b32[k + 1]!;
      }
      if (c & 1) o32[o + c - 1] = b32[k]!;
    }
  }
  return out;
}
