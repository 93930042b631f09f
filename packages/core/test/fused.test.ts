// Fused ops (fusedConv2d, softmaxCrossEntropyWithLogits, optimizer updates)
// against their composites: the same op run on backend-ts with its fused
// kernels removed, so only the fusion differs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Conv2D,
  ENGINE,
  PolytensorError,
  Sequential,
  TS_KERNELS,
  type Tensor,
  TsStore,
  defineBackend,
  fusedConv2d,
  grads,
  mean,
  randomNormal,
  randomUniform,
  registerBackend,
  removeBackend,
  setBackendSync,
  setSeed,
  softmaxCrossEntropyWithLogits,
  sparseSoftmaxCrossEntropy,
  tensor,
  tidy,
  variable,
  type Backend,
  type FusedActivation,
  type PaddingSpec,
  type TensorInfo,
} from './helpers.js';
import { Adagrad, Adam, Momentum, RMSprop, SGD, type Optimizer } from '../src/train/optimizers/index.js';

const FUSED = ['fusedMatMul', 'fusedConv2d', 'softmaxCrossEntropy'] as const;

/** backend-ts without its fused kernels and optimizer: core's composites stand in. */
function compositeBackend(): Backend {
  const { fusedMatMul: _m, fusedConv2d: _c, softmaxCrossEntropy: _s, ...kernels } = TS_KERNELS;
  return defineBackend({ name: 'ts-composite', storage: new TsStore(), kernels });
}

beforeAll(() => registerBackend('ts-composite', compositeBackend, -10));
afterAll(() => {
  removeBackend('ts-composite');
  setBackendSync('ts');
});

/** Run `fn` on a backend and return plain copies of the arrays it produced (its tensors are freed). */
function on(name: string, fn: () => Tensor[]): Float32Array[] {
  setBackendSync(name);
  // Guard the premise: the composite backend really lacks the fused kernels, backend-ts has them.
  const be = ENGINE.getBackend();
  for (const k of FUSED) expect(be.implemented.has(k), `${name} implements ${k}`).toBe(name !== 'ts-composite');
  expect(be.optimizer !== undefined, `${name} has fused optimizer updates`).toBe(name !== 'ts-composite');
  try {
    let out: Float32Array[] = [];
    tidy(() => {
      out = fn().map((t) => t.dataSync() as Float32Array);
    });
    return out;
  } finally {
    setBackendSync('ts');
  }
}

/** Relative closeness for results whose roundings differ (fused: once; composite: per op). */
function expectClose(got: Float32Array, want: Float32Array, rel: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  let scale = 0;
  for (const w of want) scale = Math.max(scale, Math.abs(w));
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    if (!(err <= rel * Math.max(Math.abs(want[i]!), scale * 1e-3) + 1e-30)) {
      throw new Error(`${what}: element ${i}: fused ${got[i]}, composite ${want[i]} (|diff| ${err})`);
    }
  }
}

const sameBits = (a: Float32Array, b: Float32Array): boolean =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i]!)));

describe('fusedConv2d', () => {
  // biome-ignore format: geometry tables read best one case per line
  const cases: Array<{ x: number[]; f: number[]; strides: number | [number, number]; pad: PaddingSpec; dil?: number }> = [
    { x: [2, 7, 6, 3], f: [3, 3, 3, 5], strides: 1, pad: 'same' },
    { x: [1, 9, 8, 2], f: [3, 2, 2, 4], strides: 2, pad: 'valid' },
    { x: [2, 9, 9, 3], f: [3, 3, 3, 2], strides: 1, pad: 'same', dil: 2 },
    { x: [1, 6, 5, 4], f: [1, 1, 4, 3], strides: 1, pad: 'valid' },
    { x: [1, 5, 6, 2], f: [3, 3, 2, 3], strides: 1, pad: [[2, 0], [0, 3]] },
  ];
  const acts: FusedActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];

  it('matches conv2d + bias + activation, forward and gradients (x, filter, bias)', () => {
    let seed = 1;
    for (const c of cases) {
      for (const activation of acts) {
        for (const withBias of [true, false]) {
          const run = (): Tensor[] => {
            setSeed(seed);
            const x = randomNormal(c.x);
            const w = randomNormal(c.f, 0, 0.5);
            const b = randomNormal([c.f[3]!]);
            const f = (xx: Tensor, ww: Tensor, bb: Tensor): Tensor =>
              fusedConv2d({ x: xx, filter: ww, strides: c.strides, pad: c.pad, dilations: c.dil ?? 1, bias: withBias ? bb : null, activation });
            const y = f(x, w, b);
            // A non-uniform dy, so every gradient path is weighted differently.
            const dy = randomUniform(y.shape, -1, 1);
            return [y, ...grads(f)([x, w, b], dy)];
          };
          const fused = on('ts', run);
          const composite = on('ts-composite', run);
          const what = `${JSON.stringify(c)} ${activation} bias=${withBias}`;
          expectClose(fused[0]!, composite[0]!, 1e-5, `${what}: y`);
          expectClose(fused[1]!, composite[1]!, 1e-4, `${what}: dx`);
          expectClose(fused[2]!, composite[2]!, 1e-4, `${what}: dfilter`);
          if (withBias) expectClose(fused[3]!, composite[3]!, 1e-4, `${what}: dbias`);
          seed++;
        }
      }
    }
  });

  it('is what Conv2D layers run, and checks its arguments', () => {
    const be = ENGINE.getBackend() as Backend;
    const calls = { n: 0 };
    const orig = be.kernels.fusedConv2d;
    Object.defineProperty(be.kernels, 'fusedConv2d', {
      configurable: true,
      value: (...args: Parameters<Backend['kernels']['fusedConv2d']>): TensorInfo => {
        calls.n++;
        return orig(...args);
      },
    });
    try {
      const model = new Sequential({ layers: [new Conv2D({ filters: 2, kernelSize: 3, activation: 'relu', padding: 'same', inputShape: [5, 5, 1] })] });
      tidy(() => {
        model.predict(tensor(new Float32Array(25).fill(1), [1, 5, 5, 1]));
      });
      expect(calls.n).toBe(1);
      model.dispose();
    } finally {
      Object.defineProperty(be.kernels, 'fusedConv2d', { configurable: true, writable: true, value: orig });
    }
    tidy(() => {
      const x = tensor(new Float32Array(2 * 4 * 4 * 3), [2, 4, 4, 3]);
      const w = tensor(new Float32Array(3 * 3 * 3 * 2), [3, 3, 3, 2]);
      expect(() => fusedConv2d({ x, filter: w, bias: tensor([1, 2, 3]) })).toThrow(/bias has shape \[3\], expected \[2\]/);
      expect(() => fusedConv2d({ x, filter: w, activation: 'gelu' as FusedActivation })).toThrow(PolytensorError);
      expect(() => fusedConv2d({ x, filter: tensor(new Float32Array(18), [3, 3, 2, 1]) })).toThrow(/channels/);
    });
  });
});

describe('softmaxCrossEntropyWithLogits', () => {
  it('matches the logSoftmax composite for one-hot and soft labels, extreme logits included', () => {
    const logits = [
      [1, 2, 3, 4],
      [-50, 0, 50, 80],
      [0, 0, 0, 0],
      [1e-3, -2, 7, 3],
    ];
    const hard = [
      [0, 0, 0, 1],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ];
    const soft = [
      [0.1, 0.2, 0.3, 0.4],
      [0.5, 0, 0.25, 0.25],
      [1, 1, 0, 0],
      [0, 0, 0, 0],
    ];
    for (const labels of [hard, soft]) {
      const run = (): Tensor[] => {
        const x = tensor(logits);
        const y = tensor(labels);
        const f = (xx: Tensor, yy: Tensor): Tensor => softmaxCrossEntropyWithLogits(yy, xx);
        const loss = f(x, y);
        return [loss, ...grads(f)([x, y], tensor([1, -2, 0.5, 3]))];
      };
      const fused = on('ts', run);
      const composite = on('ts-composite', run);
      expectClose(fused[0]!, composite[0]!, 2e-6, 'loss');
      expectClose(fused[1]!, composite[1]!, 1e-5, 'd logits');
      expectClose(fused[2]!, composite[2]!, 1e-5, 'd labels');
    }
  });

  it('keeps shapes, sums to the sparse loss, and checks its arguments', () => {
    tidy(() => {
      const x = tensor([
        [
          [1, 2],
          [3, 0],
        ],
        [
          [0, 0],
          [5, 5],
        ],
      ]);
      const y = tensor([
        [
          [0, 1],
          [1, 0],
        ],
        [
          [1, 0],
          [0, 1],
        ],
      ]);
      const loss = softmaxCrossEntropyWithLogits(y, x);
      expect(loss.shape).toEqual([2, 2]);
      const ids = tensor([1, 0], undefined, 'int32');
      const logits = tensor([
        [1, 2],
        [3, 0],
      ]);
      const viaOp = mean(
        softmaxCrossEntropyWithLogits(
          tensor([
            [0, 1],
            [1, 0],
          ]),
          logits,
        ),
      ).dataSync()[0]!;
      expect(sparseSoftmaxCrossEntropy(ids, logits).dataSync()[0]).toBe(viaOp);
      expect(() => softmaxCrossEntropyWithLogits(tensor([1, 0]), x)).toThrow(/labels have shape \[2\] but logits have shape \[2,2,2\]/);
      expect(() => softmaxCrossEntropyWithLogits(tensor(1), tensor(2))).toThrow(/rank ≥ 1/);
    });
  });
});

describe('optimizer updates', () => {
  const configs: Array<[string, () => Optimizer]> = [
    ['sgd', () => new SGD(0.1)],
    ['momentum', () => new Momentum(0.05, 0.9)],
    ['nesterov', () => new Momentum(0.05, 0.9, true)],
    ['adam', () => new Adam(0.01)],
    ['rmsprop', () => new RMSprop(0.01)],
    ['rmsprop centered + momentum', () => new RMSprop(0.01, 0.8, 0.5, 1e-6, true)],
    ['rmsprop momentum', () => new RMSprop(0.01, 0.9, 0.3)],
    ['adagrad', () => new Adagrad(0.1)],
  ];

  for (const [label, make] of configs) {
    it(`${label}: the fused step is bit-identical to the composite (value and slots, 4 steps)`, () => {
      const run = (): Tensor[] => {
        const opt = make();
        setSeed(7);
        const w = variable(randomNormal([37, 5]), true, `fused_${label}_w`);
        const out: Tensor[] = [];
        try {
          for (let step = 0; step < 4; step++) {
            const g = randomNormal([37, 5], 0, step + 0.5);
            opt.applyGradients({ [w.name]: g });
            g.dispose();
          }
          out.push(
            w.clone(),
            ...opt
              .getWeights()
              .slice(1)
              .map((s) => s.tensor.clone()),
          );
        } finally {
          opt.dispose();
          w.dispose();
        }
        return out;
      };
      const fused = on('ts', run);
      const composite = on('ts-composite', run);
      expect(fused.length).toBe(composite.length);
      fused.forEach((f, i) => expect(sameBits(f, composite[i]!), `${label}: output ${i}`).toBe(true));
    });
  }

  it('falls back to the composite when shapes broadcast or a gradient is being recorded', async () => {
    const { sgdUpdate } = await import('../src/train/optimizers/sgd.js');
    tidy(() => {
      const v = tensor([
        [1, 2],
        [3, 4],
      ]);
      // a broadcast gradient: composite path
      expect(Array.from(sgdUpdate(v, tensor([1, 1]), 0.5).dataSync())).toEqual([0.5, 1.5, 2.5, 3.5]);
      // differentiating through an update: the composite records its gradient
      const [g] = grads((x: Tensor) => sgdUpdate(x, x.mul(2), 0.25).sum())([v]);
      expect(Array.from(g!.dataSync())).toEqual([0.5, 0.5, 0.5, 0.5]);
    });
  });
});

describe('runKernelMulti', () => {
  it('rejects a wrong answer from the backend and frees what it returned', () => {
    const be = ENGINE.getBackend();
    tidy(() => {
      const x = tensor([1, 2, 3]);
      const before = be.numDataIds();
      const bad = (): Tensor[] =>
        ENGINE.runKernelMulti('probe', [x], (b) => [b.kernels.unary('neg', x)], [
          { shape: [3], dtype: 'float32' },
          { shape: [3], dtype: 'float32' },
        ]);
      expect(bad).toThrow(/probe: backend 'ts' returned \[3\] float32, expected .* as 2 fresh buffer/);
      expect(be.numDataIds()).toBe(before);
      const [y] = ENGINE.runKernelMulti('probe', [x], (b) => [b.kernels.unary('neg', x)], [{ shape: [3], dtype: 'float32' }]);
      expect(Array.from(y!.dataSync())).toEqual([-1, -2, -3]);
    });
  });
});
