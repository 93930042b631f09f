import type { NativeSpec, ParamKind } from './runtime.js';

/** The kinds a native function's argument may have. */
type NativeArgKind = Exclude<ParamKind, 'array'>;

const KINDS: ReadonlySet<string> = new Set<NativeArgKind>(['tex', 'tex4', 'float', 'vec4']);

/** One argument's GLSL parameters: gpu.js passes a texture with its size and dimensions. */
function glslParams(name: string, kind: NativeArgKind): string {
  if (kind === 'tex' || kind === 'tex4') return `sampler2D ${name}, ivec2 ${name}Size, ivec3 ${name}Dim`;
  return `${kind} ${name}`;
}

/**
 * A native function (GLSL for the GPU, JavaScript for gpu.js's CPU mode) from
 * one argument list, so the two headers and gpu.js's argument types cannot
 * disagree. `args` lists the names separated by spaces, each a float unless
 * written `name:tex`, `name:tex4` or `name:vec4`; `glsl` and `js` are the bodies.
 */
export function defineNative(name: string, args: string, returns: 'float' | 'vec4', glsl: string, js: string): NativeSpec {
  const parsed = args
    .split(/\s+/)
    .filter((a) => a !== '')
    .map((a): readonly [string, NativeArgKind] => {
      const [arg = '', kind = 'float'] = a.split(':');
      if (!KINDS.has(kind)) throw new Error(`gpujs backend: native ${name}: argument kind '${kind}' of '${arg}' is not one of ${[...KINDS].join(', ')}`);
      return [arg, kind as NativeArgKind];
    });
  return {
    name,
    glsl: `${returns} ${name}(${parsed.map(([n, k]) => glslParams(n, k)).join(', ')}) {\n${glsl}\n}`,
    js: `function ${name}(${parsed.map(([n]) => n).join(', ')}) {\n${js}\n}`,
    args: parsed,
    returns,
  };
}

/** Native bodies that return 1 where `cond` holds and 0 elsewhere: GLSL (a ternary) and JavaScript (an if, as gpu.js's CPU mode runs it). */
export const indicator = {
  glsl: (cond: string): string => `return ${cond} ? 1.0 : 0.0;`,
  js: (cond: string): string => `if (${cond}) { return 1; } return 0;`,
} as const;
