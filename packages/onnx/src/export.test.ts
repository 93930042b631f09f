// The seed models through ONNX Runtime, the file's metadata, the opsets, and
// the errors a bad call gets.
import { beforeAll, describe, expect, it } from 'vitest';
import '@polytensor/backend-ts';
import '@polytensor/backend-wasm';
import {
  Dense,
  Embedding,
  LSTM,
  Lambda,
  Layer,
  LayerNormalization,
  PolytensorError,
  Sequential,
  input,
  model,
  setBackend,
  setSeed,
  type Tensor,
} from '@polytensor/core';
import { seedCnn, seedMlp } from '@polytensor/models';
import onnxProto from 'onnx-proto';
import { exportOnnx } from './index.js';
import { checkAgainstOrt, floats, randomizeWeights } from '../test/harness.js';

const { onnx } = onnxProto;

describe.each(['ts', 'wasm'])('seed models exported to ONNX match predict (backend %s)', (backend) => {
  beforeAll(async () => {
    await setBackend(backend);
  });

  it('the seed MLP (784 → 64 sigmoid → 10)', async () => {
    setSeed(1);
    const m = seedMlp();
    m.build();
    try {
      await checkAgainstOrt(m, floats([784], 3, 0, 1), { reduction: 784 + 64 });
    } finally {
      m.dispose();
    }
  });

  it('the seed CNN (convs, average pools, dropout, dense softmax)', async () => {
    setSeed(2);
    const m = seedCnn();
    m.build();
    try {
      await checkAgainstOrt(m, floats([28, 28, 1], 4, 0, 1), { reduction: 9 + 9 * 64 + 4 + 9 * 64 + 9 * 32 + 4 + 7 * 7 * 32 + 256, batches: [1, 3] });
    } finally {
      m.dispose();
    }
  });
});

describe('the ONNX file', () => {
  beforeAll(async () => {
    await setBackend('ts');
  });

  it('names producer, graph, inputs and outputs; the batch is symbolic; weights are float32 initializers', () => {
    const a = input({ shape: [3], name: 'left' });
    const b = input({ shape: [2], name: 'right' });
    const y = new Dense({ units: 2, name: 'score' }).apply(new Dense({ units: 4, name: 'hidden' }).apply(a));
    const m = model({ name: 'pair', inputs: [a, b], outputs: [y, new Dense({ units: 1, name: 'other' }).apply(b)] });
    try {
      const proto = onnx.ModelProto.decode(exportOnnx(m, { opset: 19 }));
      expect(proto.producerName).toBe('polytensor');
      expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 19]]);
      expect(Number(proto.irVersion)).toBe(9);
      const g = proto.graph as InstanceType<typeof onnx.GraphProto>;
      expect(g.name).toBe('pair');
      expect(g.input.map((v) => v.name)).toEqual(['left', 'right']);
      expect(g.output.map((v) => v.name)).toEqual(['score', 'other']);
      const dims = g.input[0]!.type!.tensorType!.shape!.dim!;
      expect(dims.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 3]);
      expect(g.output[0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 2]);
      // hidden: kernel [3,4] and bias [4]; score: [4,2] and [2]; other: [2,1] and [1].
      const weights = g.initializer.filter((t) => (t.dims ?? []).length > 0 && t.dataType === onnx.TensorProto.DataType.FLOAT);
      expect(weights.map((t) => (t.dims ?? []).map(Number))).toEqual([[3, 4], [4], [4, 2], [2], [2, 1], [1]]);
      expect(new Float32Array(Uint8Array.from(weights[0]!.rawData!).buffer)).toEqual(Float32Array.from(m.getWeightValues()[0]!));
    } finally {
      m.dispose();
    }
  });

  it('a one-layer Sequential gets distinct input and output names', () => {
    const m = new Sequential({ layers: [new Dense({ units: 2, inputShape: [3], name: 'only' })] });
    m.build();
    try {
      const g = onnx.ModelProto.decode(exportOnnx(m)).graph as InstanceType<typeof onnx.GraphProto>;
      expect([g.input[0]!.name, g.output[0]!.name]).toEqual(['only', 'only_output']);
    } finally {
      m.dispose();
    }
  });

  it.each([13, 17, 18, 21])('opset %i runs in ONNX Runtime (reductions change form at 18)', async (opset) => {
    setSeed(3);
    const m = new Sequential({ layers: [new Dense({ units: 6, inputShape: [5], activation: 'relu6' }), new LayerNormalization(), new Dense({ units: 2 })] });
    m.build();
    randomizeWeights(m, 4);
    try {
      const proto = onnx.ModelProto.decode(await checkAgainstOrt(m, floats([5]), { reduction: 5 + 6 + 6, opset }));
      expect(Number(proto.opsetImport[0]!.version)).toBe(opset);
    } finally {
      m.dispose();
    }
  });
});

describe('errors', () => {
  beforeAll(async () => {
    await setBackend('ts');
  });

  it('a Lambda layer: named with its class, before any bytes', () => {
    const m = new Sequential({ layers: [new Dense({ units: 2, inputShape: [3] }), new Lambda({ name: 'twice', fn: (x) => (x as Tensor).mul(2) })] });
    m.build();
    try {
      expect(() => exportOnnx(m)).toThrow(PolytensorError);
      expect(() => exportOnnx(m)).toThrow(/layer 'twice' of model '.*' is a Lambda \(class Lambda\), which has no ONNX form/);
    } finally {
      m.dispose();
    }
  });

  it("a user's own layer class, inside a functional model", () => {
    class Scale extends Layer {
      static readonly className: string = 'Scale';
      computeOutputShape(s: readonly (number | null)[]): readonly (number | null)[] {
        return s;
      }
      protected call(x: Tensor): Tensor {
        return x.mul(3);
      }
      getConfig(): Record<string, unknown> {
        return this.baseConfig();
      }
    }
    const x = input({ shape: [2] });
    const m = model({ inputs: x, outputs: new Scale({ name: 'mine' }).apply(x) });
    try {
      expect(() => exportOnnx(m)).toThrow(/layer 'mine' .* is a Scale \(class Scale\), which has no ONNX form/);
    } finally {
      m.dispose();
    }
  });

  it.each([12, 22, 17.5, '17', Number.NaN])('opset %s', (opset) => {
    const m = seedMlp();
    m.build();
    try {
      expect(() => exportOnnx(m, { opset: opset as number })).toThrow(/exportOnnx: opset must be an integer from 13 to 21, got/);
    } finally {
      m.dispose();
    }
  });

  it('not a model: a layer, a plain object, null', () => {
    const layer = new Dense({ units: 2 });
    for (const bad of [layer, { layers: [] }, null]) {
      expect(() => exportOnnx(bad as never)).toThrow(/exportOnnx: pass a polytensor model \(a Sequential, or one from model\(\{ inputs, outputs \}\)\), got/);
    }
  });

  it('a model not built yet: without an input shape, and with one', () => {
    const shapeless = new Sequential({ layers: [new Dense({ units: 2 })] });
    expect(() => exportOnnx(shapeless)).toThrow(/model 'sequential' is not built yet.*give its first layer an inputShape/);
    const unbuilt = seedMlp();
    expect(() => exportOnnx(unbuilt)).toThrow(/model 'mlp' is not built yet.*call model.build\(\)/);
  });

  it('an Embedding mask (maskZero) reaching a recurrent layer', () => {
    const m = new Sequential({
      layers: [new Embedding({ inputDim: 5, outputDim: 3, maskZero: true, inputShape: [4] }), new LSTM({ units: 2, name: 'reader' })],
    });
    m.build();
    try {
      expect(() => exportOnnx(m)).toThrow(/layer 'reader' \(LSTM\) takes the padding mask of an Embedding with maskZero/);
    } finally {
      m.dispose();
    }
  });

  it('a recurrent activation ONNX cannot express', () => {
    const m = new Sequential({ layers: [new LSTM({ units: 2, activation: 'gelu', inputShape: [3, 2], name: 'odd' })] });
    m.build();
    try {
      expect(() => exportOnnx(m)).toThrow(/odd: activation 'gelu' cannot be used inside ONNX's recurrent ops/);
    } finally {
      m.dispose();
    }
  });
});
