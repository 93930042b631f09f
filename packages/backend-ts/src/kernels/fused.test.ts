import { afterEach, describe, expect, it } from 'vitest';
import { computeConv2DInfo, type OptimizerUpdate, type TensorInfo } from '@polytensor/core';
import { Harness, randomFloats, randomOfShape, ACTIVATIONS } from '../test_util.js';

let h = new Harness();
afterEach(() => {
  expect(h.finish()).toBe(0);
  h = new Harness();
});

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('fusedConv2d', () => {
  it('is act(conv2d + bias) with one rounding, for every activation and geometry', () => {
    const cases: Array<[number[], number[], number, 'same' | 'valid']> = [
      [[2, 7, 6, 3], [3, 3, 3, 5], 1, 'same'],
      [[1, 9, 8, 2], [3, 2, 2, 4], 2, 'valid'],
      [[3, 4, 5, 6], [1, 1, 6, 7], 1, 'valid'],
    ];
    let seed = 1;
    for (const [xs, fs, stride, pad] of cases) {
      const info = computeConv2DInfo('conv2d', xs, fs, stride, pad);
      const xv = randomOfShape(xs, seed++);
      const wv = randomOfShape(fs, seed++);
      const bv = randomFloats(fs[3]!, seed++);
      const plain = h.outF32(h.be.kernels.conv2d(h.input(xv, xs), h.input(wv, fs), info));
      for (const a of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
        const out = h.be.kernels.fusedConv2d(h.input(xv, xs), h.input(wv, fs), h.input(bv, [fs[3]!]), a, info);
        expect(out.shape).toEqual(info.outShape);
        const got = h.outF32(out);
        got.forEach((g, i) => {
          // plain is the conv rounded once; the fused result rounds conv+bias once: allow both roundings
          const want = ACTIVATIONS[a](plain[i]! + bv[i % fs[3]!]!);
          const tol = (Math.abs(plain[i]!) + Math.abs(want)) * 2 ** -23 + 1e-12;
          expect(Math.abs(g - want), `${a} ${xs} #${i}`).toBeLessThanOrEqual(tol);
        });
      }
      const noBias = h.be.kernels.fusedConv2d(h.input(xv, xs), h.input(wv, fs), null, 'linear', info);
      expect(bits(h.outF32(noBias))).toEqual(bits(plain));
    }
  });
});

describe('softmaxCrossEntropy', () => {
  it('is Σ labels · −logSoftmax per row, in double, rounded once', () => {
    // biome-ignore format: two [4, 4] matrices: four rows of logits (ordinary, far apart, equal, near float32's limit) and their labels
    const [rows, labels] = [[[1, 2, 3, 4], [-50, 0, 50, 80], [0, 0, 0, 0], [3e38, -3e38, 0, 1]], [[0, 0, 0, 1], [0.25, 0.25, 0.5, 0], [1, 1, 0, 0], [0, 1, 0, 0]]];
    const out = h.be.kernels.softmaxCrossEntropy(h.input(rows.flat(), [2, 2, 4]), h.input(labels.flat(), [2, 2, 4]));
    expect(out.shape).toEqual([2, 2]);
    const got = h.outF32(out);
    rows.forEach((r, i) => {
      const x = r.map(Math.fround);
      const m = Math.max(...x);
      const lse = Math.log(x.reduce((s, v) => s + Math.exp(v - m), 0));
      const want = Math.fround(labels[i]!.reduce((s, y, c) => s + y * (m - x[c]! + lse), 0));
      expect(got[i]).toBe(want);
    });
    expect(h.out(h.be.kernels.softmaxCrossEntropy(h.input([NaN, 1], [1, 2]), h.input([0, 1], [1, 2])))).toEqual([NaN]);
  });
});

describe('optimizerUpdate', () => {
  const fr = Math.fround;
  /** The composite each rule must match bit for bit, run with this backend's own kernels. */
  function composite(u: OptimizerUpdate, value: TensorInfo, grad: TensorInfo, slots: TensorInfo[]): TensorInfo[] {
    const be = h.be;
    const temps: TensorInfo[] = [];
    const t = (x: TensorInfo): TensorInfo => {
      temps.push(x);
      return x;
    };
    const s = (v: number): TensorInfo => t({ dataId: be.write(Float32Array.of(v), [], 'float32'), shape: [], dtype: 'float32' });
    const bin = (op: 'add' | 'sub' | 'mul' | 'div', a: TensorInfo, b: TensorInfo): TensorInfo => t(be.kernels.binary(op, a, b, value.shape));
    const un = (op: 'sqrt' | 'square', a: TensorInfo): TensorInfo => t(be.kernels.unary(op, a));
    let res: TensorInfo[];
    switch (u.kind) {
      case 'sgd':
        res = [bin('sub', value, bin('mul', grad, s(u.lr)))];
        break;
      case 'momentum': {
        const a = bin('add', bin('mul', slots[0]!, s(u.momentum)), grad);
        const step = u.nesterov ? bin('add', grad, bin('mul', a, s(u.momentum))) : a;
        res = [bin('sub', value, bin('mul', step, s(u.lr))), a];
        break;
      }
      case 'adam': {
        const m = bin('add', bin('mul', slots[0]!, s(u.beta1)), bin('mul', grad, s(u.oneMinusBeta1)));
        const v = bin('add', bin('mul', slots[1]!, s(u.beta2)), bin('mul', un('square', grad), s(u.oneMinusBeta2)));
        res = [bin('sub', value, bin('mul', bin('div', m, bin('add', un('sqrt', v), s(u.epsilon))), s(u.alpha))), m, v];
        break;
      }
      case 'rmsprop': {
        const rms = bin('add', bin('mul', slots[0]!, s(u.rho)), bin('mul', un('square', grad), s(u.oneMinusRho)));
        const mg = u.centered ? bin('add', bin('mul', slots[1]!, s(u.rho)), bin('mul', grad, s(u.oneMinusRho))) : null;
        const denom = bin('add', mg ? bin('sub', rms, un('square', mg)) : rms, s(u.epsilon));
        const inc = bin('mul', bin('div', grad, un('sqrt', denom)), s(u.lr));
        const mom = u.momentum > 0 ? bin('add', bin('mul', slots[u.centered ? 2 : 1]!, s(u.momentum)), inc) : null;
        res = [bin('sub', value, mom ?? inc), rms, ...(mg ? [mg] : []), ...(mom ? [mom] : [])];
        break;
      }
      case 'adagrad': {
        const acc = bin('add', slots[0]!, un('square', grad));
        res = [bin('sub', value, bin('mul', bin('div', grad, un('sqrt', bin('add', acc, s(u.epsilon)))), s(u.lr))), acc];
        break;
      }
    }
    for (const x of temps) if (!res.includes(x)) be.disposeData(x.dataId);
    return res;
  }

  const updates: Array<[OptimizerUpdate, number]> = [
    [{ kind: 'sgd', lr: fr(0.1) }, 0],
    [{ kind: 'momentum', lr: fr(0.05), momentum: fr(0.9), nesterov: false }, 1],
    [{ kind: 'momentum', lr: fr(0.05), momentum: fr(0.9), nesterov: true }, 1],
    [
      {
        kind: 'adam',
        alpha: fr((0.001 * Math.sqrt(1 - 0.999 ** 3)) / (1 - 0.9 ** 3)),
        beta1: fr(0.9),
        oneMinusBeta1: fr(1 - 0.9),
        beta2: fr(0.999),
        oneMinusBeta2: fr(1 - 0.999),
        epsilon: fr(1e-7),
      },
      2,
    ],
    [{ kind: 'rmsprop', lr: fr(0.01), rho: fr(0.9), oneMinusRho: fr(1 - 0.9), momentum: 0, epsilon: fr(1e-7), centered: false }, 1],
    [{ kind: 'rmsprop', lr: fr(0.01), rho: fr(0.8), oneMinusRho: fr(1 - 0.8), momentum: fr(0.5), epsilon: fr(1e-6), centered: true }, 3],
    [{ kind: 'rmsprop', lr: fr(0.01), rho: fr(0.8), oneMinusRho: fr(1 - 0.8), momentum: fr(0.3), epsilon: fr(1e-6), centered: false }, 2],
    [{ kind: 'adagrad', lr: fr(0.1), epsilon: fr(1e-7) }, 1],
  ];

  for (const [u, nSlots] of updates) {
    it(`${u.kind}${'nesterov' in u && u.nesterov ? ' (nesterov)' : ''}${'centered' in u && u.centered ? ' (centered)' : ''} is bit-identical to its composite`, () => {
      const n = 301;
      const value = h.input(randomFloats(n, 1, -3, 3), [7, 43]);
      const grad = h.input(randomFloats(n, 2, -2, 2), [7, 43]);
      // Positive slots (second moments must be ≥ 0; centered rms ≥ mg²).
      const slots = Array.from({ length: nSlots }, (_, i) => h.input(randomFloats(n, 3 + i, i === 0 ? 1 : 0, i === 0 ? 2 : 0.5), [7, 43]));
      const fused = h.be.optimizer!.optimizerUpdate(u, value, grad, slots);
      const want = composite(u, value, grad, slots);
      expect(fused.length).toBe(1 + nSlots);
      fused.forEach((f, i) => {
        expect(f.shape).toEqual([7, 43]);
        expect(bits(h.outF32(f)), `output ${i}`).toEqual(bits(h.outF32(want[i]!)));
      });
    });
  }
});
