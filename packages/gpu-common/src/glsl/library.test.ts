// The library's dependency resolution: a program gets exactly the functions it
// calls and what they call, each once, callees first, in the GLSL of its version.
import { describe, expect, it } from 'vitest';
import { GlslLibrary } from './library.js';
import { MATH_GLSL } from './math.js';

/** Names of the functions a GLSL text defines, in order. */
function defined(glsl: string): string[] {
  return [...glsl.matchAll(/^(?:float|vec2|vec4|bool|int|ivec2) (\w+)\(/gm)].map((m) => m[1]!);
}

describe('GlslLibrary', () => {
  it('pulls in what a program calls, transitively, each once and before its callers', () => {
    for (const version of [1, 2] as const) {
      const text = MATH_GLSL.definitions('void main() { float y = ptPow(x, 2.0) + ptSin(x); }', version);
      const names = defined(text);
      expect(new Set(names).size, 'each function once').toBe(names.length);
      for (const must of ['ptPow', 'ptPowPos', 'ptLogDF', 'ptExpDF', 'ptTwoProd', 'ptFrexp', 'ptSin', 'ptSinCosReduce', 'ptK']) {
        expect(names, `${must} (WebGL ${version})`).toContain(must);
      }
      // what the program does not reach stays out
      for (const not of ['ptLog1p', 'ptTanh', 'ptCos', 'ptSqrt']) expect(names).not.toContain(not);
      // callees first: every library call inside a definition refers to a function defined earlier
      names.forEach((name, i) => {
        const own = MATH_GLSL.source(name, version);
        for (const callee of MATH_GLSL.calledBy(own).filter((c) => c !== name)) {
          expect(names.indexOf(callee), `${name} calls ${callee}`).toBeGreaterThanOrEqual(0);
          expect(names.indexOf(callee), `${name} calls ${callee}`).toBeLessThan(i);
        }
      });
    }
  });

  it('gives nothing to a program that calls nothing of it', () => {
    expect(MATH_GLSL.definitions('void main() { setOutput(getX(0) + 1.0); }', 2)).toBe('');
  });

  it('writes GLSL ES 1.00 for WebGL 1 (no bit operations) and uses the bits in ES 3.00', () => {
    const all = `void main() { ${MATH_GLSL.names.map((n) => `${n}(`).join(' ')} }`;
    const v1 = MATH_GLSL.definitions(all, 1);
    const v2 = MATH_GLSL.definitions(all, 2);
    expect(defined(v1).sort()).toEqual(MATH_GLSL.names.sort());
    expect(v1).not.toMatch(/floatBitsTo|BitsToFloat|<<|>>|(?<!&)&(?!&)|(?<!\|)\|(?!\|)|\^|0x/);
    expect(v2).toMatch(/floatBitsToUint/);
    // the environment the host declares is the only global the library reads
    expect(v1).toMatch(/ptEnv\.[xyz]/);
  });

  it('memoizes per program and version', () => {
    const code = 'void main() { float y = ptExp(x); }';
    expect(MATH_GLSL.definitions(code, 1)).toBe(MATH_GLSL.definitions(code, 1));
    expect(MATH_GLSL.definitions(code, 1)).not.toBe(MATH_GLSL.definitions(code, 2));
  });

  it('extends with a program family’s own helpers, which may call the library', () => {
    const lib = MATH_GLSL.extend({ myExp2: 'float myExp2(float x) { return ptExp(x) * ptExp(x); }' });
    const names = defined(lib.definitions('void main() { myExp2(1.0); }', 2));
    expect([...names].sort()).toEqual(['myExp2', 'ptExp', 'ptExpPoly', 'ptInf', 'ptIsNaN', 'ptPow2i', 'ptScale2']);
    expect(names[names.length - 1]).toBe('myExp2');
  });

  it('refuses a second definition, recursion and unknown names, saying which', () => {
    expect(() => MATH_GLSL.extend({ ptExp: 'float ptExp(float x) { return x; }' })).toThrow(/ptExp already defined/);
    const loop = new GlslLibrary({ a: 'float a(float x) { return b(x); }', b: 'float b(float x) { return a(x); }' });
    expect(() => loop.definitions('void main() { a(1.0); }', 1)).toThrow(/'a' calls itself through 'b'/);
    expect(() => MATH_GLSL.source('ptNope', 1)).toThrow(/no function 'ptNope'/);
  });
});
