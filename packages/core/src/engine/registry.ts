import type { Backend, BackendFactory } from '../backend/backend.js';
import { PolytensorError } from '../errors.js';

interface Registration {
  factory: BackendFactory;
  priority: number;
}

/** Backend packages known to core; `ready()` imports whichever are installed. */
export const KNOWN_BACKEND_PACKAGES = [
  '@polytensor/backend-wasm',
  '@polytensor/backend-webgl',
  '@polytensor/backend-gpujs',
  '@polytensor/backend-ts',
] as const;

/** Name → factory and priority; instances are created once and cached. */
export class BackendRegistry {
  private readonly registrations = new Map<string, Registration>();
  private readonly instances = new Map<string, Backend>();
  private readonly failures = new Map<string, string>();

  register(name: string, factory: BackendFactory, priority: number): void {
    if (typeof name !== 'string' || name.length === 0) {
      throw new PolytensorError(`registerBackend: name must be a non-empty string, got ${JSON.stringify(name)}`);
    }
    if (typeof factory !== 'function') {
      throw new PolytensorError(`registerBackend('${name}'): factory must be a function returning a Backend`);
    }
    this.registrations.set(name, { factory, priority });
    this.failures.delete(name);
  }

  remove(name: string): void {
    const inst = this.instances.get(name);
    if (inst) inst.dispose();
    this.instances.delete(name);
    this.registrations.delete(name);
  }

  has(name: string): boolean {
    return this.registrations.has(name);
  }

  names(): string[] {
    return [...this.registrations.keys()];
  }

  /** Registered names, best first. */
  byPriority(): string[] {
    return [...this.registrations.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
  }

  instance(name: string): Backend | undefined {
    return this.instances.get(name);
  }

  failure(name: string): string | undefined {
    return this.failures.get(name);
  }

  unknown(op: string, name: string): PolytensorError {
    const known = this.names();
    return new PolytensorError(
      `${op}: no backend named '${name}' is registered (registered: ${known.length ? known.join(', ') : 'none'}); ` +
        `install and import its package, e.g. import '@polytensor/backend-${name}'`,
    );
  }

  /** Create (or reuse) an instance; async factories are awaited. */
  async initialize(name: string): Promise<Backend> {
    const existing = this.instances.get(name);
    if (existing) return existing;
    const reg = this.registrations.get(name);
    if (!reg) throw this.unknown('setBackend', name);
    try {
      const backend = await reg.factory();
      this.instances.set(name, backend);
      return backend;
    } catch (e) {
      this.failures.set(name, e instanceof Error ? e.message : String(e));
      throw e;
    }
  }

  /** Synchronous creation; fails clearly for async factories. */
  initializeSync(name: string): Backend {
    const existing = this.instances.get(name);
    if (existing) return existing;
    const reg = this.registrations.get(name);
    if (!reg) throw this.unknown('setBackend', name);
    const result = reg.factory();
    if (result instanceof Promise) {
      result.then(
        (b) => this.instances.set(name, b),
        (e: unknown) => this.failures.set(name, e instanceof Error ? e.message : String(e)),
      );
      throw new PolytensorError(
        `backend '${name}' initialises asynchronously; call \`await setBackend('${name}')\` or \`await ready()\` before using tensors`,
      );
    }
    this.instances.set(name, result);
    return result;
  }
}
