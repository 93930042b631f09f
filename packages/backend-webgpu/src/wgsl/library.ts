/**
 * A set of WGSL functions a shader pulls in by calling them: `definitions(code)`
 * is the source of every library function `code` calls, and of everything
 * those call, each once. Programs name what they use and never carry the rest.
 * Calls are found by name (`name(`), so a function mentioned only in a
 * comment is included needlessly, never missed.
 */
export class WgslLibrary {
  private readonly sources: ReadonlyMap<string, string>;
  private readonly cache = new Map<string, string>();

  constructor(functions: Readonly<Record<string, string>>) {
    this.sources = new Map(Object.entries(functions));
  }

  get names(): string[] {
    return [...this.sources.keys()];
  }

  private calledBy(code: string): string[] {
    const found = new Set<string>();
    for (const m of code.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) if (this.sources.has(m[1]!)) found.add(m[1]!);
    return [...found];
  }

  /** WGSL defining every library function `code` calls (transitively); '' when it calls none. Memoized. */
  definitions(code: string): string {
    const hit = this.cache.get(code);
    if (hit !== undefined) return hit;
    const order: string[] = [];
    const done = new Set<string>();
    const visit = (name: string): void => {
      if (done.has(name)) return;
      done.add(name);
      const src = this.sources.get(name)!;
      for (const callee of this.calledBy(src)) visit(callee);
      order.push(src);
    };
    for (const name of this.calledBy(code)) visit(name);
    const text = order.join('\n');
    this.cache.set(code, text);
    return text;
  }
}
