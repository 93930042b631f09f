// Pooling 1-D and global, padding/cropping/upsampling, RepeatVector, Permute,
// Conv1D, LayerNormalization and the advanced activations: forward and
// gradients against float64 references; configs round-trip; bad input.
import { describe, expect, it } from 'vitest';
import {
  Activation,
  AveragePooling1D,
  Conv1D,
  Conv2D,
  Cropping2D,
  Dense,
  ELU,
  Embedding,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  LayerNormalization,
  LeakyReLU,
  MaxPooling1D,
  Permute,
  PReLU,
  ReLU,
  RepeatVector,
  Sequential,
  Softmax,
  ThresholdedReLU,
  UpSampling2D,
  ZeroPadding2D,
  deserializeLayer,
  input,
  loadModel,
  setSeed,
  tensor,
  getInitializer,
  type Layer,
  type LayerConfig,
  type Tensor,
} from './helpers.js';
import { checkLayer, values } from './check_layer.js';
import { act64, conv64, type Act } from './ref64.js';

/** Index of [i0, i1, …] in a row-major array of `shape`. */
const at = (shape: readonly number[], idx: readonly number[]): number => idx.reduce((s, v, k) => s * shape[k]! + v, 0);
/** Every index of `shape`, row-major. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  for (let f = 0; f < n; f++) {
    const idx: number[] = [];
    let r = f;
    for (let k = shape.length - 1; k >= 0; k--) {
      idx.unshift(r % shape[k]!);
      r = Math.floor(r / shape[k]!);
    }
    yield idx;
  }
}
/** The classes of this group (the configs test covers each). */
const GROUP = [
  'Embedding',
  'ZeroPadding2D',
  'Cropping2D',
  'UpSampling2D',
  'GlobalAveragePooling1D',
  'GlobalMaxPooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'MaxPooling1D',
  'AveragePooling1D',
  'LayerNormalization',
  'RepeatVector',
  'Permute',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'ELU',
  'ThresholdedReLU',
  'Softmax',
];
const map = (outShape: number[], f: (idx: number[]) => number): number[] => [...indices(outShape)].map(f);

/**
 * Keras' bilinear UpSampling2D (tf.image.resize, half-pixel centres) of NHWC `x`:
 * output row i samples input row (i + 0.5) / sh - 0.5 clamped to [0, h - 1]
 * (columns likewise), mixing the two neighbours linearly.
 */
function bilinear64(x: number[], [n, h, w, c]: number[], sh: number, sw: number): number[] {
  const source = (i: number, scale: number, size: number): [number, number, number] => {
    const p = Math.min(Math.max((i + 0.5) / scale - 0.5, 0), size - 1);
    const lo = Math.floor(p);
    return [lo, Math.min(lo + 1, size - 1), p - lo];
  };
  return map([n!, h! * sh, w! * sw, c!], ([b, i, j, ch]) => {
    const [y0, y1, ty] = source(i!, sh, h!);
    const [x0, x1, tx] = source(j!, sw, w!);
    const v = (y: number, xx: number): number => x[at([n!, h!, w!, c!], [b!, y, xx, ch!])]!;
    return (1 - ty) * ((1 - tx) * v(y0, x0) + tx * v(y0, x1)) + ty * ((1 - tx) * v(y1, x0) + tx * v(y1, x1));
  });
}

describe('weightless layers match float64 references, forward and backward', () => {
  it('MaxPooling1D, AveragePooling1D (valid, same, strides), global pools 1D and 2D', () => {
    const s = [2, 5, 3];
    const pool1d = (kind: 'max' | 'avg', size: number, stride: number, same: boolean) => (x: number[]) => {
      const steps = same ? Math.ceil(5 / stride) : Math.floor((5 - size) / stride) + 1;
      const padTotal = same ? Math.max(0, (steps - 1) * stride + size - 5) : 0;
      const start = Math.floor(padTotal / 2);
      return map([2, steps, 3], ([b, t, c]) => {
        const vals: number[] = [];
        for (let k = 0; k < size; k++) {
          const p = t! * stride + k - start;
          if (p >= 0 && p < 5) vals.push(x[at(s, [b!, p, c!])]!);
        }
        return kind === 'max' ? Math.max(...vals) : vals.reduce((a, v) => a + v, 0) / vals.length;
      });
    };
    checkLayer(new MaxPooling1D({ poolSize: 2 }), s, pool1d('max', 2, 2, false));
    checkLayer(new AveragePooling1D({ poolSize: 3, strides: 1 }), s, pool1d('avg', 3, 1, false));
    checkLayer(new AveragePooling1D({ poolSize: 2, padding: 'same' }), s, pool1d('avg', 2, 2, true));
    const global = (shape: number[], kind: 'max' | 'avg') => (x: number[]) => {
      const c = shape[shape.length - 1]!;
      const per = shape.slice(1, -1).reduce((a, b) => a * b, 1);
      return map([shape[0]!, c], ([b, ch]) => {
        const vals = Array.from({ length: per }, (_, i) => x[(b! * per + i) * c + ch!]!);
        return kind === 'max' ? Math.max(...vals) : vals.reduce((a, v) => a + v, 0) / per;
      });
    };
    checkLayer(new GlobalAveragePooling1D(), s, global(s, 'avg'));
    checkLayer(new GlobalMaxPooling1D(), s, global(s, 'max'));
    checkLayer(new GlobalAveragePooling2D(), [2, 3, 2, 2], global([2, 3, 2, 2], 'avg'));
    checkLayer(new GlobalMaxPooling2D(), [2, 3, 2, 2], global([2, 3, 2, 2], 'max'));
  });

  it('ZeroPadding2D, Cropping2D, UpSampling2D, RepeatVector, Permute', () => {
    const s = [1, 3, 4, 2];
    checkLayer(
      new ZeroPadding2D({
        padding: [
          [1, 0],
          [2, 1],
        ],
      }),
      s,
      (x) => map([1, 4, 7, 2], ([b, h, w, c]) => (h! >= 1 && w! >= 2 && w! < 6 ? x[at(s, [b!, h! - 1, w! - 2, c!])]! : 0)),
    );
    checkLayer(
      new Cropping2D({
        cropping: [
          [1, 0],
          [0, 2],
        ],
      }),
      s,
      (x) => map([1, 2, 2, 2], ([b, h, w, c]) => x[at(s, [b!, h! + 1, w!, c!])]!),
    );
    checkLayer(new UpSampling2D({ size: [2, 3] }), s, (x) => map([1, 6, 12, 2], ([b, h, w, c]) => x[at(s, [b!, Math.floor(h! / 2), Math.floor(w! / 3), c!])]!));
    checkLayer(new UpSampling2D({ size: [2, 3], interpolation: 'bilinear' }), s, (x) => bilinear64(x, s, 2, 3));
    checkLayer(new UpSampling2D({ size: 3, interpolation: 'bilinear' }), [2, 1, 2, 1], (x) => bilinear64(x, [2, 1, 2, 1], 3, 3));
    // Keras' (TensorFlow's) documented 2×2 → 4×4 case; tfjs' resizeBilinear without half-pixel centres gives 1, 1.5, 2, 2 along a row instead.
    const square = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    const up = new UpSampling2D({ interpolation: 'bilinear' }).apply(square);
    expect(Array.from(up.dataSync())).toEqual([1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]);
    for (const t of [square, up]) t.dispose();
    checkLayer(new RepeatVector({ n: 3 }), [2, 4], (x) => map([2, 3, 4], ([b, , f]) => x[b! * 4 + f!]!));
    checkLayer(new Permute({ dims: [3, 1, 2] }), [2, 3, 4, 5], (x) => map([2, 5, 3, 4], ([b, i, j, k]) => x[at([2, 3, 4, 5], [b!, j!, k!, i!])]!));
  });
});

describe('Conv1D and LayerNormalization match float64 references', () => {
  const conv1d64 = (
    x: number[],
    w: number[],
    bias: number[],
    [n, steps, c]: number[],
    k: number,
    f: number,
    stride: number,
    dil: number,
    mode: 'valid' | 'same' | 'causal',
  ) => {
    const eff = (k - 1) * dil + 1;
    let outSteps: number;
    let start: number;
    if (mode === 'valid') {
      outSteps = Math.floor((steps! - eff) / stride) + 1;
      start = 0;
    } else if (mode === 'same') {
      outSteps = Math.ceil(steps! / stride);
      start = Math.floor(Math.max(0, (outSteps - 1) * stride + eff - steps!) / 2);
    } else {
      outSteps = Math.floor((steps! + eff - 1 - eff) / stride) + 1;
      start = eff - 1;
    }
    return map([n!, outSteps, f], ([b, t, o]) => {
      let acc = bias[o!]!;
      for (let q = 0; q < k; q++) {
        const p = t! * stride + q * dil - start;
        if (p < 0 || p >= steps!) continue;
        for (let ch = 0; ch < c!; ch++) acc += x[at([n!, steps!, c!], [b!, p, ch])]! * w[at([k, c!, f], [q, ch, o!])]!;
      }
      return acc;
    });
  };
  const bias = { biasInitializer: 'randomNormal' as const };
  for (const [mode, stride, dil] of [
    ['valid', 1, 1],
    ['same', 2, 1],
    ['causal', 1, 2],
    ['valid', 1, 2],
  ] as const) {
    it(`Conv1D ${mode}, stride ${stride}, dilation ${dil}`, () => {
      checkLayer(new Conv1D({ filters: 2, kernelSize: 3, strides: stride, dilationRate: dil, padding: mode, ...bias }), [2, 7, 3], (x, [w, b]) =>
        conv1d64(x, w!, b!, [2, 7, 3], 3, 2, stride, dil, mode),
      );
    });
  }

  it('LayerNormalization over the last axis and over two axes', () => {
    const ln64 = (x: number[], shape: number[], axes: number[], g?: number[], b?: number[]) => {
      const groups = new Map<string, number[]>();
      for (const idx of indices(shape)) {
        const key = idx.filter((_, k) => !axes.includes(k)).join(',');
        groups.set(key, [...(groups.get(key) ?? []), at(shape, idx)]);
      }
      const out = new Array<number>(x.length);
      for (const members of groups.values()) {
        const m = members.reduce((s, i) => s + x[i]!, 0) / members.length;
        const v = members.reduce((s, i) => s + (x[i]! - m) ** 2, 0) / members.length;
        members.forEach((i, k) => {
          out[i] = ((x[i]! - m) / Math.sqrt(v + 1e-3)) * (g ? g[k]! : 1) + (b ? b[k]! : 0);
        });
      }
      return out;
    };
    const ln = new LayerNormalization();
    checkLayer(ln, [3, 4], (x, [g, b]) => ln64(x, [3, 4], [1], g, b));
    const ln2 = new LayerNormalization({ axis: [1, 2], center: false });
    checkLayer(ln2, [2, 3, 2], (x, [g]) => ln64(x, [2, 3, 2], [1, 2], g));
    // A middle axis and a pair that skips one: gamma and beta span only the normalized axes (Keras' shapes), broadcast over the rest.
    const onAxis = (shape: number[], axes: number[], x: number[], g: number[], b: number[]) => {
      const kept = shape.filter((_, k) => axes.includes(k));
      const pick = (w: number[]) =>
        [...indices(shape)].map(
          (idx) =>
            w[
              at(
                kept,
                idx.filter((_, k) => axes.includes(k)),
              )
            ]!,
        );
      const gs = pick(g);
      const bs = pick(b);
      const plain = ln64(x, shape, axes);
      return plain.map((v, i) => v * gs[i]! + bs[i]!);
    };
    const init = { gammaInitializer: 'randomNormal', betaInitializer: 'randomNormal' } as const;
    const ln3 = new LayerNormalization({ axis: 1, ...init });
    checkLayer(ln3, [2, 3, 2], (x, [g, b]) => onAxis([2, 3, 2], [1], x, g!, b!));
    const ln4 = new LayerNormalization({ axis: [-1, 1], ...init });
    checkLayer(ln4, [2, 2, 3, 2], (x, [g, b]) => onAxis([2, 2, 3, 2], [1, 3], x, g!, b!));
    expect(new LayerNormalization({ axis: [1, 3] }).weightShapes([null, 2, 3, 4])).toEqual([
      { name: 'gamma', shape: [2, 4] },
      { name: 'beta', shape: [2, 4] },
    ]);
  });
});

describe('advanced activation layers match float64 references', () => {
  it('ReLU (cap, slope, threshold), LeakyReLU, PReLU (learned, shared), ELU, ThresholdedReLU, Softmax on a middle axis', () => {
    const s = [3, 4];
    const each = (f: (v: number) => number) => (x: number[]) => x.map(f);
    checkLayer(
      new ReLU({ maxValue: 0.5, negativeSlope: 0.1, threshold: 0.2 }),
      s,
      each((v) => (v > 0.2 ? Math.min(v, 0.5) : 0.1 * (v - 0.2))),
    );
    checkLayer(
      new ReLU({ negativeSlope: 0.3 }),
      s,
      each((v) => (v > 0 ? v : 0.3 * v)),
    );
    checkLayer(
      new LeakyReLU({ alpha: 0.2 }),
      s,
      each((v) => (v > 0 ? v : 0.2 * v)),
    );
    // A slope above 1 (where max(x, alpha·x) would be wrong).
    checkLayer(
      new LeakyReLU({ alpha: 1.5 }),
      s,
      each((v) => (v > 0 ? v : 1.5 * v)),
    );
    checkLayer(
      new ELU({ alpha: 0.7 }),
      s,
      each((v) => (v > 0 ? v : 0.7 * Math.expm1(v))),
    );
    checkLayer(
      new ThresholdedReLU({ theta: 0.3 }),
      s,
      each((v) => (v > 0.3 ? v : 0)),
    );
    checkLayer(new PReLU({ alphaInitializer: { className: 'RandomUniform', config: { minval: 0.1, maxval: 0.4, seed: 3 } } }), s, (x, [a]) =>
      x.map((v, i) => (v > 0 ? v : a![i % 4]! * v)),
    );
    checkLayer(new PReLU({ sharedAxes: [1, 2], alphaInitializer: { className: 'Constant', config: { value: 0.25 } } }), [2, 3, 2, 2], (x, [a]) =>
      x.map((v, i) => (v > 0 ? v : a![i % 2]! * v)),
    );
    checkLayer(new Softmax({ axis: 1 }), [2, 3, 2], (x) =>
      map([2, 3, 2], ([b, k, j]) => {
        const col = [0, 1, 2].map((q) => x[at([2, 3, 2], [b!, q, j!])]!);
        const mx = Math.max(...col);
        return Math.exp(col[k!]! - mx) / col.reduce((acc, v) => acc + Math.exp(v - mx), 0);
      }),
    );
  });
});

describe('the activations added by name (Activation, Conv2D; Dense in layers.test.ts)', () => {
  const added: Act[] = ['relu6', 'selu', 'gelu', 'swish', 'hardSigmoid', 'softsign', 'mish'];
  it('Activation layers and Conv2D (its unfused tail) match float64 references', () => {
    // Inputs in [-8, 8] reach relu6's cap and hardSigmoid's flat ends.
    for (const act of added) checkLayer(new Activation({ activation: act }), [4, 6], (x) => x.map((v) => act64(act, v)), 2e-3, 8);
    setSeed(6);
    for (const act of ['gelu', 'swish'] as const) {
      checkLayer(new Conv2D({ filters: 2, kernelSize: 2, activation: act, biasInitializer: 'randomNormal' }), [1, 3, 3, 2], (x, [w, b]) =>
        conv64(x, w!, b!, [1, 3, 3, 2], [2, 2, 2, 2], 1, 'valid').out.map((v) => act64(act, v)),
      );
    }
  });

  it('each is within float32 rounding of its float64 reference on [-8, 8] (gelu: the exact erf form, erf by Abramowitz & Stegun 7.1.26)', () => {
    const xs = Array.from({ length: 321 }, (_, i) => Math.fround(-8 + i * 0.05));
    const x = tensor(xs);
    for (const act of added) {
      const y = new Activation({ activation: act }).apply(x);
      Array.from(y.dataSync()).forEach((v, i) => {
        expect(Math.abs(v - act64(act, xs[i]!)), `${act}(${xs[i]})`).toBeLessThan(1e-6 * Math.max(1, Math.abs(xs[i]!)));
      });
      y.dispose();
    }
    x.dispose();
  });
});

describe('logSoftmax by name and the Identity initializer (both named by TensorFlow.js files)', () => {
  it('logSoftmax is log(softmax) over the last axis, within float32 rounding of float64', () => {
    const rows = [
      [1, 2, 3],
      [-50, 0, 50],
      [0.25, 0.25, 0.25],
    ];
    const x = tensor(rows);
    const y = new Activation({ activation: 'logSoftmax' }).apply(x);
    const got = Array.from(y.dataSync());
    rows.forEach((r, i) => {
      const m = Math.max(...r);
      const lse = m + Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0));
      r.forEach((v, j) => expect(Math.abs(got[i * 3 + j]! - (v - lse)), `row ${i} col ${j}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(v - lse))));
    });
    x.dispose();
    y.dispose();
  });

  it('identity gives gain·I for square kernels and refuses other shapes', () => {
    const init = getInitializer({ className: 'Identity', config: { gain: 2.5 } });
    const w = init.apply([3, 3]);
    expect(Array.from(w.dataSync())).toEqual([2.5, 0, 0, 0, 2.5, 0, 0, 0, 2.5]);
    w.dispose();
    expect(init.getConfig()).toEqual({ gain: 2.5 });
    expect(() => init.apply([3, 4])).toThrow(/Identity initializer: needs a square 2-D weight, got \[3,4\]/);
  });
});

describe('configs, save/load and bad input', () => {
  it('every layer here rebuilds from new Cls(layer.getConfig()) with the same config', () => {
    const layersToCheck: Layer[] = [
      new Embedding({ inputDim: 9, outputDim: 3, maskZero: true, inputLength: 4, embeddingsInitializer: 'glorotUniform' }),
      new ZeroPadding2D({
        padding: [
          [1, 0],
          [2, 1],
        ],
      }),
      new Cropping2D({ cropping: [1, 2] }),
      new UpSampling2D({ size: [2, 3], interpolation: 'bilinear' }),
      new GlobalAveragePooling1D(),
      new GlobalMaxPooling1D(),
      new GlobalAveragePooling2D(),
      new GlobalMaxPooling2D({ dataFormat: 'channelsLast' }),
      new MaxPooling1D({ poolSize: 3, strides: 1, padding: 'same' }),
      new AveragePooling1D({ poolSize: 2 }),
      new LayerNormalization({ axis: [1, -1], epsilon: 1e-5, center: false, gammaInitializer: 'randomNormal' }),
      new RepeatVector({ n: 4 }),
      new Permute({ dims: [2, 3, 1] }),
      new ReLU({ maxValue: 6, negativeSlope: 0.1, threshold: 0.5 }),
      new LeakyReLU({ alpha: 0.1 }),
      new PReLU({ sharedAxes: [1, 2], alphaInitializer: 'ones' }),
      new ELU({ alpha: 0.5 }),
      new ThresholdedReLU({ theta: 0.7 }),
      new Softmax({ axis: 1 }),
    ];
    expect(new Set(layersToCheck.map((l) => l.className))).toEqual(new Set(GROUP));
    for (const l of layersToCheck) {
      const Cls = l.constructor as new (config: LayerConfig) => Layer;
      const config = l.getConfig();
      expect(new Cls(config).getConfig()).toEqual(config);
      expect(deserializeLayer({ className: l.className, config }).getConfig()).toEqual(config);
    }
    expect(new UpSampling2D().getConfig()).toMatchObject({ size: [2, 2], interpolation: 'nearest', dataFormat: 'channelsLast' });
  });

  /** Save and load `m`; the loaded model predicts bit-identically and prints the same summary. */
  async function roundTrip(m: Sequential, x: Tensor): Promise<void> {
    await m.save(`memory://${m.name}`);
    const loaded = await loadModel(`memory://${m.name}`);
    const a = m.predict(x);
    const b = loaded.predict(x);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(loaded.summary(() => {})).toEqual(m.summary(() => {}));
    for (const t of [x, a, b]) t.dispose();
    m.dispose();
    loaded.dispose();
  }

  it('models of them round-trip through save/load bit-identically; summary rows as Keras counts parameters', async () => {
    setSeed(21);
    const seq = new Sequential({
      name: 'seq1d',
      layers: [
        new Conv1D({ filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 2, inputShape: [9, 2] }),
        new LayerNormalization({ name: 'ln' }),
        new PReLU({ sharedAxes: [1], name: 'prelu' }),
        new MaxPooling1D({ poolSize: 2, name: 'max1d' }),
        new GlobalMaxPooling1D(),
        new RepeatVector({ n: 2, name: 'rep' }),
        new Permute({ dims: [2, 1], name: 'perm' }),
        new Softmax({ axis: -1 }),
        new GlobalAveragePooling1D({ name: 'gavg1d' }),
        new ReLU({ maxValue: 6, name: 'relu' }),
      ],
    });
    seq.build();
    const rows1 = seq.summary(() => {});
    expect(rows1).toMatch(/\nln \(LayerNormalization\)\s+\[null,9,4\]\s+8\n/);
    expect(rows1).toMatch(/\nprelu \(PReLU\)\s+\[null,9,4\]\s+4\n/); // one slope per channel: time is shared
    expect(rows1).toMatch(/\nmax1d \(MaxPooling1D\)\s+\[null,4,4\]\s+0\n/);
    expect(rows1).toMatch(/\nrep \(RepeatVector\)\s+\[null,2,4\]\s+0\n/);
    expect(rows1).toMatch(/\nperm \(Permute\)\s+\[null,4,2\]\s+0\n/);
    expect(rows1).toMatch(/\ngavg1d \(GlobalAveragePooling1D\)\s+\[null,2\]\s+0\n/);
    expect(rows1).toMatch(/\nrelu \(ReLU\)\s+\[null,2\]\s+0\n/);
    await roundTrip(seq, tensor(values(2 * 9 * 2, 4), [2, 9, 2]));

    const images = new Sequential({
      name: 'images',
      layers: [
        new ZeroPadding2D({ padding: 1, inputShape: [5, 4, 2], name: 'pad' }),
        new Cropping2D({
          cropping: [
            [1, 0],
            [0, 1],
          ],
          name: 'crop',
        }),
        new UpSampling2D({ size: [2, 1], interpolation: 'bilinear', name: 'up' }),
        new LeakyReLU({ alpha: 0.2, name: 'leaky' }),
        new PReLU({ sharedAxes: [1, 2], alphaInitializer: { className: 'RandomUniform', config: { minval: 0.1, maxval: 0.3 } }, name: 'prelu2' }),
        new ELU({ name: 'elu' }),
        new ThresholdedReLU({ theta: 0.05, name: 'thr' }),
        new UpSampling2D({ name: 'near' }),
        new GlobalMaxPooling2D({ name: 'gmax' }),
      ],
    });
    const rows2 = images.summary(() => {});
    expect(rows2).toMatch(/\npad \(ZeroPadding2D\)\s+\[null,7,6,2\]\s+0\n/);
    expect(rows2).toMatch(/\ncrop \(Cropping2D\)\s+\[null,6,5,2\]\s+0\n/);
    expect(rows2).toMatch(/\nup \(UpSampling2D\)\s+\[null,12,5,2\]\s+0\n/);
    expect(rows2).toMatch(/\nprelu2 \(PReLU\)\s+\[null,12,5,2\]\s+2\n/);
    expect(rows2).toMatch(/\nthr \(ThresholdedReLU\)\s+\[null,12,5,2\]\s+0\n/);
    expect(rows2).toMatch(/\nnear \(UpSampling2D\)\s+\[null,24,10,2\]\s+0\n/);
    expect(rows2).toMatch(/\ngmax \(GlobalMaxPooling2D\)\s+\[null,2\]\s+0\n/);
    await roundTrip(images, tensor(values(3 * 5 * 4 * 2, 5), [3, 5, 4, 2]));

    const ids = new Sequential({
      name: 'ids',
      layers: [
        new Embedding({ inputDim: 10, outputDim: 4, inputLength: 6, name: 'emb' }),
        new LayerNormalization({ axis: 1, gammaInitializer: 'randomNormal', name: 'ln_time' }),
        new AveragePooling1D({ poolSize: 2, name: 'avg1d' }),
        new Activation({ activation: 'gelu', name: 'gelu' }),
        new Conv1D({ filters: 3, kernelSize: 1 }),
        new GlobalAveragePooling1D(),
        new Dense({ units: 2, activation: 'selu', name: 'dense_selu' }),
      ],
    });
    const rows3 = ids.summary(() => {});
    expect(rows3).toMatch(/\nemb \(Embedding\)\s+\[null,6,4\]\s+40\n/);
    expect(rows3).toMatch(/\nln_time \(LayerNormalization\)\s+\[null,6,4\]\s+12\n/); // gamma and beta of [6]
    expect(rows3).toMatch(/\navg1d \(AveragePooling1D\)\s+\[null,3,4\]\s+0\n/);
    expect(rows3).toMatch(/\ndense_selu \(Dense\)\s+\[null,2\]\s+8\n/);
    // Ids as float32 (a dataset's batches) give what int32 ids give.
    const idsInt = tensor([1, 2, 3, 0, 9, 4, 5, 5, 5, 8, 7, 6], [2, 6], 'int32');
    const idsFloat = tensor([1, 2, 3, 0, 9, 4, 5, 5, 5, 8, 7, 6], [2, 6]);
    const [pi, pf] = [ids.predict(idsInt), ids.predict(idsFloat)];
    expect(Array.from(pf.dataSync())).toEqual(Array.from(pi.dataSync()));
    for (const t of [idsFloat, pi, pf]) t.dispose();
    await roundTrip(ids, idsInt);
  });

  it('bad arguments and input shapes are named', () => {
    expect(() => new ZeroPadding2D({ padding: -1 })).toThrow(/padding must be n, \[rows, cols\] or \[\[top, bottom\], \[left, right\]\]/);
    expect(() => new Cropping2D({ cropping: 2 }).apply(input({ shape: [3, 3, 1] }))).toThrow(/leaves nothing of \[null,3,3,1\]/);
    const small = tensor(values(4, 1), [1, 2, 2, 1]);
    expect(() => new Cropping2D({ cropping: 1 }).apply(small)).toThrow(/cropping \[\[1,1\],\[1,1\]\] leaves nothing of \[null,2,2,1\]/);
    small.dispose();
    expect(() => new Permute({ dims: [1, 3] })).toThrow(/dims must be a permutation of 1\.\.n/);
    expect(() => new Conv1D({ filters: 2, kernelSize: 3, padding: 'full' as never })).toThrow(/padding must be 'same', 'valid' or 'causal'/);
    expect(() => new Conv1D({ filters: 2, kernelSize: 3 }).apply(input({ shape: [4] }))).toThrow(/needs inputs \[batch, steps, channels\]/);
    expect(() => new GlobalAveragePooling2D().apply(input({ shape: [4, 3] }))).toThrow(/needs inputs \[batch, height, width, channels\], got \[null,4,3\]/);
    expect(() => new GlobalMaxPooling1D().apply(input({ shape: [4, 3, 2] }))).toThrow(/needs inputs \[batch, steps, channels\], got \[null,4,3,2\]/);
    expect(() => new MaxPooling1D({ poolSize: 0 })).toThrow(/poolSize must be a positive integer, got 0/);
    expect(() => new AveragePooling1D({ padding: 'full' as never })).toThrow(/padding must be 'same' or 'valid', got 'full'/);
    expect(() => new LayerNormalization({ axis: 0 })).toThrow(/axis must be a non-zero integer/);
    expect(() => new LayerNormalization({ axis: [1, -1] }).apply(input({ shape: [3] }))).toThrow(
      /axis \[1,-1\] does not fit inputs \[null,3\] \(distinct, known, non-batch axes only\)/,
    );
    expect(() => new LayerNormalization({ axis: 2 }).apply(input({ shape: [3] }))).toThrow(/axis 2 does not fit inputs \[null,3\]/);
    expect(() => new LayerNormalization({ center: 'yes' as never })).toThrow(/center must be true or false, got 'yes'/);
    expect(() => new LayerNormalization({ epsilon: 0 })).toThrow(/epsilon must be a finite number > 0, got 0/);
    expect(() => new UpSampling2D({ interpolation: 'bicubic' as never })).toThrow(/interpolation 'bicubic' is not supported; use 'nearest' or 'bilinear'/);
    expect(() => new UpSampling2D({ size: [2, 0] })).toThrow(/size must be a positive integer, got 0/);
    expect(() => new ReLU({ maxValue: -1 })).toThrow(/maxValue must be a finite number ≥ 0, got -1/);
    expect(() => new ReLU({ threshold: -0.2 })).toThrow(/threshold must be a finite number ≥ 0, got -0.2/);
    expect(() => new LeakyReLU({ alpha: -1 })).toThrow(/alpha must be a finite number ≥ 0, got -1/);
    expect(() => new ELU({ alpha: Number.NaN })).toThrow(/alpha must be a finite number ≥ 0, got NaN/);
    expect(() => new ThresholdedReLU({ theta: -1 })).toThrow(/theta must be a finite number ≥ 0, got -1/);
    expect(() => new PReLU({ sharedAxes: [0] })).toThrow(/sharedAxes must be a list of axes ≥ 1 \(the batch axis excluded\), got \[0\]/);
    expect(() => new PReLU({ sharedAxes: [3] }).apply(input({ shape: [4, 2] }))).toThrow(
      /needs inputs of known size on every axis not shared, got \[null,4,2\]/,
    );
    expect(() => new Softmax({ axis: 0 })).toThrow(/axis must be a non-zero integer, got 0/);
    expect(() => new Softmax({ axis: 2 }).apply(input({ shape: [4] }))).toThrow(
      /\(Softmax\): axis 2 is not a non-batch axis of inputs \[null,4\]; use 1\.\.1 or -1\.\.-1/,
    );
    const row = tensor(values(6, 2), [2, 3]);
    expect(() => new Softmax({ axis: -2 }).apply(row)).toThrow(/axis -2 is not a non-batch axis of inputs \[null,3\]/);
    row.dispose();
    expect(() => new RepeatVector({ n: 2 }).apply(input({ shape: [2, 3] }))).toThrow(/needs inputs \[batch, features\]/);
    expect(() => new RepeatVector({ n: 0 })).toThrow(/n must be a positive integer, got 0/);
    expect(() => new Embedding({ inputDim: 0, outputDim: 2 })).toThrow(/inputDim must be a positive integer, got 0/);
    expect(() => new Embedding({ inputDim: 3, outputDim: 2, maskZero: 1 as never })).toThrow(/maskZero must be true or false, got 1/);
  });

  it('channels-first data is refused naming the layout to use', () => {
    const makers: Array<(a: { dataFormat: never }) => Layer> = [
      (a) => new ZeroPadding2D(a),
      (a) => new Cropping2D(a),
      (a) => new UpSampling2D(a),
      (a) => new GlobalAveragePooling1D(a),
      (a) => new GlobalMaxPooling1D(a),
      (a) => new GlobalAveragePooling2D(a),
      (a) => new GlobalMaxPooling2D(a),
      (a) => new MaxPooling1D(a),
      (a) => new AveragePooling1D(a),
    ];
    for (const make of makers) {
      expect(() => make({ dataFormat: 'channelsFirst' as never })).toThrow(
        /: dataFormat 'channelsFirst' is not supported; layers are channels-last only \(\[batch, \.\.\., channels\]\): transpose the data to channels-last/,
      );
      expect(make({ dataFormat: 'channelsLast' as never }).getConfig()['dataFormat']).toBe('channelsLast');
    }
  });
});
