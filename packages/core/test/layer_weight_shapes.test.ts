// Layer.weightShapes lists what build() creates without allocating: model
// loading trusts it to check files before building, so it must agree with
// build() for every layer class, and refuse the inputs build() refuses.
import { describe, expect, it } from 'vitest';
import {
  deserializeLayer,
  input,
  isShapeList,
  layerClassNames,
  loadModel,
  memory,
  model,
  tensor,
  type LayerConfig,
  type Model,
  type Shape,
  type Shapes,
  type Tensor,
} from './helpers.js';

// Layers are made as loading makes them, from { className, config }.
const make = (className: string, config: LayerConfig = {}) => deserializeLayer({ className, config });

const cases: Array<[string, LayerConfig, Shapes]> = [
  ['Dense', { units: 5 }, [null, 3]],
  ['Dense', { units: 2, useBias: false }, [null, 4, 7]],
  ['Conv2D', { filters: 4, kernelSize: [3, 2] }, [null, 8, 8, 3]],
  ['Conv2D', { filters: 1, kernelSize: 1, useBias: false }, [null, 2, 2, 5]],
  ['BatchNormalization', {}, [null, 4, 6]],
  ['BatchNormalization', { center: false, scale: false }, [null, 3]],
  ['MaxPooling2D', {}, [null, 4, 4, 2]],
  ['AveragePooling2D', { poolSize: 3, padding: 'same' }, [null, 5, 5, 1]],
  ['Flatten', {}, [null, 2, 3]],
  ['Reshape', { targetShape: [3, -1] }, [null, 6]],
  ['Activation', { activation: 'relu' }, [null, 3]],
  ['Dropout', { rate: 0.5 }, [null, 3]],
  ['InputLayer', { batchInputShape: [null, 4], dtype: 'float32' }, [null, 4]],
  [
    'Add',
    {},
    [
      [null, 3],
      [null, 3],
    ],
  ],
  [
    'Subtract',
    {},
    [
      [null, 3],
      [null, 3],
    ],
  ],
  [
    'Multiply',
    {},
    [
      [null, 2, 3],
      [null, 1, 3],
    ],
  ],
  [
    'Average',
    {},
    [
      [null, 3],
      [null, 3],
      [null, 3],
    ],
  ],
  [
    'Maximum',
    {},
    [
      [null, 3],
      [null, 3],
    ],
  ],
  [
    'Minimum',
    {},
    [
      [null, 3],
      [null, 3],
    ],
  ],
  [
    'Concatenate',
    { axis: -1 },
    [
      [null, 2],
      [null, 3],
    ],
  ],
  [
    'Dot',
    { axes: 1 },
    [
      [null, 4],
      [null, 4],
    ],
  ],
  ['Embedding', { inputDim: 7, outputDim: 3 }, [null, 5]],
  ['SimpleRNN', { units: 3 }, [null, 4, 2]],
  ['LSTM', { units: 3, useBias: false }, [null, null, 2]],
  [
    'GRU',
    { units: 2 },
    [
      [null, 4, 3],
      [null, 2],
    ],
  ],
  ['GRU', { units: 2, resetAfter: false }, [null, 4, 3]],
  ['Bidirectional', { layer: { className: 'LSTM', config: { units: 2 } } }, [null, 4, 3]],
  [
    'Bidirectional',
    { layer: { className: 'GRU', config: { units: 2, resetAfter: false } } },
    [
      [null, 4, 3],
      [null, 2],
      [null, 2],
    ],
  ],
  ['TimeDistributed', { layer: { className: 'Dense', config: { units: 2 } } }, [null, 4, 3]],
  ['MaxPooling1D', {}, [null, 6, 2]],
  ['AveragePooling1D', { poolSize: 3, padding: 'same' }, [null, 5, 2]],
  ['GlobalAveragePooling1D', {}, [null, 5, 2]],
  ['GlobalMaxPooling1D', {}, [null, 5, 2]],
  ['GlobalAveragePooling2D', {}, [null, 3, 3, 2]],
  ['GlobalMaxPooling2D', {}, [null, 3, 3, 2]],
  ['ZeroPadding2D', { padding: 2 }, [null, 3, 3, 2]],
  ['Cropping2D', { cropping: 1 }, [null, 4, 4, 2]],
  ['UpSampling2D', {}, [null, 3, 3, 2]],
  ['RepeatVector', { n: 3 }, [null, 4]],
  ['Permute', { dims: [2, 1] }, [null, 3, 4]],
  ['Conv1D', { filters: 3, kernelSize: 2 }, [null, 6, 4]],
  ['LayerNormalization', {}, [null, 3, 4]],
  ['LayerNormalization', { axis: [1, 3], center: false }, [null, 2, 3, 4]],
  ['UpSampling2D', { size: [2, 3], interpolation: 'bilinear' }, [null, 3, 3, 2]],
  ['ReLU', {}, [null, 3]],
  ['LeakyReLU', {}, [null, 3]],
  ['PReLU', { sharedAxes: [1] }, [null, 4, 3]],
  ['ELU', {}, [null, 3]],
  ['ThresholdedReLU', {}, [null, 3]],
  ['Softmax', {}, [null, 3]],
  ['Conv2DTranspose', { filters: 2, kernelSize: 3, strides: 2 }, [null, 4, 4, 3]],
  ['DepthwiseConv2D', { kernelSize: 3, depthMultiplier: 2 }, [null, 5, 5, 3]],
  ['SeparableConv2D', { filters: 4, kernelSize: 2, useBias: false }, [null, 5, 5, 3]],
];

describe('Layer.weightShapes', () => {
  it('covers every class loading knows', () => {
    expect(new Set(cases.map(([c]) => c))).toEqual(new Set(layerClassNames()));
  });

  it.each(cases)('%s: the planned weights are the built weights, and planning allocates nothing', (className, config, shape) => {
    const layer = make(className, config);
    const before = memory().numTensors;
    const planned = layer.weightShapes(shape);
    expect(memory().numTensors).toBe(before);
    layer.build(shape);
    expect(planned).toEqual(layer.weights.map((w) => ({ name: w.name, shape: w.variable.shape })));
    layer.dispose();
  });

  it('refuses the input shapes build() refuses, with the same message', () => {
    const bad: Array<[string, LayerConfig, Shapes]> = [
      ['Dense', { units: 2 }, [null]],
      ['Conv2D', { filters: 2, kernelSize: 2 }, [null, 4, 4]],
      ['BatchNormalization', {}, [null]],
      ['MaxPooling2D', {}, [null, 4, 4]],
      ['Reshape', { targetShape: [4] }, [null, 6]],
      ['Reshape', { targetShape: [-1, 4] }, [null, 6]],
      [
        'Add',
        {},
        [
          [null, 3],
          [null, 4],
        ],
      ],
      [
        'Concatenate',
        {},
        [
          [null, 2, 3],
          [null, 3, 3],
        ],
      ],
      [
        'Dot',
        { axes: 1 },
        [
          [null, 3],
          [null, 4],
        ],
      ],
      ['LSTM', { units: 2 }, [null, 3]],
      [
        'GRU',
        { units: 2 },
        [
          [null, 4, 3],
          [null, 5],
        ],
      ],
      ['Embedding', { inputDim: 2, outputDim: 2 }, [null]],
      ['TimeDistributed', { layer: { className: 'Dense', config: { units: 2 } } }, [null, 3]],
      [
        'Bidirectional',
        { layer: { className: 'LSTM', config: { units: 2 } } },
        [
          [null, 4, 3],
          [null, 2],
        ],
      ],
      ['Conv1D', { filters: 2, kernelSize: 2 }, [null, 4, 4, 1]],
      ['MaxPooling1D', {}, [null, 4]],
      ['GlobalMaxPooling2D', {}, [null, 4, 3]],
      ['Cropping2D', { cropping: 2 }, [null, 4, 4, 1]],
      ['Permute', { dims: [1, 2] }, [null, 3]],
      ['LayerNormalization', { axis: 2 }, [null, 3]],
      ['PReLU', {}, [null, null, 3]],
      ['Conv2DTranspose', { filters: 2, kernelSize: 3 }, [null, 4, 4]],
      ['DepthwiseConv2D', { kernelSize: 3 }, [null, 4]],
      ['SeparableConv2D', { filters: 2, kernelSize: 3 }, [null, 4, 4]],
      ['LayerNormalization', { axis: [2, -1] }, [null, 3, 4]],
      ['Softmax', { axis: 2 }, [null, 3]],
      ['UpSampling2D', { interpolation: 'bilinear' }, [null, 3, 3]],
    ];
    for (const [className, config, shape] of bad) {
      const layer = make(className, config);
      let planError = '';
      try {
        layer.weightShapes(shape);
        layer.computeOutputShape(shape);
      } catch (e) {
        planError = (e as Error).message;
      }
      expect(() => layer.build(shape)).toThrow(planError || 'planning did not throw');
      expect(planError).not.toBe('');
      layer.dispose();
    }
  });
});

describe('every layer class saves and loads', () => {
  // One model per case: the layer applied to inputs of the case's shape (unknown dimensions as 3).
  it.each(cases.filter(([c]) => c !== 'InputLayer'))('%s: a model holding it predicts bit-identically after save → load', async (className, config, shape) => {
    const before = memory().numTensors;
    const shapes: readonly Shape[] = isShapeList(shape) ? shape : [shape as Shape];
    const ids = className === 'Embedding';
    const inputs = shapes.map((s) => input({ shape: s.slice(1), dtype: ids ? 'int32' : 'float32' }));
    const layer = make(className, config);
    const m = model({ inputs, outputs: layer.applyMulti(inputs.length === 1 ? inputs[0]! : inputs) });
    const data = shapes.map((s, k) => {
      const dims = [2, ...s.slice(1).map((d) => d ?? 3)];
      const n = dims.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, (_, i) => (ids ? (i * 3 + k) % 7 : Math.sin(1.7 * i + k + 1)));
      return tensor(values, dims, ids ? 'int32' : 'float32');
    });
    await m.save(`memory://every-${className}`);
    const loaded = await loadModel<Model>(`memory://every-${className}`);
    const list = (t: Tensor | Tensor[]): Tensor[] => (Array.isArray(t) ? t : [t]);
    const want = list(m.predict(data));
    const got = list(loaded.predict(data));
    expect(got.length).toBe(want.length);
    want.forEach((w, i) => expect(Array.from(got[i]!.dataSync())).toEqual(Array.from(w.dataSync())));
    for (const t of [...data, ...want, ...got]) t.dispose();
    m.dispose();
    loaded.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
