import { describe, expect, it } from 'vitest';
import {
  Activation,
  AveragePooling2D,
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  GlobalAveragePooling2D,
  MaxPooling2D,
  Reshape,
  type Tensor,
  dropout,
  grads,
  memory,
  setSeed,
  sum,
  tensor,
  tidy,
  zeros,
} from './helpers.js';
import { act64, batchNorm64, conv64, dense64, pool64, type Act } from './ref64.js';
import { checkLayer, values } from './check_layer.js';

describe('layer gradients match float64 finite differences', () => {
  for (const act of [
    'linear',
    'relu',
    'sigmoid',
    'tanh',
    'elu',
    'softplus',
    'leakyRelu',
    'relu6',
    'selu',
    'gelu',
    'swish',
    'hardSigmoid',
    'softsign',
  ] as Act[]) {
    it(`Dense (${act})`, () => {
      setSeed(3);
      checkLayer(new Dense({ units: 3, activation: act, biasInitializer: 'randomNormal' }), [4, 5], (x, [w, b]) => dense64(x, w!, b!, 4, 5, 3, act));
    });
  }

  it('Conv2D same, stride 1', () => {
    setSeed(4);
    checkLayer(
      new Conv2D({ filters: 3, kernelSize: 3, padding: 'same', biasInitializer: 'randomNormal' }),
      [2, 5, 5, 2],
      (x, [w, b]) => conv64(x, w!, b!, [2, 5, 5, 2], [3, 3, 2, 3], 1, 'same').out,
    );
  });

  it('Conv2D valid, stride 2, tanh', () => {
    setSeed(5);
    checkLayer(new Conv2D({ filters: 2, kernelSize: [2, 2], strides: 2, activation: 'tanh' }), [1, 6, 6, 3], (x, [w, b]) =>
      conv64(x, w!, b!, [1, 6, 6, 3], [2, 2, 3, 2], 2, 'valid').out.map(Math.tanh),
    );
  });

  it('MaxPooling2D and AveragePooling2D', () => {
    checkLayer(new MaxPooling2D({ poolSize: 2 }), [2, 4, 4, 3], (x) => pool64(x, [2, 4, 4, 3], 2, 'max'));
    checkLayer(new AveragePooling2D({ poolSize: 2 }), [2, 4, 4, 3], (x) => pool64(x, [2, 4, 4, 3], 2, 'avg'));
  });

  it('BatchNormalization in training mode', () => {
    checkLayer(new BatchNormalization({ epsilon: 1e-3 }), [6, 4], (x, [g, b]) => batchNorm64(x, 4, g!, b!, 1e-3));
  });

  it('Flatten, Reshape, Activation', () => {
    checkLayer(new Flatten(), [2, 3, 2], (x) => x);
    checkLayer(new Reshape({ targetShape: [3, -1] }), [2, 6], (x) => x);
    checkLayer(new Activation({ activation: 'softplus' }), [3, 4], (x) => x.map((v) => act64('softplus', v)));
  });

  it('Dropout: the gradient is the mask scaled by 1/(1-rate)', () => {
    const layer = new Dropout({ rate: 0.5 });
    const x = tensor(values(200, 1), [10, 20]);
    setSeed(9);
    const y = tidy(() => layer.apply(x, { training: true }));
    setSeed(9);
    const [g] = grads((xi: Tensor) => sum(layer.apply(xi, { training: true })))([x]);
    const yv = y.dataSync();
    const xv = x.dataSync();
    Array.from(g!.dataSync()).forEach((gv, i) => expect(gv).toBe(yv[i] === 0 ? 0 : 2));
    yv.forEach((v, i) => expect(v === 0 || v === Math.fround(xv[i]! * 2)).toBe(true));
    const kept = Array.from(yv).filter((v) => v !== 0).length / yv.length;
    expect(kept).toBeGreaterThan(0.35);
    expect(kept).toBeLessThan(0.65);
    const inference = layer.apply(x, { training: false });
    expect(Array.from(inference.dataSync())).toEqual(Array.from(xv));
    for (const t of [x, y, g!, inference]) t.dispose();
  });

  it("dropout op: the Dropout layer's mask for the same seed; clear errors; nothing leaked", () => {
    const x = tensor(values(300, 3), [15, 20]);
    const before = memory();
    setSeed(4);
    const fromOp = dropout(x, 0.3);
    setSeed(4);
    const fromLayer = tidy(() => new Dropout({ rate: 0.3 }).apply(x, { training: true }));
    expect(Array.from(fromOp.dataSync())).toEqual(Array.from(fromLayer.dataSync()));
    const xv = x.dataSync();
    fromOp.dataSync().forEach((v, i) => expect(v === 0 || v === Math.fround(xv[i]! * Math.fround(1 / 0.7))).toBe(true));
    const same = dropout(x, 0);
    expect(Array.from(same.dataSync())).toEqual(Array.from(xv));
    const seeded = [dropout(x, 0.5, 11), dropout(x, 0.5, 11)];
    expect(Array.from(seeded[0]!.dataSync())).toEqual(Array.from(seeded[1]!.dataSync()));
    for (const t of [fromOp, fromLayer, same, ...seeded]) t.dispose();
    expect(() => dropout(x, 1)).toThrow('dropout: rate must be a number in [0, 1), got 1; it is the fraction of units to drop');
    expect(() => dropout(x, Number.NaN)).toThrow(/dropout: rate must be a number in \[0, 1\), got NaN/);
    const ints = zeros([3], 'int32');
    expect(() => dropout(ints, 0.5)).toThrow("dropout: 'x' has dtype int32 but dropout accepts float32; convert it with cast(x, 'float32')");
    ints.dispose();
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numDataIds).toBe(before.numDataIds);
    x.dispose();
    expect(() => dropout(x, 0.5)).toThrow(/dropout: .*disposed/);
  });
});

describe('default layer names', () => {
  it("follow Keras's rule from the registered className, so minified class names never show", () => {
    const names = [new Conv2D({ filters: 1, kernelSize: 1 }), new BatchNormalization(), new GlobalAveragePooling2D(), new MaxPooling2D({ poolSize: 2 })].map(
      (l) => l.name.replace(/_\d+$/, ''),
    );
    expect(names).toEqual(['conv2d', 'batch_normalization', 'global_average_pooling2d', 'max_pooling2d']);
    // what a minifier makes of a user's class: another constructor.name, the same static className
    const Minified = class extends Flatten {
      static override readonly className = 'MyConv2DLayer';
    };
    expect(Minified.name).toBe('Minified');
    expect(new Minified().name).toMatch(/^my_conv2d_layer_\d+$/);
  });
});
