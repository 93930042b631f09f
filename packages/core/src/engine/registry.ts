import type { Backend, BackendFactory } from '../backend/backend.js';
import { PolytensorError } from '../errors.js';

/**
 * How a backend came to be registered: 'imported' when the app (or a package it
 * imported) loaded the backend package; 'discovered' when `ready()` or
 * `setBackend()` loaded it while looking for installed packages.
 */
export type RegistrationOrigin = 'imported' | 'discovered';

interface Registration {
  factory: BackendFactory;
  priority: number;
  origin: RegistrationOrigin;
}

/** Names a user may mean: registered ones and those of the known packages. */
const KNOWN_BACKEND_NAMES = ['ts', 'wasm', 'webgl', 'gpujs', 'webgpu'];

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest of `candidates` to `name` (case-insensitive), if it is plausibly a typo. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/** Backend packages known to core; `ready()` imports whichever are installed. */
export const KNOWN_BACKEND_PACKAGES = [
  '@polytensor/backend-webgpu',
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

  register(name: string, factory: BackendFactory, priority: number, origin: RegistrationOrigin = 'imported'): void {
    if (typeof name !== 'string' || name.length === 0) {
      throw new PolytensorError(`registerBackend: name must be a non-empty string, got ${JSON.stringify(name)}`);
    }
    if (typeof factory !== 'function') {
      throw new PolytensorError(`registerBackend('${name}'): factory must be a function returning a Backend`);
    }
    if (typeof priority !== 'number' || Number.isNaN(priority)) {
      throw new PolytensorError(`registerBackend('${name}'): priority must be a number, got ${String(priority)}`);
    }
    // A backend the app imported stays 'imported' if discovery re-registers it.
    const wasImported = this.registrations.get(name)?.origin === 'imported';
    this.registrations.set(name, { factory, priority, origin: wasImported ? 'imported' : origin });
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

  /** Registered names, best first; only those of one origin when given. */
  byPriority(origin?: RegistrationOrigin): string[] {
    return [...this.registrations.entries()]
      .filter(([, r]) => origin === undefined || r.origin === origin)
      .sort((a, b) => b[1].priority - a[1].priority)
      .map(([n]) => n);
  }

  origin(name: string): RegistrationOrigin | undefined {
    return this.registrations.get(name)?.origin;
  }

  instance(name: string): Backend | undefined {
    return this.instances.get(name);
  }

  factory(name: string): BackendFactory | undefined {
    return this.registrations.get(name)?.factory;
  }

  failure(name: string): string | undefined {
    return this.failures.get(name);
  }

  unknown(op: string, name: string): PolytensorError {
    const known = this.names();
    const guess = closestName(name, new Set([...known, ...KNOWN_BACKEND_NAMES]));
    const hint =
      guess !== undefined && guess !== name
        ? `did you mean '${guess}'?${known.includes(guess) ? '' : ` (install and import '@polytensor/backend-${guess}')`}`
        : `install and import its package, e.g. import '@polytensor/backend-${name}'`;
    return new PolytensorError(`${op}: no backend named '${name}' is registered (registered: ${known.length ? known.join(', ') : 'none'}); ${hint}`);
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
      throw new PolytensorError(`backend '${name}' initialises asynchronously; call \`await setBackend('${name}')\` or \`await ready()\` before using tensors`);
    }
    this.instances.set(name, result);
    return result;
  }
}
