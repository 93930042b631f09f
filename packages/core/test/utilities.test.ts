// tfjs's utility functions: profile, time, buffer, print, the backend
// lookups, dtype promotion, disposeVariables, and the small ops a port of
// tfjs code meets (basicLSTMCell, multiRNNCell, movingAverage, cosineWindow).
import { describe, expect, it } from 'vitest';
import {
  backend,
  basicLSTMCell,
  buffer,
  cosineWindow,
  enclosingPowerOfTwo,
  disposeVariables,
  findBackend,
  findBackendFactory,
  getBackend,
  grads,
  matMul,
  memory,
  movingAverage,
  multiRNNCell,
  print,
  profile,
  registeredVariables,
  sumOutType,
  tensor,
  tensor2d,
  tidy,
  time,
  train,
  SGD,
  upcastType,
  variable,
  type Tensor,
} from './helpers.js';
import { numericGrad } from './helpers.js';

const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** One LSTM step in float64: gates i, j, f, o from [x, h]·K + b. */
function lstm64(fb: number, K: number[], b: number[], x: number[], c: number[], h: number[], batch: number, nIn: number, units: number): [number[], number[]] {
  const c1: number[] = [];
  const h1: number[] = [];
  for (let r = 0; r < batch; r++) {
    const row = [...x.slice(r * nIn, (r + 1) * nIn), ...h.slice(r * units, (r + 1) * units)];
    const g = (col: number) => row.reduce((s, v, k) => s + v * K[k * 4 * units + col]!, b[col]!);
    for (let u = 0; u < units; u++) {
      const [i, j, f, o] = [g(u), g(units + u), g(2 * units + u), g(3 * units + u)];
      const cn = c[r * units + u]! * sig(f + fb) + sig(i) * Math.tanh(j);
      c1.push(cn);
      h1.push(Math.tanh(cn) * sig(o));
    }
  }
  return [c1, h1];
}

const close = (got: ArrayLike<number>, want: readonly number[], tol = 2e-6) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i]! - want[i]!), `element ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!)));
};

describe('profile and time', () => {
  it('profile lists the kernels a function ran, the tensors it left and the peak memory', async () => {
    const a = tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const before = memory();
    const info = await profile(() => tidy(() => matMul(a, a).relu().exp()));
    expect(info.kernelNames).toEqual(['matMul', 'relu', 'exp']);
    // matMul runs as its rank-3 kernel
    expect(info.kernels.map((k) => k.outputShape)).toEqual([
      [1, 2, 2],
      [2, 2],
      [2, 2],
    ]);
    expect(info.kernels[0]!.inputShapes).toEqual([
      [1, 2, 2],
      [1, 2, 2],
    ]);
    expect(info.newTensors).toBe(1);
    expect(info.newBytes).toBe(16);
    // the intermediates were alive together before tidy freed them
    expect(info.peakBytes).toBeGreaterThanOrEqual(before.numBytes + 3 * 16);
    expect(info.kernels.at(-1)!.totalTensorsSnapshot).toBeGreaterThan(before.numTensors + 1);
    expect(info.result.dataSync()[0]).toBeCloseTo(Math.exp(7), 1);
    info.result.dispose();
    a.dispose();
  });

  it('profile stops watching when the function throws, and time counts kernels', async () => {
    await expect(
      profile(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const x = tensor([1, 2, 3]);
    const t = await time(() => tidy(() => x.exp().log()).dispose());
    expect(t.kernels).toBe(2);
    expect(t.wallMs).toBeGreaterThanOrEqual(t.kernelMs);
    const none = await time(() => undefined);
    expect(none.kernels).toBe(0);
    x.dispose();
    await expect(time(42 as unknown as () => void)).rejects.toThrow(/time: expected a function/);
  });
});

describe('buffer', () => {
  it('fills by index and becomes a tensor; bad indices name the shape', () => {
    const b = buffer([2, 3], 'int32');
    b.set(7, 1, 2);
    b.set(-1, 0, 0);
    expect(b.get(1, 2)).toBe(7);
    expect(b.indexToLoc(5)).toEqual([1, 2]);
    expect(b.locToIndex([1, 2])).toBe(5);
    const t = b.toTensor();
    b.set(9, 0, 1);
    expect(t.dtype).toBe('int32');
    expect(t.arraySync()).toEqual([
      [-1, 0, 0],
      [0, 0, 7],
    ]);
    t.dispose();
    expect(() => b.set(1, 2, 0)).toThrow(/buffer: index \[2, 0\] is outside \[2,3\] \(axis 0 takes 0..1\)/);
    expect(() => b.get(0)).toThrow(/needs 2 indices/);
    expect(() => buffer([2], 'float32', new Float32Array(3))).toThrow(/holds 2 values but 3 were given/);
  });

  it('promotes dtypes as tfjs', () => {
    expect(upcastType('bool', 'int32')).toBe('int32');
    expect(upcastType('float32', 'int32')).toBe('float32');
    expect(upcastType('bool', 'bool')).toBe('bool');
    expect(sumOutType('bool')).toBe('int32');
    expect(sumOutType('float32')).toBe('float32');
    expect(() => upcastType('complex64' as 'float32', 'int32')).toThrow(/upcastType/);
  });
});

describe('print, backend lookups, disposeVariables', () => {
  it('print logs the values, verbose adds dtype and shape', () => {
    const lines: string[] = [];
    const x = tensor([[1, 2]]);
    print(x, true, (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/dtype: float32[\s\S]*shape: \[1,2\][\s\S]*\[\[1,2\]\]/);
    x.dispose();
    expect(() => print(x)).toThrow(/print/);
  });

  it('backend() is the active instance; findBackend and findBackendFactory look up the registry', () => {
    expect(backend()).toBe(getBackend());
    expect(findBackend(backend().name === 'ts' ? 'ts' : backend().name)).toBe(backend());
    expect(typeof findBackendFactory('ts')).toBe('function');
    expect(findBackend('no-such-backend')).toBeNull();
    expect(findBackendFactory('no-such-backend')).toBeNull();
  });

  it('disposeVariables disposes every live variable', () => {
    const v = variable([1, 2], true, 'utilities_v');
    const w = variable([3], true, 'utilities_w');
    disposeVariables();
    expect(v.isDisposed && w.isDisposed).toBe(true);
    expect(registeredVariables().size).toBe(0);
  });
});

describe('basicLSTMCell and multiRNNCell', () => {
  const batch = 2;
  const nIn = 3;
  const units = 2;
  const seq = (n: number, s: number) => Array.from({ length: n }, (_, i) => Math.sin(s * (i + 1)) * 0.8);
  const K = seq((nIn + units) * 4 * units, 1.3);
  const b = seq(4 * units, 2.1);
  const x = seq(batch * nIn, 0.7);
  const c = seq(batch * units, 1.9);
  const h = seq(batch * units, 2.7);

  it('match a float64 LSTM step, values and gradients', () => {
    const [c64, h64] = lstm64(1, K, b, x, c, h, batch, nIn, units);
    tidy(() => {
      const [c1, h1] = basicLSTMCell(
        1,
        tensor(K, [nIn + units, 4 * units]),
        tensor(b),
        tensor(x, [batch, nIn]),
        tensor(c, [batch, units]),
        tensor(h, [batch, units]),
      );
      close(c1.dataSync(), c64);
      close(h1.dataSync(), h64);
      // d(sum h')/dx against float64 differences
      const [gx] = grads((xt: Tensor) =>
        basicLSTMCell(1, tensor(K, [nIn + units, 4 * units]), tensor(b), xt, tensor(c, [batch, units]), tensor(h, [batch, units]))[1].sum(),
      )([tensor(x, [batch, nIn])]);
      const want = numericGrad((xv) => lstm64(1, K, b, [...xv], c, h, batch, nIn, units)[1].reduce((s, v) => s + v, 0), Float64Array.from(x));
      close(gx!.dataSync(), [...want], 1e-4);
    });
  });

  it('multiRNNCell feeds each cell the previous cell h', () => {
    const K2 = seq((units + units) * 4 * units, 0.9);
    const [, h1] = lstm64(0, K, b, x, c, h, batch, nIn, units);
    const [c2, h2] = lstm64(0, K2, b, h1, c, h, batch, units, units);
    tidy(() => {
      const cell1 = (d: Tensor, cc: Tensor, hh: Tensor) => basicLSTMCell(0, tensor(K, [nIn + units, 4 * units]), tensor(b), d, cc, hh);
      const cell2 = (d: Tensor, cc: Tensor, hh: Tensor) => basicLSTMCell(0, tensor(K2, [2 * units, 4 * units]), tensor(b), d, cc, hh);
      const st = () => [tensor(c, [batch, units]), tensor(h, [batch, units])] as const;
      const [s1, s2] = [st(), st()];
      const [cs, hs] = multiRNNCell([cell1, cell2], tensor(x, [batch, nIn]), [s1[0], s2[0]], [s1[1], s2[1]]);
      close(cs[1]!.dataSync(), c2);
      close(hs[1]!.dataSync(), h2);
    });
  });

  it('name the shapes that do not fit, without leaking', () => {
    const before = memory().numTensors;
    tidy(() => {
      expect(() =>
        basicLSTMCell(
          1,
          tensor(K, [nIn + units, 4 * units]),
          tensor(b),
          tensor(x, [batch, nIn]),
          tensor(c, [batch, units]),
          tensor([1, 2, 3, 4, 5, 6], [batch, 3]),
        ),
      ).toThrow(/basicLSTMCell: with data \[2,3\] and h \[2,3\], lstmKernel must be \[6,12\]/);
      expect(() => multiRNNCell([], [[1]], [], [])).toThrow(/non-empty array/);
    });
    expect(memory().numTensors).toBe(before);
  });
});

describe('movingAverage and cosineWindow', () => {
  it('movingAverage is v + (x − v)(1 − decay), zero-debiased by 1 − decay^step', () => {
    tidy(() => {
      const v = tensor([0, 1]);
      const x = tensor([2, 3]);
      close(movingAverage(v, x, 0.9, undefined, false).dataSync(), [0.2, 1.2]);
      close(movingAverage(v, x, 0.9, 2).dataSync(), [0.2 / (1 - 0.81), 1 + 0.2 / (1 - 0.81)]);
      expect(() => movingAverage(v, x, 0.9)).toThrow(/movingAverage: zeroDebias needs the step count/);
      expect(() => movingAverage(v, tensor([1]), 0.9, 1)).toThrow(/v \[2\] and x \[1\] must have the same shape/);
      expect(() => movingAverage(v, x, 1.5, 1)).toThrow(/decay must be in \[0, 1\]/);
    });
  });

  it('cosineWindow is a − b·cos(2πn/(N−1+even)): Hann and Hamming', () => {
    tidy(() => {
      const N = 5;
      close(
        cosineWindow(N, 0.5, 0.5).dataSync(),
        Array.from({ length: N }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (N - 1))),
      );
      close(
        cosineWindow(4, 0.54, 0.46).dataSync(),
        Array.from({ length: 4 }, (_, n) => 0.54 - 0.46 * Math.cos((2 * Math.PI * n) / 4)),
      );
      expect(cosineWindow(0, 0.5, 0.5).shape).toEqual([0]);
      expect(() => cosineWindow(2.5, 0.5, 0.5)).toThrow(/windowLength must be a non-negative integer/);
      expect([1, 2, 3, 300, 512, 513, 0.3].map(enclosingPowerOfTwo)).toEqual([1, 2, 4, 512, 512, 1024, 0.5]);
      expect(() => enclosingPowerOfTwo(0)).toThrow(/enclosingPowerOfTwo: value must be a positive finite number, got 0/);
    });
  });
});

describe('train namespace', () => {
  it("makes tfjs's optimizers with tfjs's argument order and defaults", () => {
    expect(train.sgd(0.1)).toBeInstanceOf(SGD);
    const m = train.momentum(0.1, 0.8, true);
    expect([m.learningRate, m.getConfig().momentum, m.getConfig().useNesterov]).toEqual([0.1, 0.8, true]);
    expect(train.adam().getConfig()).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999 });
    expect(train.adamax().getConfig()).toMatchObject({ learningRate: 0.002 });
    expect(train.adadelta().getConfig()).toMatchObject({ learningRate: 0.001, rho: 0.95 });
    expect(train.adagrad(0.5).getConfig()).toMatchObject({ learningRate: 0.5, initialAccumulatorValue: 0.1 });
    expect(train.rmsprop(0.01, 0.8, 0.5, undefined, true).getConfig()).toMatchObject({ rho: 0.8, momentum: 0.5, centered: true });
    expect(() => train.adam(0.001, 1.5)).toThrow(/beta1/);
  });
});
