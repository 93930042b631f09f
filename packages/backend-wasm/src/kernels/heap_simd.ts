import type { WasmRuntime } from '../runtime.js';

interface RawModule {
  asm?: { memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
}

const instances = new WeakMap<WebAssembly.Memory, Map<string, WebAssembly.Exports | null>>();

/**
 * A generated SIMD module (base64; `plain` imports an unshared memory as
 * `e.m`, `shared` the same module importing a shared one) instantiated on the
 * runtime's heap, so its functions work on tfjs's buffers where they lie.
 * Once per memory and module; null where WebAssembly SIMD does not validate.
 * The modules are a few KB, small enough to compile synchronously everywhere.
 */
export function onHeap<T>(rt: WasmRuntime, plain: string, shared: string): T | null {
  const raw = rt.m as unknown as RawModule;
  const memory = raw.asm?.memory ?? raw.wasmMemory;
  if (!memory) return null;
  let byModule = instances.get(memory);
  if (!byModule) instances.set(memory, (byModule = new Map()));
  let exports = byModule.get(plain);
  if (exports === undefined) {
    const isShared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    try {
      const bytes = Uint8Array.from(atob(isShared ? shared : plain), (ch) => ch.charCodeAt(0));
      exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { e: { m: memory } }).exports;
    } catch {
      exports = null; // SIMD does not validate here
    }
    byModule.set(plain, exports);
  }
  return exports as T | null;
}
