import type { WebGLVersion } from '../context.js';

/** A GLSL function's source: one text, or one per GLSL version (ES 3.00 for WebGL 2, ES 1.00 for WebGL 1). */
export type GlslSource = string | ((version: WebGLVersion) => string);

/**
 * A set of GLSL functions a shader pulls in by calling them. `definitions(code,
 * version)` returns the source of every library function `code` calls, and of
 * everything those call, each once and before its first caller: programs name
 * what they use and never carry the rest (or a hand-kept list of
 * dependencies, which goes stale). Calls are found by name (`name(`), so a
 * function mentioned only in a comment is included needlessly, never missed.
 */
export class GlslLibrary {
  private readonly sources: ReadonlyMap<string, GlslSource>;
  private readonly cache = new Map<string, string>();

  /** @param functions source per function name; a source may also define helpers no other entry names. */
  constructor(functions: Readonly<Record<string, GlslSource>>) {
    this.sources = new Map(Object.entries(functions));
  }

  /** A library with these functions added (a name already defined here is an error: one definition each). */
  extend(functions: Readonly<Record<string, GlslSource>>): GlslLibrary {
    const clash = Object.keys(functions).filter((n) => this.sources.has(n));
    if (clash.length) throw new Error(`GlslLibrary.extend: ${clash.join(', ')} already defined; pick other names`);
    return new GlslLibrary({ ...Object.fromEntries(this.sources), ...functions });
  }

  /** The names this library defines. */
  get names(): string[] {
    return [...this.sources.keys()];
  }

  /** The source of one function for `version` (throws for a name the library lacks). */
  source(name: string, version: WebGLVersion): string {
    const s = this.sources.get(name);
    if (s === undefined) throw new Error(`GlslLibrary: no function '${name}'; the library has ${this.names.join(', ')}`);
    return typeof s === 'string' ? s : s(version);
  }

  /** Library functions `code` calls directly. */
  calledBy(code: string): string[] {
    const found = new Set<string>();
    for (const m of code.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
      if (this.sources.has(m[1]!)) found.add(m[1]!);
    }
    return [...found];
  }

  /**
   * GLSL defining every library function `code` calls (transitively), callees
   * first; '' when it calls none. Memoized per (code, version): programs are
   * built per kernel call and their bodies repeat.
   */
  definitions(code: string, version: WebGLVersion): string {
    const key = `${version}\u0000${code}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const order: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, from: string): void => {
      const s = state.get(name);
      if (s === 'done') return;
      if (s === 'visiting') throw new Error(`GlslLibrary: '${name}' calls itself through '${from}'; GLSL has no recursion`);
      state.set(name, 'visiting');
      const src = this.source(name, version);
      for (const callee of this.calledBy(src)) if (callee !== name) visit(callee, name);
      state.set(name, 'done');
      order.push(src);
    };
    for (const name of this.calledBy(code)) visit(name, 'the program');
    const text = order.join('\n');
    this.cache.set(key, text);
    return text;
  }
}
