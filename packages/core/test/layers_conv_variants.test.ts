// Conv2DTranspose, DepthwiseConv2D, SeparableConv2D (and their ops) against
// float64 references, forward and gradients; configs, save/load, bad input.
import { describe, expect, it } from 'vitest';
import { Conv2DTranspose, DepthwiseConv2D, SeparableConv2D, Sequential, deserializeLayer, depthwiseConv2d, input, loadModel, tensor } from './helpers.js';
import { checkLayer, values } from './check_layer.js';

const at = (shape: readonly number[], idx: readonly number[]): number => idx.reduce((s, v, k) => s * shape[k]! + v, 0);

/** Output size and leading pad of a conv2d of `n` with kernel k, stride s, dilation d (TF's rule). */
function geom(n: number, k: number, s: number, d: number, same: boolean): { out: number; pad: number } {
  const eff = (k - 1) * d + 1;
  if (!same) return { out: Math.floor((n - eff) / s) + 1, pad: 0 };
  const out = Math.ceil(n / s);
  return { out, pad: Math.floor(Math.max(0, (out - 1) * s + eff - n) / 2) };
}

/** Depthwise conv in float64: x [b,h,w,c], f [kh,kw,c,m]. */
function depthwise64(x: number[], xs: number[], f: number[], fs: number[], s: number, d: number, same: boolean): { out: number[]; shape: number[] } {
  const [b, h, w, c] = xs as [number, number, number, number];
  const [kh, kw, , m] = fs as [number, number, number, number];
  const gh = geom(h, kh, s, d, same);
  const gw = geom(w, kw, s, d, same);
  const shape = [b, gh.out, gw.out, c * m];
  const out: number[] = [];
  for (let n = 0; n < b; n++)
    for (let oy = 0; oy < gh.out; oy++)
      for (let ox = 0; ox < gw.out; ox++)
        for (let ch = 0; ch < c; ch++)
          for (let q = 0; q < m; q++) {
            let acc = 0;
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const y = oy * s + i * d - gh.pad;
                const xx = ox * s + j * d - gw.pad;
                if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
                acc += x[at(xs, [n, y, xx, ch])]! * f[at(fs, [i, j, ch, q])]!;
              }
            out.push(acc);
          }
  return { out, shape };
}

describe('DepthwiseConv2D and SeparableConv2D match float64 references', () => {
  for (const [s, d, same] of [
    [1, 1, false],
    [2, 1, true],
    [1, 2, true],
    [2, 1, false],
  ] as const) {
    it(`depthwise: stride ${s}, dilation ${d}, ${same ? 'same' : 'valid'}; multiplier 2; bias`, () => {
      const xs = [2, 5, 6, 3];
      checkLayer(
        new DepthwiseConv2D({
          kernelSize: 3,
          strides: s,
          dilationRate: d,
          padding: same ? 'same' : 'valid',
          depthMultiplier: 2,
          biasInitializer: 'randomNormal',
        }),
        xs,
        (x, [f, b]) => depthwise64(x, xs, f!, [3, 3, 3, 2], s, d, same).out.map((v, i) => v + b![i % 6]!),
      );
    });
  }

  it('separable: depthwise then pointwise, tanh', () => {
    const xs = [1, 5, 5, 2];
    checkLayer(
      new SeparableConv2D({ filters: 3, kernelSize: 2, padding: 'same', activation: 'tanh', biasInitializer: 'randomNormal' }),
      xs,
      (x, [dw, pw, b]) => {
        const { out, shape } = depthwise64(x, xs, dw!, [2, 2, 2, 1], 1, 1, true);
        const cm = shape[3]!;
        const res: number[] = [];
        for (let p = 0; p < out.length / cm; p++)
          for (let o = 0; o < 3; o++) {
            let acc = b![o]!;
            for (let k = 0; k < cm; k++) acc += out[p * cm + k]! * pw![k * 3 + o]!;
            res.push(Math.tanh(acc));
          }
        return res;
      },
    );
  });

  it('the depthwiseConv2d op names bad shapes', () => {
    const x = tensor(values(2 * 4 * 4 * 3, 1), [2, 4, 4, 3]);
    const f = tensor(values(3 * 3 * 2, 2), [3, 3, 2, 1]);
    expect(() => depthwiseConv2d(x, f)).toThrow(/the filter has 2 input channels but x has 3/);
    x.dispose();
    f.dispose();
  });
});

describe('Conv2DTranspose matches a float64 reference', () => {
  for (const [s, same] of [
    [1, false],
    [2, false],
    [2, true],
  ] as const) {
    it(`stride ${s}, ${same ? 'same' : 'valid'}`, () => {
      const xs = [2, 3, 3, 2];
      const k = 3;
      const f = 4;
      const oh = same ? 3 * s : (3 - 1) * s + k;
      // The transpose of conv2d(out → in): in position iy reads out rows iy·s + ky - pad.
      const pad = same ? Math.floor(Math.max(0, (3 - 1) * s + k - oh) / 2) : 0;
      checkLayer(
        new Conv2DTranspose({ filters: f, kernelSize: k, strides: s, padding: same ? 'same' : 'valid', biasInitializer: 'randomNormal' }),
        xs,
        (x, [w, b]) => {
          const out = new Array<number>(2 * oh * oh * f).fill(0);
          for (let n = 0; n < 2; n++)
            for (let iy = 0; iy < 3; iy++)
              for (let ix = 0; ix < 3; ix++)
                for (let ic = 0; ic < 2; ic++)
                  for (let ky = 0; ky < k; ky++)
                    for (let kx = 0; kx < k; kx++) {
                      const oy = iy * s + ky - pad;
                      const ox = ix * s + kx - pad;
                      if (oy < 0 || oy >= oh || ox < 0 || ox >= oh) continue;
                      for (let o = 0; o < f; o++)
                        out[at([2, oh, oh, f], [n, oy, ox, o])]! += x[at(xs, [n, iy, ix, ic])]! * w![at([k, k, f, 2], [ky, kx, o, ic])]!;
                    }
          return out.map((v, i) => v + b![i % f]!);
        },
      );
    });
  }
});

describe('configs, save/load, bad input', () => {
  it('round-trip bit-identically; weights named as Keras orders them', async () => {
    const m = new Sequential({
      layers: [
        new Conv2DTranspose({ filters: 2, kernelSize: 2, strides: 2, inputShape: [3, 3, 1] }),
        new DepthwiseConv2D({ kernelSize: 3, padding: 'same', depthMultiplier: 2 }),
        new SeparableConv2D({ filters: 3, kernelSize: 2 }),
      ],
    });
    m.build();
    expect(m.weights.map((w) => w.name.split('/')[1])).toEqual(['kernel', 'bias', 'depthwiseKernel', 'bias', 'depthwiseKernel', 'pointwiseKernel', 'bias']);
    expect(m.outputShape).toEqual([null, 5, 5, 3]);
    for (const l of m.layers) {
      const again = deserializeLayer({ className: l.className, config: l.getConfig() });
      expect(again.getConfig()).toEqual({ ...l.getConfig(), name: again.name });
    }
    await m.save('memory://conv-variants');
    const loaded = await loadModel('memory://conv-variants');
    const x = tensor(values(18, 3), [2, 3, 3, 1]);
    const a = m.predict(x);
    const b = loaded.predict(x);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    for (const t of [x, a, b]) t.dispose();
    m.dispose();
    loaded.dispose();
  });

  it('names bad input', () => {
    expect(() => new DepthwiseConv2D({ kernelSize: 3 }).apply(input({ shape: [4, 4] }))).toThrow(/needs NHWC inputs \[batch, height, width, channels\]/);
    expect(() => new Conv2DTranspose({ filters: 0, kernelSize: 2 })).toThrow(/filters must be a positive integer, got 0/);
    expect(() => new SeparableConv2D({ filters: 2, kernelSize: 2, padding: 'full' as never })).toThrow(/padding must be 'same' or 'valid'/);
  });
});
