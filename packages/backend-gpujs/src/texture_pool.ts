// Free WebGL textures kept for reuse, by size and format.
//
// In immutable pipeline mode gpu.js gives a kernel run a new output texture
// (createTexture + texImage2D of its size) whenever a tensor still holds the
// kernel's last output, and deletes a tensor's texture when it is freed. In a
// training step, whose tape keeps outputs alive, that is most runs: a CPU
// profile of an LSTM step on headless-gl put a quarter of the sampled time in
// texImage2D, and pooling took 8–30% off the step (README). tfjs webgl keeps freed textures in a
// pool keyed by shape and format; this is the same idea for gpu.js's textures:
// the runtime routes a kernel's "new output texture" and "delete texture"
// through here (runtime.ts, `poolKernelTextures`).
import type { GL } from '@polytensor/gpu-common';

/** How a texture was allocated: reusable as-is for any texture of the same key. */
export interface TextureFormat {
  readonly width: number;
  readonly height: number;
  readonly internalFormat: number;
  readonly format: number;
  readonly type: number;
  /** Bytes per texel (for the pool's cap). */
  readonly bytesPerTexel: number;
}

/** Most bytes kept free for reuse; a texture freed beyond it is deleted. */
export const POOL_MAX_BYTES = 256 * 1024 * 1024;

type Tex = WebGLTexture & { _refs?: number };

export class TexturePool {
  private readonly free = new Map<string, Tex[]>();
  private readonly formats = new WeakMap<Tex, { key: string; bytes: number }>();
  /** Textures and bytes held free now. */
  count = 0;
  bytes = 0;
  /** Textures handed out again instead of made (for tests and diagnostics). */
  reused = 0;
  /** Most bytes kept free (0: pool nothing). */
  maxBytes = POOL_MAX_BYTES;

  constructor(
    private readonly gl: GL,
    /** Called after `count` changes (the runtime's live-texture count excludes pooled ones). */
    private readonly onChange: () => void = () => {},
  ) {}

  /** A texture of `f` (its contents undefined): a free one of that size and format, else a new one. */
  acquire(f: TextureFormat): Tex {
    const key = keyOf(f);
    const list = this.free.get(key);
    const got = list?.pop();
    if (got) {
      const meta = this.formats.get(got)!;
      this.count--;
      this.bytes -= meta.bytes;
      this.reused++;
      this.onChange();
      return got;
    }
    const gl = this.gl;
    const tex = gl.createTexture() as Tex | null;
    if (!tex) throw new Error('gpujs backend: the WebGL context made no texture (context lost?)');
    bindForSetup(gl, tex);
    gl.texImage2D(gl.TEXTURE_2D, 0, f.internalFormat, f.width, f.height, 0, f.format, f.type, null);
    this.formats.set(tex, { key, bytes: f.width * f.height * f.bytesPerTexel });
    return tex;
  }

  /** Record that `tex` (made elsewhere) has format `f`, so that freeing it pools it. */
  adopt(tex: Tex, f: TextureFormat): void {
    this.formats.set(tex, { key: keyOf(f), bytes: f.width * f.height * f.bytesPerTexel });
  }

  /** Free `tex`: kept for reuse when its format is known and the cap allows, else deleted. */
  release(tex: Tex): void {
    const meta = this.formats.get(tex);
    if (!meta || this.bytes + meta.bytes > this.maxBytes) {
      this.gl.deleteTexture(tex);
      return;
    }
    tex._refs = 0;
    let list = this.free.get(meta.key);
    if (!list) this.free.set(meta.key, (list = []));
    list.push(tex);
    this.count++;
    this.bytes += meta.bytes;
    this.onChange();
  }

  /** Delete every free texture. */
  clear(): void {
    for (const list of this.free.values()) for (const t of list) this.gl.deleteTexture(t);
    this.free.clear();
    this.count = 0;
    this.bytes = 0;
    this.onChange();
  }
}

function keyOf(f: TextureFormat): string {
  return `${f.width}x${f.height}:${f.internalFormat}:${f.format}:${f.type}`;
}

/**
 * Bind `tex` for setup on unit 15 (the unit gpu.js itself sets textures up
 * on; kernels bind their inputs on every run) with the sampling every
 * texture here uses: NEAREST, clamped.
 */
export function bindForSetup(gl: GL, tex: WebGLTexture): void {
  gl.activeTexture(gl.TEXTURE15);
  gl.bindTexture(gl.TEXTURE_2D, tex);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
}
