// Pooling 1-D and global, padding/cropping/upsampling, RepeatVector, Permute,
// Conv1D, LayerNormalization and the advanced activations: forward and
// gradients against float64 references; configs round-trip; bad input.
import { describe, expect, it } from 'vitest';
import {
  AveragePooling1D,
  Conv1D,
  Cropping2D,
  ELU,
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
  tensor,
  type Layer,
} from './helpers.js';
import { checkLayer, values } from './check_layer.js';

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
const map = (outShape: number[], f: (idx: number[]) => number): number[] => [...indices(outShape)].map(f);

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
  });
});

describe('advanced activation layers match float64 references', () => {
  it('ReLU (cap, slope, threshold), LeakyReLU, PReLU (learned, shared), ELU, ThresholdedReLU, Softmax on a middle axis', () => {
    const s = [3, 4];
    const each = (f: (v: number) => number) => (x: number[]) => x.map(f);
    checkLayer(
      new ReLU({ maxValue: 0.5, negativeSlope: 0.1, threshold: -0.2 }),
      s,
      each((v) => Math.min(v > -0.2 ? v : 0.1 * (v + 0.2), 0.5)),
    );
    checkLayer(
      new LeakyReLU({ alpha: 0.2 }),
      s,
      each((v) => (v > 0 ? v : 0.2 * v)),
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

describe('configs, save/load and bad input', () => {
  it('every layer here rebuilds from its config, and a model of them round-trips bit-identically', async () => {
    const layersToCheck: Layer[] = [
      new Conv1D({ filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 2, inputShape: [9, 2] }),
      new LayerNormalization(),
      new PReLU({ sharedAxes: [1] }),
      new MaxPooling1D({ poolSize: 2 }),
      new GlobalMaxPooling1D(),
      new RepeatVector({ n: 2 }),
      new Permute({ dims: [2, 1] }),
      new Softmax({ axis: -1 }),
      new GlobalAveragePooling1D(),
      new ReLU({ maxValue: 6 }),
    ];
    const m = new Sequential({ layers: layersToCheck });
    m.build();
    for (const l of m.layers) {
      const again = deserializeLayer({ className: l.className, config: l.getConfig() });
      expect(again.getConfig()).toEqual({ ...l.getConfig(), name: again.name });
      again.dispose();
    }
    await m.save('memory://more');
    const loaded = await loadModel('memory://more');
    const x = tensor(values(2 * 9 * 2, 4), [2, 9, 2]);
    const a = m.predict(x);
    const b = loaded.predict(x);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    for (const t of [x, a, b]) t.dispose();
    m.dispose();
    loaded.dispose();
  });

  it('bad arguments and input shapes are named', () => {
    expect(() => new ZeroPadding2D({ padding: -1 })).toThrow(/padding must be n, \[rows, cols\] or \[\[top, bottom\], \[left, right\]\]/);
    expect(() => new Cropping2D({ cropping: 2 }).apply(input({ shape: [3, 3, 1] }))).toThrow(/leaves nothing of \[null,3,3,1\]/);
    expect(() => new Permute({ dims: [1, 3] })).toThrow(/dims must be a permutation of 1\.\.n/);
    expect(() => new Conv1D({ filters: 2, kernelSize: 3, padding: 'full' as never })).toThrow(/padding must be 'same', 'valid' or 'causal'/);
    expect(() => new Conv1D({ filters: 2, kernelSize: 3 }).apply(input({ shape: [4] }))).toThrow(/needs inputs \[batch, steps, channels\]/);
    expect(() => new GlobalAveragePooling2D().apply(input({ shape: [4, 3] }))).toThrow(/needs inputs \[batch, height, width, channels\], got \[null,4,3\]/);
    expect(() => new LayerNormalization({ axis: 0 })).toThrow(/axis must be a non-zero integer/);
    expect(() => new UpSampling2D({ interpolation: 'bilinear' as never })).toThrow(/interpolation "bilinear" is not supported/);
    expect(() => new ReLU({ maxValue: -1 })).toThrow(/maxValue must be a finite number ≥ 0, got -1/);
    expect(() => new RepeatVector({ n: 2 }).apply(input({ shape: [2, 3] }))).toThrow(/needs inputs \[batch, features\]/);
  });
});
