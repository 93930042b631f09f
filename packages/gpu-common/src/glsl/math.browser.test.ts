// The math library on a real GPU (headless Chromium, SwiftShader), WebGL 2 and
// WebGL 1, in a plain WebGL program of its own (no backend): each function
// against float64 Math on seeded inputs, within the ULP bounds the backends'
// conformance suite holds them to, plus the special values. Also exercises
// the context module (browserContext, floatSupportProblem, floatReadback).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserContext, floatReadback, floatSupportProblem, loseContext, type GL, type WebGLVersion } from '../context.js';
import { MATH_GLSL, PT_ENV } from './math.js';

/** ULP of float32 at `r` (normal spacing below 2^-126: devices that flush never return subnormals here). */
function ulp32(r: number): number {
  const a = Math.abs(r);
  const e = a === 0 ? -126 : Math.max(Math.floor(Math.log2(a)), -126);
  return 2 ** (e - 23);
}

/** Seeded uniform numbers in [lo, hi), rounded to float32. */
function uniform(n: number, lo: number, hi: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return lo + (s / 2 ** 32) * (hi - lo);
  });
}

/** f(x, y) for every (x[i], y[i]) in one fragment each; returns the float32 results. */
class Evaluator {
  readonly gl: GL;
  private readonly buffer: WebGLBuffer;

  constructor(readonly version: WebGLVersion) {
    const made = browserContext(version);
    if (!('gl' in made)) throw new Error(`no WebGL ${version}: ${made.problems.join('; ')}`);
    this.gl = made.gl;
    const problem = floatSupportProblem(this.gl, version);
    if (problem) throw new Error(`WebGL ${version}: ${problem}`);
    if (!floatReadback(this.gl, version)) throw new Error(`WebGL ${version}: no float32 readback`);
    const gl = this.gl;
    this.buffer = gl.createBuffer()!;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
  }

  private shader(type: number, src: string): WebGLShader {
    const gl = this.gl;
    const sh = gl.createShader(type)!;
    gl.shaderSource(sh, src);
    gl.compileShader(sh);
    if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS)) throw new Error(`compile failed: ${gl.getShaderInfoLog(sh)}\n${src}`);
    return sh;
  }

  private program(expr: string): WebGLProgram {
    const v2 = this.version === 2;
    const fn = `float f(float x, float y) { return ${expr}; }`;
    const lib = MATH_GLSL.definitions(fn, this.version);
    const head = `${v2 ? '#version 300 es\n' : ''}precision highp float;\nprecision highp int;\nuniform highp sampler2D xs;\nuniform vec2 size;\nuniform vec4 ptEnv;\n`;
    const main = v2
      ? 'out vec4 color;\nvoid main() { vec4 v = texelFetch(xs, ivec2(gl_FragCoord.xy), 0); color = vec4(f(v.x, v.y), 0.0, 0.0, 1.0); }'
      : 'void main() { vec4 v = texture2D(xs, gl_FragCoord.xy / size); gl_FragColor = vec4(f(v.x, v.y), 0.0, 0.0, 1.0); }';
    const vertex = v2
      ? '#version 300 es\nin vec2 p;\nvoid main() { gl_Position = vec4(p, 0.0, 1.0); }'
      : 'attribute vec2 p;\nvoid main() { gl_Position = vec4(p, 0.0, 1.0); }';
    const gl = this.gl;
    const prog = gl.createProgram()!;
    gl.attachShader(prog, this.shader(gl.VERTEX_SHADER, vertex));
    gl.attachShader(prog, this.shader(gl.FRAGMENT_SHADER, `${head}${lib}\n${fn}\n${main}`));
    gl.bindAttribLocation(prog, 0, 'p');
    gl.linkProgram(prog);
    if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(`link failed: ${gl.getProgramInfoLog(prog)}`);
    return prog;
  }

  private texture(w: number, h: number, data: Float32Array | null): WebGLTexture {
    const gl = this.gl;
    const tex = gl.createTexture()!;
    gl.bindTexture(gl.TEXTURE_2D, tex);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    const internal = this.version === 2 ? (gl as WebGL2RenderingContext).RGBA32F : gl.RGBA;
    gl.texImage2D(gl.TEXTURE_2D, 0, internal, w, h, 0, gl.RGBA, gl.FLOAT, data);
    return tex;
  }

  run(expr: string, x: Float32Array, y: Float32Array = new Float32Array(x.length)): Float32Array {
    const gl = this.gl;
    const n = x.length;
    const w = Math.min(n, 256);
    const h = Math.ceil(n / w);
    const texels = new Float32Array(w * h * 4);
    for (let i = 0; i < n; i++) {
      texels[4 * i] = x[i]!;
      texels[4 * i + 1] = y[i]!;
    }
    const prog = this.program(expr);
    const input = this.texture(w, h, texels);
    const output = this.texture(w, h, null);
    const fb = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, output, 0);
    gl.viewport(0, 0, w, h);
    gl.useProgram(prog);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, input);
    gl.uniform1i(gl.getUniformLocation(prog, 'xs'), 0);
    gl.uniform2f(gl.getUniformLocation(prog, 'size'), w, h);
    gl.uniform4fv(gl.getUniformLocation(prog, 'ptEnv'), new Float32Array(PT_ENV));
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    const out = new Float32Array(w * h * 4);
    gl.readPixels(0, 0, w, h, gl.RGBA, gl.FLOAT, out);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.deleteFramebuffer(fb);
    gl.deleteTexture(input);
    gl.deleteTexture(output);
    gl.deleteProgram(prog);
    return Float32Array.from({ length: n }, (_, i) => out[4 * i]!);
  }

  dispose(): void {
    this.gl.deleteBuffer(this.buffer);
    loseContext(this.gl);
  }
}

/** Worst error in ULPs of the float64 reference (floored at `floor`'s ULP, as the suite's trig bound is). */
function worstUlp(got: Float32Array, ref: (i: number) => number, floor = 0): { ulps: number; at: number } {
  let ulps = 0;
  let at = -1;
  got.forEach((g, i) => {
    const r = ref(i);
    const e = Math.abs(g - r) / Math.max(ulp32(r), floor ? ulp32(floor) : 0);
    if (!(e <= ulps)) {
      ulps = e;
      at = i;
    }
  });
  return { ulps, at };
}

const N = 2048;

for (const version of [2, 1] as const) {
  describe(`MATH_GLSL on WebGL ${version}`, () => {
    let ev: Evaluator;
    beforeAll(() => {
      ev = new Evaluator(version);
    });
    afterAll(() => ev.dispose());

    const accuracy: Array<[string, string, Float32Array, Float32Array | undefined, (x: number, y: number) => number, number, number?]> = [
      ['exp', 'ptExp(x)', uniform(N, -87, 88, 1), undefined, Math.exp, 2],
      ['expm1', 'ptExpm1(x)', uniform(N, -87, 88, 2), undefined, Math.expm1, 2],
      ['log', 'ptLog(x)', uniform(N, -120, 120, 3).map((e) => 2 ** e), undefined, Math.log, 2],
      ['log1p', 'ptLog1p(x)', uniform(N, -0.999, 30, 4), undefined, Math.log1p, 2],
      ['sqrt', 'ptSqrt(x)', uniform(N, -100, 100, 5).map((e) => 2 ** e), undefined, Math.sqrt, 0.5],
      ['rsqrt', 'ptRsqrt(x)', uniform(N, -100, 100, 6).map((e) => 2 ** e), undefined, (x) => 1 / Math.sqrt(x), 2],
      ['div', 'ptDiv(x, y)', uniform(N, -1e6, 1e6, 7), uniform(N, 1e-3, 1e3, 8), (x, y) => x / y, 0.5],
      ['sigmoid', 'ptSigmoid(x)', uniform(N, -80, 80, 9), undefined, (x) => 1 / (1 + Math.exp(-x)), 3],
      ['tanh', 'ptTanh(x)', uniform(N, -20, 20, 10), undefined, Math.tanh, 3],
      ['softplus', 'ptSoftplus(x)', uniform(N, -80, 80, 11), undefined, (x) => Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0), 3],
      ['sin', 'ptSin(x)', uniform(N, -32, 32, 12), undefined, Math.sin, 3, 2 ** -14],
      ['cos', 'ptCos(x)', uniform(N, -32, 32, 13), undefined, Math.cos, 3, 2 ** -14],
      ['pow', 'ptPow(x, y)', uniform(N, 2 ** -4, 16, 14), uniform(N, -6, 6, 15), Math.pow, 4],
    ];
    for (const [name, expr, x, y, ref, bound, floor] of accuracy) {
      it(`${name}: within ${bound} ULP of float64`, () => {
        const got = ev.run(expr, x, y);
        const { ulps, at } = worstUlp(got, (i) => ref(x[i]!, y?.[i] ?? 0), floor);
        expect(ulps, `${name}(${x[at]}${y ? `, ${y[at]}` : ''}) = ${got[at]}, float64 ${ref(x[at]!, y?.[at] ?? 0)}`).toBeLessThanOrEqual(bound);
      });
    }

    it('special values: NaN, ±Infinity, ±0, overflow, half-to-even', () => {
      const cases: Array<[string, number, number, number]> = [
        ['ptExp(x)', NaN, 0, NaN],
        ['ptExp(x)', Infinity, 0, Infinity],
        ['ptExp(x)', -Infinity, 0, 0],
        ['ptExp(x)', 89, 0, Infinity],
        ['ptExpm1(x)', -Infinity, 0, -1],
        ['ptExpm1(x)', 1e-10, 0, Math.fround(1e-10)],
        ['ptLog(x)', 0, 0, -Infinity],
        ['ptLog(x)', -1, 0, NaN],
        ['ptLog(x)', Infinity, 0, Infinity],
        ['ptLog1p(x)', -1, 0, -Infinity],
        ['ptLog1p(x)', -2, 0, NaN],
        ['ptSqrt(x)', -0, 0, -0],
        ['ptSqrt(x)', -1, 0, NaN],
        ['ptSqrt(x)', Infinity, 0, Infinity],
        ['ptRsqrt(x)', 0, 0, Infinity],
        ['ptRsqrt(x)', Infinity, 0, 0],
        ['ptTanh(x)', -Infinity, 0, -1],
        ['ptSigmoid(x)', -Infinity, 0, 0],
        ['ptSoftplus(x)', Infinity, 0, Infinity],
        ['ptSin(x)', Infinity, 0, NaN],
        ['ptCos(x)', NaN, 0, NaN],
        ['ptSin(x)', -0, 0, -0],
        ['ptPow(x, y)', NaN, 0, 1],
        ['ptPow(x, y)', 1, NaN, 1],
        ['ptPow(x, y)', -0, -1, -Infinity],
        ['ptPow(x, y)', 0, -2, Infinity],
        ['ptPow(x, y)', -2, 0.5, NaN],
        ['ptPow(x, y)', -Infinity, 3, -Infinity],
        ['ptPow(x, y)', 0.5, Infinity, 0],
        ['ptPow(x, y)', 2, 200, Infinity],
        ['ptDiv(x, y)', 1, 0, Infinity],
        ['ptDiv(x, y)', -1, Infinity, -0],
        ['ptDiv(x, y)', 0, 0, NaN],
        ['ptRoundEven(x)', 2.5, 0, 2],
        ['ptRoundEven(x)', 3.5, 0, 4],
        ['ptRoundEven(x)', -2.5, 0, -2],
        ['ptRoundEven(x)', 1e10, 0, 1e10],
        ['ptIsNaN(x) ? 1.0 : 0.0', NaN, 0, 1],
        ['ptIsNaN(x) ? 1.0 : 0.0', Infinity, 0, 0],
        ['ptIsInf(x) ? 1.0 : 0.0', -Infinity, 0, 1],
        ['ptIsInf(x) ? 1.0 : 0.0', 3.4028234663852886e38, 0, 0],
        ['ptSignBit(x) ? 1.0 : 0.0', -0, 0, 1],
        ['ptSignBit(x) ? 1.0 : 0.0', 0, 0, 0],
      ];
      const byExpr = new Map<string, Array<[number, number, number]>>();
      for (const [expr, x, y, want] of cases) byExpr.set(expr, [...(byExpr.get(expr) ?? []), [x, y, want]]);
      for (const [expr, list] of byExpr) {
        const got = ev.run(
          expr,
          Float32Array.from(list, (c) => c[0]),
          Float32Array.from(list, (c) => c[1]),
        );
        list.forEach(([x, y, want], i) => expect(got[i], `${expr} at x = ${x}, y = ${y}`).toBe(want));
      }
    });
  });
}
