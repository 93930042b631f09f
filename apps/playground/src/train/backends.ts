/**
 * The backends, as the worker sees them: each package is imported only when
 * it is first used (dynamic import), so the first load carries core alone and
 * the page's probe is a feature check. A backend whose initialisation fails
 * later is reported unavailable then, with its error.
 */
import { findBackend, findBackendFactory, PolytensorError, registerBackend, removeBackend, setBackend } from '@polytensor/core';
import { BACKENDS, type BackendName, type BackendStatus, type Injected } from '../protocol.js';

// Literal specifiers: the bundler splits each package (and what it pulls in) into its own chunk.
const IMPORTS: Readonly<Record<BackendName, () => Promise<unknown>>> = {
  wasm: () => import('@polytensor/backend-wasm'),
  webgl: () => import('@polytensor/backend-webgl'),
  ts: () => import('@polytensor/backend-ts'),
};

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Can this worker make a WebGL context on an OffscreenCanvas? The probe context is released at once. */
function webglContextReason(): string | null {
  if (typeof OffscreenCanvas === 'undefined') return 'this browser has no OffscreenCanvas in workers';
  const canvas = new OffscreenCanvas(1, 1);
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) return 'this browser gives no WebGL context to a worker (disabled, or no GPU)';
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return null;
}

/** Why a backend cannot run here, judged without loading it; null when it looks able to. */
function featureReason(name: BackendName): string | null {
  if (name === 'wasm') return typeof WebAssembly === 'object' ? null : 'this browser has no WebAssembly';
  if (name === 'webgl') return webglContextReason();
  return null;
}

export class Backends {
  private readonly failures = new Map<BackendName, string>();
  private readonly loaded = new Set<BackendName>();

  constructor(private readonly inject: Injected) {}

  /** Each backend's status. An injected failure goes through the real initialisation path, so it fails as a broken backend would. */
  async probe(): Promise<BackendStatus[]> {
    const injected = this.inject?.kind === 'backend' ? this.inject.backend : null;
    for (const name of BACKENDS) {
      const reason = featureReason(name);
      if (reason) this.failures.set(name, reason);
      else if (name === injected) await this.use(name).catch(() => undefined);
    }
    return this.list();
  }

  list(): BackendStatus[] {
    return BACKENDS.map((name) => ({ name, available: !this.failures.has(name), reason: this.failures.get(name) ?? null }));
  }

  /** Import (once) and switch to `name`; a failure is remembered and rethrown. */
  async use(name: BackendName): Promise<void> {
    const known = this.failures.get(name);
    if (known) throw new PolytensorError(`${name} backend: unavailable in this browser: ${known}`);
    try {
      if (!this.loaded.has(name)) {
        await IMPORTS[name]();
        this.loaded.add(name);
        this.injectFailure(name);
      }
      await setBackend(name);
    } catch (e) {
      this.failures.set(name, message(e));
      throw e;
    }
  }

  /**
   * After a lost WebGL context: drop the dead instance and register the same
   * factory again, so the next use of webgl starts a fresh context.
   */
  renew(name: BackendName): void {
    const factory = findBackendFactory(name);
    if (!factory || !findBackend(name)) return;
    removeBackend(name);
    registerBackend(name, factory);
  }

  /** Replace a backend's factory with one that fails, as a browser without it would. */
  private injectFailure(name: BackendName): void {
    if (this.inject?.kind !== 'backend' || this.inject.backend !== name) return;
    removeBackend(name);
    registerBackend(name, () => {
      throw new PolytensorError(`${name} backend: initialisation failed (injected by ?fail=backend:${name})`);
    });
  }
}
