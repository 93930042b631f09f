// Context set-up: the float precision the backend reports, the refusal of
// devices without float32 render targets (half-float-only), and the errors in
// Node without headless-gl or without a display.
import { describe, expect, it } from 'vitest';
import { floatSupportProblem, type GL } from '@polytensor/gpu-common';
import { createWebGLBackend, headlessContext } from './backend.js';
import { WebGLPrecisionError, WebGLUnavailableError } from './errors.js';
import { newBackend, projectWebGLVersion } from './test_util.js';

/** A real context with some extensions hidden (and optionally a weaker highp). */
function crippled(gl: GL, hide: readonly string[], highpBits?: number): GL {
  return new Proxy(gl, {
    get(target, prop) {
      if (prop === 'getSupportedExtensions') return () => (target.getSupportedExtensions() ?? []).filter((e) => !hide.includes(e));
      if (prop === 'getExtension') return (name: string) => (hide.includes(name) ? null : target.getExtension(name));
      if (prop === 'getShaderPrecisionFormat' && highpBits !== undefined) {
        return (shader: number, type: number) => {
          const f = target.getShaderPrecisionFormat(shader, type)!;
          return { rangeMin: f.rangeMin, rangeMax: f.rangeMax, precision: highpBits };
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as GL;
}

describe('precision', () => {
  it('reports the context: version, IEEE float32 textures and shaders, subnormals, arithmetic', async () => {
    const b = await newBackend();
    try {
      const p = b.precision;
      expect(p.webglVersion).toBe(projectWebGLVersion());
      expect(p.textureFloatBits).toBe(32);
      expect(p.shaderFloatMantissaBits).toBeGreaterThanOrEqual(23);
      expect(p.floatDownload).toBe(true);
      expect(['kept', 'flushed']).toContain(p.subnormals);
      expect(b.numerics.flushesSubnormals).toBe(p.subnormals === 'flushed');
      expect(b.numerics.arithmeticUlp).toBe(p.arithmeticUlp);
      console.log(`precision on WebGL ${p.webglVersion}: ${JSON.stringify(p)}`);
    } finally {
      b.dispose();
    }
  });

  it('refuses a half-float-only device with a clear error', async () => {
    const b = await newBackend();
    const gl = b.gl;
    const v = b.webglVersion;
    try {
      const half = v === 2 ? crippled(gl, ['EXT_color_buffer_float']) : crippled(gl, ['OES_texture_float', 'WEBGL_color_buffer_float']);
      expect(floatSupportProblem(half, v)).toMatch(/half-float|no float/);
      await expect(createWebGLBackend({ gl: half, webglVersion: v })).rejects.toThrow(WebGLPrecisionError);
      await expect(createWebGLBackend({ gl: half, webglVersion: v })).rejects.toThrow(/refuses to compute them in half precision/);
      const mediump = crippled(gl, [], 10);
      await expect(createWebGLBackend({ gl: mediump, webglVersion: v })).rejects.toThrow(/highp mantissa 10 bits/);
    } finally {
      b.dispose();
    }
  });
});

describe('Node without headless-gl', () => {
  it('says how to install it when the gl package is missing', async () => {
    const missing = async (): Promise<never> => {
      throw new Error("Cannot find package 'gl'");
    };
    await expect(headlessContext(undefined, missing)).rejects.toThrow(WebGLUnavailableError);
    await expect(headlessContext(undefined, missing)).rejects.toThrow(/optional 'gl' package.*Cannot find package 'gl'.*`npm install gl`.*libxi-dev/s);
  });

  it('says to run under xvfb-run when there is no display', async () => {
    const noDisplay = async () => () => null;
    await expect(headlessContext(undefined, noDisplay)).rejects.toThrow(/needs an X display.*xvfb-run -a/s);
  });

  it('says WebGL 2 does not exist there', async () => {
    await expect(headlessContext(2)).rejects.toThrow(/WebGL 1 only/);
  });
});
