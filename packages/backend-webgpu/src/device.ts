/// <reference types="@webgpu/types" preserve="true" />
import { WebGPUBackendError, WebGPUDeviceLostError, WebGPUUnavailableError } from './errors.js';

/** Options of `createWebGPUBackend`. */
export interface WebGPUBackendOptions {
  /** Use this device as is (not destroyed on dispose); default: a device of its own from `navigator.gpu`. */
  readonly device?: GPUDevice;
  /** Passed to `requestAdapter` (default 'high-performance'). */
  readonly powerPreference?: GPUPowerPreference;
  /** Where `navigator.gpu` is looked up (tests stub it); default `globalThis.navigator`. */
  readonly navigator?: { readonly gpu?: GPU | undefined };
  /**
   * Where kernel philoxUniform (`randomUniform`, dropout masks) draws: `'gpu'`
   * (this package's WGSL Philox), `'host'` (core's host draw, then written to
   * the GPU) or `'auto'` (default): the host on an adapter that runs on the
   * CPU (SwiftShader and other fallback adapters, where the WGSL draw measured
   * about 15× slower than the host's WebAssembly SIMD), the GPU elsewhere. The
   * numbers are the same bit for bit either way.
   */
  readonly random?: 'auto' | 'gpu' | 'host';
}

/** An adapter's device, with what the backend reports about it. */
export interface MadeDevice {
  readonly device: GPUDevice;
  /** "vendor architecture (description)", e.g. "google swiftshader". */
  readonly adapter: string;
  readonly info: GPUAdapterInfo | undefined;
  /** The adapter says it is a fallback (software) adapter. */
  readonly fallback?: boolean;
}

/** Why there is no `navigator.gpu`, with what to do. */
function noGpuMessage(): string {
  const node = typeof process !== 'undefined' && typeof (process as { versions?: { node?: string } }).versions?.node === 'string';
  if (node && typeof window === 'undefined') {
    return (
      'webgpu backend: there is no navigator.gpu in Node. @polytensor/backend-webgpu runs in browsers with WebGPU ' +
      "(Chrome/Edge 113+, Safari 26+, Firefox 141+ on Windows); in Node use another backend (import '@polytensor/backend-wasm')."
    );
  }
  const secure = typeof window === 'undefined' || (window as { isSecureContext?: boolean }).isSecureContext !== false;
  return secure
    ? 'webgpu backend: this browser has no navigator.gpu: it lacks WebGPU or has it switched off (chrome://flags, or ' +
        'headless Chromium without --enable-unsafe-webgpu). Use another backend (webgl, wasm), which ready() falls back to.'
    : 'webgpu backend: navigator.gpu is missing because this page is not a secure context: browsers expose WebGPU only on ' +
        'https:// pages, http://localhost and file://. Serve the page over https (or localhost) or use another backend.';
}

/**
 * A device of the best adapter, asking for the adapter's own buffer and
 * workgroup limits (the defaults are lower: a 128 MiB storage binding).
 * Throws WebGPUUnavailableError naming the cause: no navigator.gpu, no
 * adapter, or a device the adapter refused.
 */
export async function requestDevice(options: WebGPUBackendOptions = {}): Promise<MadeDevice> {
  const nav = options.navigator ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  const gpu = nav?.gpu;
  if (!gpu) throw new WebGPUUnavailableError(noGpuMessage());
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  } catch (e) {
    throw new WebGPUUnavailableError(`webgpu backend: navigator.gpu.requestAdapter() failed (${errorText(e)}). Use another backend (webgl, wasm).`);
  }
  if (!adapter) {
    throw new WebGPUUnavailableError(
      'webgpu backend: navigator.gpu.requestAdapter() found no adapter: this GPU or driver is blocklisted for WebGPU, or ' +
        'there is none (headless Chromium without a GPU needs --enable-unsafe-webgpu --enable-features=Vulkan ' +
        '--use-vulkan=swiftshader --use-webgpu-adapter=swiftshader). Use another backend (webgl, wasm).',
    );
  }
  const l = adapter.limits;
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
        maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      },
    });
  } catch (e) {
    throw new WebGPUUnavailableError(`webgpu backend: the WebGPU adapter refused a device (${errorText(e)}). Use another backend (webgl, wasm).`);
  }
  const info = (adapter as { info?: GPUAdapterInfo }).info;
  // isFallbackAdapter moved from the adapter to its info in the spec; browsers have one or the other
  const fallback = (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ?? adapter.isFallbackAdapter;
  return { device, adapter: describeAdapter(info), info, fallback: fallback === true };
}

/** Software rasterisers that expose WebGPU on the CPU: SwiftShader in Chromium, Mesa's llvmpipe/lavapipe, Microsoft's WARP ("Microsoft Basic Render Driver"). */
const CPU_ADAPTER = /swiftshader|llvmpipe|lavapipe|basic render/i;

/** Does this adapter run its shaders on the CPU (so host code with SIMD beats a long integer shader)? */
export function isCpuAdapter(made: Pick<MadeDevice, 'adapter' | 'fallback'>): boolean {
  return made.fallback === true || CPU_ADAPTER.test(made.adapter);
}

export function describeAdapter(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  return info.description ? `${name} (${info.description})` : name;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Watches a device for loss. `check(op)` throws WebGPUDeviceLostError once it
 * is lost; `lost` settles then (pending reads race it so they never hang).
 */
export class DeviceWatch {
  private reason: string | null = null;
  private disposed = false;
  /** Resolves when the device is lost (never, if it is not). */
  readonly lost: Promise<void>;

  /** A validation or out-of-memory error the device raised since the last check (WebGPU reports them asynchronously). */
  private uncaptured: string | null = null;

  constructor(device: GPUDevice) {
    device.addEventListener('uncapturederror', (e) => {
      const error = (e as GPUUncapturedErrorEvent).error;
      this.uncaptured ??= `${error.constructor.name}: ${error.message}`;
    });
    this.lost = device.lost.then((info) => {
      // destroy() on dispose is not a loss the user must hear about
      if (this.disposed) return;
      this.reason = `${info.reason === 'destroyed' ? 'destroyed' : 'lost'}${info.message ? `: ${info.message}` : ''}`;
    });
  }

  get deviceLost(): boolean {
    return this.reason !== null;
  }

  check(op: string): void {
    if (this.uncaptured !== null) {
      const why = this.uncaptured;
      this.uncaptured = null;
      throw new WebGPUBackendError(
        `webgpu backend: ${op}: the device reported an error from an earlier call (${why}); results since then may be wrong. ` +
          'This is a bug in @polytensor/backend-webgpu (or the device ran out of memory): please report it with the message.',
      );
    }
    if (this.reason !== null) {
      throw new WebGPUDeviceLostError(
        `webgpu backend: ${op}: the GPU device was ${this.reason}. Its buffers are gone; create a new backend ` +
          "(await setBackend('webgpu') re-initialises it, or createWebGPUBackend()) and load the model's weights again.",
      );
    }
  }

  dispose(): void {
    this.disposed = true;
  }
}
