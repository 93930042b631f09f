// Every built-in layer, exported and run in ONNX Runtime, against polytensor's
// predict on the same inputs: small models, seeded weights, batches 2 and 5.
import { beforeAll, describe, it } from 'vitest';
import '@polytensor/backend-ts';
import '@polytensor/backend-wasm';
import {
  ACTIVATIONS,
  Activation,
  Add,
  Average,
  AveragePooling1D,
  AveragePooling2D,
  BatchNormalization,
  Bidirectional,
  Concatenate,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  Cropping2D,
  Dense,
  DepthwiseConv2D,
  Dot,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  GRU,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  LSTM,
  LayerNormalization,
  LeakyReLU,
  MaxPooling1D,
  MaxPooling2D,
  Maximum,
  Minimum,
  Multiply,
  PReLU,
  Permute,
  ReLU,
  RepeatVector,
  Reshape,
  SeparableConv2D,
  Sequential,
  SimpleRNN,
  Softmax,
  Subtract,
  ThresholdedReLU,
  TimeDistributed,
  UpSampling2D,
  ZeroPadding2D,
  input,
  model,
  setBackend,
  setSeed,
  type Layer,
  type LayersModel,
} from '@polytensor/core';
import { checkAgainstOrt, floats, ids, randomizeWeights, type InputData } from '../test/harness.js';

const seq = (name: string, layers: Layer[]): Sequential => {
  const m = new Sequential({ name, layers });
  m.build();
  return m;
};

/** Export, compare, dispose. */
async function check(m: LayersModel, inputs: (batch: number) => InputData[], reduction: number, seed = 3): Promise<void> {
  randomizeWeights(m, seed);
  try {
    await checkAgainstOrt(m, inputs, { reduction });
  } finally {
    m.dispose();
  }
}

describe.each(['ts', 'wasm'])('layers exported to ONNX match predict (backend %s)', (backend) => {
  beforeAll(async () => {
    await setBackend(backend);
    setSeed(5);
  });

  it('Dense on rank 3, every activation by name (Activation layers)', async () => {
    const acts = Object.keys(ACTIVATIONS).map((a) => new Activation({ activation: a as keyof typeof ACTIVATIONS }));
    // Each activation after its own Dense keeps the values in range (softplus of softplus... would drift).
    const layers: Layer[] = [new Dense({ units: 6, inputShape: [3, 4] })];
    for (const a of acts) layers.push(a, new Dense({ units: 6 }));
    await check(seq('activations', layers), floats([3, 4], 1, -2, 2), 6 * (acts.length + 1));
  });

  it('Conv2D (same, stride 2; valid, dilation 2), MaxPooling2D and AveragePooling2D with same padding, Flatten', async () => {
    const m = seq('convs', [
      new Conv2D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [9, 8, 3] }),
      new Conv2D({ filters: 5, kernelSize: [2, 3], dilationRate: 2, padding: 'same', activation: 'tanh' }),
      new MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' }),
      new Conv2D({ filters: 3, kernelSize: 1, useBias: false, activation: 'gelu' }),
      new AveragePooling2D({ poolSize: 2, strides: 1, padding: 'same' }),
      new Flatten(),
      new Dense({ units: 3 }),
    ]);
    await check(m, floats([9, 8, 3]), 27 + 24 + 5 + 4 * 3 + 20);
  });

  it('Conv2DTranspose (same and valid, kernel above and below the stride), DepthwiseConv2D, SeparableConv2D', async () => {
    const m = seq('conv_variants', [
      new Conv2DTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', inputShape: [5, 4, 2] }),
      new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu' }),
      new SeparableConv2D({ filters: 3, kernelSize: 2, depthMultiplier: 2, padding: 'valid', activation: 'sigmoid' }),
      new Conv2DTranspose({ filters: 2, kernelSize: 2, strides: 3, padding: 'same' }),
      new Conv2DTranspose({ filters: 2, kernelSize: [3, 2], strides: [1, 2], padding: 'valid', activation: 'elu' }),
    ]);
    await check(m, floats([5, 4, 2]), 18 + 9 + 4 + 16 + 6 + 6);
  });

  it('ZeroPadding2D, Cropping2D, UpSampling2D (nearest, bilinear), BatchNormalization, global pools', async () => {
    const x = input({ shape: [6, 5, 3] });
    let h = new ZeroPadding2D({
      padding: [
        [1, 0],
        [2, 1],
      ],
    }).apply(x);
    h = new Cropping2D({
      cropping: [
        [0, 2],
        [1, 0],
      ],
    }).apply(h);
    h = new UpSampling2D({ size: [2, 1] }).apply(h);
    h = new BatchNormalization({ epsilon: 0.01 }).apply(h);
    h = new UpSampling2D({ size: [2, 3], interpolation: 'bilinear' }).apply(h);
    const avg = new GlobalAveragePooling2D().apply(h);
    const max = new GlobalMaxPooling2D().apply(h);
    await check(model({ name: 'spatial', inputs: x, outputs: [avg, max, h] }), floats([6, 5, 3]), 4 + 10 * 18);
  });

  it('Conv1D (causal, same with stride 2), MaxPooling1D, AveragePooling1D (same), global 1-D pools', async () => {
    const x = input({ shape: [11, 3] });
    let h = new Conv1D({ filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 2, activation: 'relu' }).apply(x);
    h = new Conv1D({ filters: 5, kernelSize: 2, strides: 2, padding: 'same' }).apply(h);
    h = new MaxPooling1D({ poolSize: 2, strides: 1 }).apply(h);
    h = new AveragePooling1D({ poolSize: 3, strides: 2, padding: 'same' }).apply(h);
    const outs = [h, new GlobalAveragePooling1D().apply(h), new GlobalMaxPooling1D().apply(h)];
    await check(model({ name: 'seq1d', inputs: x, outputs: outs }), floats([11, 3]), 9 + 8 + 3 + 6);
  });

  it('activation layers with arguments: ReLU (cap, slope, threshold), LeakyReLU, PReLU (shared axes), ELU, ThresholdedReLU, Softmax on an inner axis', async () => {
    const m = seq('advanced_activations', [
      new ReLU({ maxValue: 0.8, negativeSlope: 0.1, threshold: 0.2, inputShape: [4, 5] }),
      new Dense({ units: 5 }),
      new ReLU({ maxValue: 0.6 }),
      new Dense({ units: 5 }),
      new LeakyReLU({ alpha: 0.2 }),
      new PReLU({ sharedAxes: [1] }),
      new Dense({ units: 5 }),
      new ELU({ alpha: 0.7 }),
      new ThresholdedReLU({ theta: 0.1 }),
      new Softmax({ axis: 1 }),
    ]);
    await check(m, floats([4, 5], 9, -2, 2), 20);
  });

  it('Reshape, Permute, RepeatVector, Dropout, LayerNormalization (last axis and two axes), TimeDistributed', async () => {
    const m = seq('shapes', [
      new Dense({ units: 6, inputShape: [8] }),
      new Dropout({ rate: 0.5 }),
      new RepeatVector({ n: 3 }),
      new Reshape({ targetShape: [2, -1] }),
      new Permute({ dims: [2, 1] }),
      new LayerNormalization(),
      new LayerNormalization({ axis: [1, 2], epsilon: 0.01 }),
      new TimeDistributed({ layer: new Dense({ units: 4, activation: 'tanh' }) }),
      new TimeDistributed({ layer: new Reshape({ targetShape: [2, 2] }) }),
    ]);
    await check(m, floats([8]), 8 + 2 * 18 + 2);
  });

  it('the LSTM text model: Embedding → LSTM → Dense softmax, on int32 ids', async () => {
    const m = seq('text', [
      new Embedding({ inputDim: 20, outputDim: 6, inputShape: [7] }),
      new LSTM({ units: 5 }),
      new Dense({ units: 4, activation: 'softmax' }),
    ]);
    await check(m, ids([7], 20), 7 * (6 + 5) + 5);
  });

  it('SimpleRNN (sequences, backwards), GRU (resetAfter and not; elu candidate; hardSigmoid gates), LSTM with returnState and initial states', async () => {
    const x = input({ shape: [6, 3] });
    const h0 = input({ shape: [4], name: 'h0' });
    const c0 = input({ shape: [4], name: 'c0' });
    const rnn = new SimpleRNN({ units: 4, returnSequences: true, goBackwards: true }).apply(x);
    const gruAfter = new GRU({ units: 4, returnSequences: true }).apply(rnn);
    const gruBefore = new GRU({ units: 3, resetAfter: false, activation: 'elu', recurrentActivation: 'hardSigmoid' }).apply(gruAfter);
    const [seqOut, h, c] = new LSTM({ units: 4, returnSequences: true, returnState: true, goBackwards: true }).applyMulti([x, h0, c0]);
    const m = model({ name: 'recurrent', inputs: [x, h0, c0], outputs: [gruBefore, seqOut!, h!, c!] });
    const inputs = (batch: number): InputData[] => [...floats([6, 3], 1)(batch), ...floats([4], 2)(batch), ...floats([4], 3)(batch)];
    await check(m, inputs, 6 * 3 * (3 + 4));
  });

  it('Bidirectional: LSTM sequences concatenated, GRU summed, SimpleRNN as two outputs', async () => {
    const x = input({ shape: [5, 3] });
    const cat = new Bidirectional({ layer: new LSTM({ units: 3, returnSequences: true }) }).apply(x);
    const sum = new Bidirectional({ layer: new GRU({ units: 2 }), mergeMode: 'sum' }).apply(cat);
    const [f, b] = new Bidirectional({ layer: new SimpleRNN({ units: 2, returnSequences: true }), mergeMode: null }).applyMulti(x);
    const ave = new Bidirectional({ layer: new SimpleRNN({ units: 2 }), mergeMode: 'ave' }).apply(x);
    const mul = new Bidirectional({ layer: new SimpleRNN({ units: 2, returnSequences: true }), mergeMode: 'mul' }).apply(x);
    await check(model({ name: 'bidirectional', inputs: x, outputs: [sum, f!, b!, ave, mul] }), floats([5, 3]), 2 * 5 * 10);
  });

  it('a functional two-input model with every merge layer', async () => {
    const a = input({ shape: [4], name: 'a' });
    const b = input({ shape: [4], name: 'b' });
    const da = new Dense({ units: 6, activation: 'tanh' }).apply(a);
    const db = new Dense({ units: 6, activation: 'tanh' }).apply(b);
    const merged = [
      new Add().apply([da, db, da]),
      new Subtract().apply([da, db]),
      new Multiply().apply([da, db]),
      new Average().apply([da, db, db]),
      new Maximum().apply([da, db]),
      new Minimum().apply([da, db]),
    ];
    const joined = new Concatenate().apply(merged);
    const dot = new Dot({ axes: 1, normalize: true }).apply([da, db]);
    // Rank 3: [b, 3, 2]·[b, 3, 4] over axis 1 → [b, 2, 4].
    const sa = new Reshape({ targetShape: [3, 2] }).apply(da);
    const sb = new Reshape({ targetShape: [3, 4] }).apply(new Dense({ units: 12 }).apply(b));
    const dot3 = new Dot({ axes: [1, 1] }).apply([sa, sb]);
    const score = new Dense({ units: 2, name: 'score' }).apply(new Concatenate().apply([joined, dot]));
    const m = model({ name: 'two_inputs', inputs: [a, b], outputs: [score, dot3] });
    await check(m, (batch) => [...floats([4], 1)(batch), ...floats([4], 2)(batch)], 4 + 6 + 37);
  });

  it('a Sequential nested in a functional model, as a layer', async () => {
    const inner = new Sequential({ name: 'inner', layers: [new Dense({ units: 5, activation: 'relu', inputShape: [3] }), new Dense({ units: 2 })] });
    const x = input({ shape: [3] });
    const y = new Dense({ units: 3, name: 'head' }).apply(inner.apply(x));
    await check(model({ name: 'nested', inputs: x, outputs: y }), floats([3]), 3 + 5 + 2);
  });
});
