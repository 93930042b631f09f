// Recurrent layers and their wrappers against float64 references written
// plainly here: forward values, gradients (inputs, initial states, every
// weight) by central finite differences, masking, goBackwards, returnState,
// save/load, summaries, and the errors bad input gets.
import { describe, expect, it } from 'vitest';
import {
  Bidirectional,
  countKernels,
  deserializeLayer,
  Dense,
  Embedding,
  GRU,
  LSTM,
  type Layer,
  Sequential,
  SimpleRNN,
  type Tensor,
  TimeDistributed,
  grads,
  input,
  loadModel,
  memory,
  model,
  mul,
  numericGrad,
  setSeed,
  sum,
  tensor,
  variableGrads,
} from './helpers.js';

const values = (n: number, seed: number, scale = 1): number[] =>
  Array.from({ length: n }, (_, i) => scale * Math.sin(1.3 * i + seed) * (0.5 + 0.5 * Math.cos(0.7 * i * seed)));
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

interface Geometry {
  batch: number;
  time: number;
  feat: number;
  units: number;
}
interface RnnOptions {
  returnSequences?: boolean;
  goBackwards?: boolean;
  /** [batch, time] 0/1 */
  mask?: number[];
  resetAfter?: boolean;
}

/** Float64 SimpleRNN / LSTM / GRU over x [batch, time, feat]; weights W [feat, g·u], U [u, g·u], b. Returns [output flat, ...final states flat]. */
function rnn64(kind: 'simple' | 'lstm' | 'gru', x: number[], ws: number[][], initial: number[][], g: Geometry, o: RnnOptions): number[][] {
  const { batch, time, feat, units: u } = g;
  const gates = kind === 'simple' ? 1 : kind === 'lstm' ? 4 : 3;
  const [W, U, b] = ws as [number[], number[], number[] | undefined];
  const xw = (n: number, t: number, j: number): number => {
    let s = 0;
    for (let k = 0; k < feat; k++) s += x[(n * time + t) * feat + k]! * W[k * gates * u + j]!;
    return s;
  };
  const hu = (h: number[], j: number, n: number, uu = U): number => {
    let s = 0;
    for (let k = 0; k < u; k++) s += h[n * u + k]! * uu[k * gates * u + j]!;
    return s;
  };
  let h = initial[0] ? [...initial[0]] : new Array<number>(batch * u).fill(0);
  let c = initial[1] ? [...initial[1]] : new Array<number>(batch * u).fill(0);
  const seq: number[][] = [];
  let last = new Array<number>(batch * u).fill(0);
  for (let k = 0; k < time; k++) {
    const t = o.goBackwards ? time - 1 - k : k;
    const h2 = new Array<number>(batch * u).fill(0);
    const c2 = new Array<number>(batch * u).fill(0);
    for (let n = 0; n < batch; n++) {
      for (let j = 0; j < u; j++) {
        if (kind === 'simple') {
          h2[n * u + j] = Math.tanh(xw(n, t, j) + hu(h, j, n) + (b ? b[j]! : 0));
        } else if (kind === 'lstm') {
          const z = (q: number) => xw(n, t, q * u + j) + hu(h, q * u + j, n) + (b ? b[q * u + j]! : 0);
          const i = sigmoid(z(0));
          const f = sigmoid(z(1));
          const gg = Math.tanh(z(2));
          const og = sigmoid(z(3));
          c2[n * u + j] = f * c[n * u + j]! + i * gg;
          h2[n * u + j] = og * Math.tanh(c2[n * u + j]!);
        } else {
          const bi = (q: number) => (b ? b[q * u + j]! : 0);
          const br = (q: number) => (b && o.resetAfter !== false ? b[3 * u + q * u + j]! : 0);
          const z = sigmoid(xw(n, t, j) + bi(0) + hu(h, j, n) + br(0));
          const r = sigmoid(xw(n, t, u + j) + bi(1) + hu(h, u + j, n) + br(1));
          let cand: number;
          if (o.resetAfter !== false) cand = Math.tanh(xw(n, t, 2 * u + j) + bi(2) + r * (hu(h, 2 * u + j, n) + br(2)));
          else {
            // (r ⊙ h)·U_h: r differs per unit, so reset each h component by its own r.
            let s = 0;
            for (let kk = 0; kk < u; kk++) {
              const rk = sigmoid(xw(n, t, u + kk) + (b ? b[u + kk]! : 0) + hu(h, u + kk, n));
              s += rk * h[n * u + kk]! * U[kk * 3 * u + 2 * u + j]!;
            }
            cand = Math.tanh(xw(n, t, 2 * u + j) + bi(2) + s);
            void r;
          }
          h2[n * u + j] = z * h[n * u + j]! + (1 - z) * cand;
        }
      }
    }
    const m = o.mask;
    const step = h2.map((v, i) => (m && m[Math.floor(i / u) * time + t] === 0 ? 0 : v));
    if (m) {
      for (let i = 0; i < batch * u; i++) {
        const keep = m[Math.floor(i / u) * time + t] === 0;
        if (!keep) {
          h[i] = h2[i]!;
          c[i] = c2[i]!;
          last[i] = h2[i]!;
        }
      }
    } else {
      h = h2;
      c = c2;
      last = h2;
    }
    seq.push(step);
  }
  let out: number[];
  if (o.returnSequences) {
    out = [];
    for (let n = 0; n < batch; n++) for (let k = 0; k < time; k++) out.push(...seq[k]!.slice(n * u, n * u + u));
  } else out = last;
  return kind === 'lstm' ? [out, h, c] : [out, h];
}

/**
 * Check outputs and the gradients of L = Σ output_k ⊙ R_k w.r.t. every input
 * (x and initial states) and every trainable weight against `ref`.
 */
function checkRecurrent(
  layer: Layer,
  inputs: Array<{ values: number[]; shape: number[] }>,
  ref: (xs: number[][], ws: number[][]) => number[][],
  mask?: Tensor,
  tol = 2e-3,
): void {
  const xs = inputs.map((i) => tensor(i.values, i.shape));
  const x0 = inputs.map((i) => i.values);
  const outs = layer.applyMulti(xs, { training: true, mask: mask ?? null });
  const ws = layer.weights.map((w) => w.variable);
  const w0 = ws.map((w) => Array.from(w.dataSync()));
  const want = ref(x0, w0);
  expect(outs.length).toBe(want.length);
  outs.forEach((o, k) => Array.from(o.dataSync()).forEach((v, i) => expect(v, `output ${k}[${i}]`).toBeCloseTo(want[k]![i]!, 5)));
  const rs = want.map((w, k) => values(w.length, 3 + k));
  const loss = (ts: Tensor[]): Tensor =>
    layer
      .applyMulti(ts, { training: true, mask: mask ?? null })
      .map((o, k) => sum(mul(o.reshape([-1]), tensor(rs[k]!))))
      .reduce((a, b) => a.add(b));
  const loss64 = (xv: number[][], wv: number[][]): number => ref(xv, wv).reduce((s, o, k) => s + o.reduce((t, v, i) => t + v * rs[k]![i]!, 0), 0);
  const close = (got: ArrayLike<number>, num: Float64Array, what: string): void =>
    num.forEach((g, i) => expect(Math.abs(got[i]! - g), `${what}[${i}]`).toBeLessThan(tol * Math.max(1, Math.abs(g))));
  const gx = grads((...ts: Tensor[]) => loss(ts))(xs);
  gx.forEach((g, k) => {
    close(
      g.dataSync(),
      numericGrad(
        (v) =>
          loss64(
            x0.map((a, j) => (j === k ? Array.from(v) : a)),
            w0,
          ),
        Float64Array.from(x0[k]!),
      ),
      `d/dinput${k}`,
    );
  });
  const vg = variableGrads(() => loss(xs), layer.trainableWeights);
  layer.weights.forEach(({ name, variable }, k) => {
    const num = numericGrad(
      (v) =>
        loss64(
          x0,
          w0.map((a, j) => (j === k ? Array.from(v) : a)),
        ),
      Float64Array.from(w0[k]!),
    );
    close(vg.grads[variable.name]!.dataSync(), num, `d/d${name}`);
  });
  for (const t of [...xs, ...outs, ...gx, vg.value, ...Object.values(vg.grads)]) t.dispose();
  layer.dispose();
}

const G: Geometry = { batch: 2, time: 4, feat: 3, units: 2 };
const xIn = { values: values(G.batch * G.time * G.feat, 1), shape: [G.batch, G.time, G.feat] };
const bias = { biasInitializer: { className: 'RandomNormal', config: { mean: 0, stddev: 0.3, seed: 4 } } } as const;

describe('recurrent layers match float64 references, forward and backward', () => {
  for (const [kind, make] of [
    ['simple', (a: object) => new SimpleRNN({ units: 2, ...bias, ...a })],
    ['lstm', (a: object) => new LSTM({ units: 2, ...bias, ...a })],
    ['gru', (a: object) => new GRU({ units: 2, ...bias, ...a })],
  ] as const) {
    it(`${kind}: last output and full sequence, forwards and backwards`, () => {
      for (const o of [{}, { returnSequences: true }, { goBackwards: true }, { returnSequences: true, goBackwards: true }] as RnnOptions[]) {
        setSeed(5);
        checkRecurrent(make(o), [xIn], ([x], ws) => rnn64(kind, x!, ws, [], G, o).slice(0, 1));
      }
    });

    it(`${kind}: returnState with given initial states, and masked (padded) steps`, () => {
      setSeed(6);
      const states = Array.from({ length: kind === 'lstm' ? 2 : 1 }, (_, i) => ({ values: values(G.batch * G.units, 7 + i, 0.5), shape: [G.batch, G.units] }));
      checkRecurrent(make({ returnState: true, returnSequences: true }), [xIn, ...states], ([x, ...init], ws) =>
        rnn64(kind, x!, ws, init, G, { returnSequences: true }),
      );
      const mask = [1, 1, 1, 0, 1, 1, 0, 0]; // the second sequence is two steps long
      const m = tensor(mask, [G.batch, G.time]);
      for (const o of [{ returnSequences: true, mask }, { mask }, { goBackwards: true, mask }] as RnnOptions[]) {
        setSeed(7);
        checkRecurrent(
          make({ returnSequences: o.returnSequences, goBackwards: o.goBackwards }),
          [xIn],
          ([x], ws) => rnn64(kind, x!, ws, [], G, o).slice(0, 1),
          m,
        );
      }
      m.dispose();
    });
  }

  it('GRU with resetAfter: false (the reset gate before the recurrent matMul; tfjs and Keras 1)', () => {
    setSeed(8);
    checkRecurrent(new GRU({ units: 2, resetAfter: false, returnSequences: true, ...bias }), [xIn], ([x], ws) =>
      rnn64('gru', x!, ws, [], G, { returnSequences: true, resetAfter: false }).slice(0, 1),
    );
  });

  it('Bidirectional concatenates a forward and a backward pass (the backward sequence back in time order); TimeDistributed applies Dense per step', () => {
    setSeed(9);
    const bi = new Bidirectional({ layer: new LSTM({ units: 2, returnSequences: true, ...bias }) });
    checkRecurrent(bi, [xIn], ([x], ws) => {
      const f = rnn64('lstm', x!, ws.slice(0, 3), [], G, { returnSequences: true })[0]!;
      const b = rnn64('lstm', x!, ws.slice(3), [], G, { returnSequences: true, goBackwards: true })[0]!;
      const out: number[] = [];
      for (let n = 0; n < G.batch; n++)
        for (let t = 0; t < G.time; t++) {
          const bt = G.time - 1 - t;
          out.push(...f.slice((n * G.time + t) * 2, (n * G.time + t) * 2 + 2), ...b.slice((n * G.time + bt) * 2, (n * G.time + bt) * 2 + 2));
        }
      return [out];
    });
    setSeed(10);
    const td = new TimeDistributed({ layer: new Dense({ units: 2, activation: 'tanh', ...bias }) });
    checkRecurrent(td, [xIn], ([x], [w, b]) => {
      const out: number[] = [];
      for (let r = 0; r < G.batch * G.time; r++)
        for (let j = 0; j < 2; j++) {
          let s = b![j]!;
          for (let k = 0; k < G.feat; k++) s += x![r * G.feat + k]! * w![k * 2 + j]!;
          out.push(Math.tanh(s));
        }
      return [out];
    });
  });
});

describe('Embedding and masks through models', () => {
  it('Embedding looks rows up (gradient: the rows used, summed); maskZero makes an LSTM after it skip padding, in Sequential and functional models', () => {
    setSeed(11);
    const emb = new Embedding({ inputDim: 5, outputDim: 3, maskZero: true });
    const ids = tensor([1, 4, 0, 2, 2, 0], [2, 3], 'int32');
    const y = emb.apply(ids);
    const table = Array.from(emb.weights[0]!.variable.dataSync());
    const idv = [1, 4, 0, 2, 2, 0];
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBe(table[idv[Math.floor(i / 3)]! * 3 + (i % 3)]!));
    const r = values(18, 2);
    const { grads: g, value } = variableGrads(() => sum(mul(emb.apply(ids).reshape([-1]), tensor(r))), emb.trainableWeights);
    const gv = g[emb.weights[0]!.variable.name]!.dataSync();
    for (let row = 0; row < 5; row++)
      for (let k = 0; k < 3; k++) {
        const want = idv.reduce((s, id, p) => s + (id === row ? r[p * 3 + k]! : 0), 0);
        expect(gv[row * 3 + k]).toBeCloseTo(want, 6);
      }
    for (const t of [y, value, ...Object.values(g)]) t.dispose();
    // A padded sequence gives the same LSTM output as the unpadded one.
    const seq = new Sequential({ layers: [emb, new LSTM({ units: 2 })] });
    const long = tensor([[3, 1, 0, 0]], [1, 4], 'int32');
    const short = tensor([[3, 1]], [1, 2], 'int32');
    const padded = seq.predict(long);
    const plain = seq.predict(short);
    expect(Array.from(padded.dataSync())).toEqual(Array.from(plain.dataSync()));
    const x = input({ shape: [null], dtype: 'int32' });
    const fm = model({ inputs: x, outputs: new LSTM({ units: 2, name: 'f_lstm' }).apply(emb.apply(x)) });
    const fp = fm.predict(long) as Tensor;
    const fq = fm.predict(short) as Tensor;
    expect(Array.from(fp.dataSync())).toEqual(Array.from(fq.dataSync()));
    for (const t of [ids, long, short, padded, plain, fp, fq]) t.dispose();
    seq.dispose();
    fm.dispose();
  });
});

describe('save, load, summary', () => {
  it('a text classifier (Embedding, Bidirectional LSTM, GRU, TimeDistributed, Dense) round-trips with bit-identical predictions; Keras parameter counts', async () => {
    setSeed(12);
    const m = new Sequential({
      name: 'text',
      layers: [
        new Embedding({ inputDim: 20, outputDim: 4, inputLength: 6, maskZero: true, name: 'emb' }),
        new Bidirectional({ name: 'bi', layer: new LSTM({ units: 3, returnSequences: true }) }),
        new TimeDistributed({ name: 'td', layer: new Dense({ units: 2 }) }),
        new GRU({ units: 3, name: 'gru' }),
        new Dense({ units: 2, activation: 'softmax', name: 'out' }),
      ],
    });
    m.build();
    const text = m.summary(() => {});
    expect(text).toMatch(/emb \(Embedding\)\s+\[null,6,4\]\s+80\n/);
    expect(text).toMatch(/bi \(Bidirectional\)\s+\[null,6,6\]\s+192\n/); // 2 · 4·(3·(4+3)+3)
    expect(text).toMatch(/td \(TimeDistributed\)\s+\[null,6,2\]\s+14\n/);
    expect(text).toMatch(/gru \(GRU\)\s+\[null,3\]\s+63\n/); // 3·(3·(2+3)+2·3)
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await m.save('memory://text');
    const loaded = await loadModel('memory://text');
    const ids = tensor([3, 5, 7, 0, 0, 0, 1, 2, 19, 4, 4, 0], [2, 6], 'int32');
    const a = m.predict(ids);
    const b = loaded.predict(ids);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(loaded.weights.map((w) => w.name)).toEqual(m.weights.map((w) => w.name));
    expect(m.weights.map((w) => w.name).slice(1, 4)).toEqual(['bi/forward/kernel', 'bi/forward/recurrentKernel', 'bi/forward/bias']);
    for (const t of [ids, a, b]) t.dispose();
    m.dispose();
    loaded.dispose();
  });

  it('returnState outputs in a functional model; an encoder state starts a decoder (initial state inputs)', async () => {
    setSeed(13);
    const src = input({ shape: [5, 3] });
    const tgt = input({ shape: [4, 3] });
    const [, h, c] = new LSTM({ units: 4, returnState: true, name: 'enc' }).applyMulti(src);
    const dec = new LSTM({ units: 4, returnSequences: true, name: 'dec' }).apply([tgt, h!, c!]);
    const m = model({ inputs: [src, tgt], outputs: new TimeDistributed({ layer: new Dense({ units: 3 }), name: 'proj' }).apply(dec) });
    expect(m.outputShape).toEqual([null, 4, 3]);
    await m.save('memory://seq2seq');
    const loaded = await loadModel<typeof m>('memory://seq2seq');
    const xs = [tensor(values(30, 1), [2, 5, 3]), tensor(values(24, 2), [2, 4, 3])];
    const a = m.predict(xs) as Tensor;
    const b = loaded.predict(xs) as Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    for (const t of [...xs, a, b]) t.dispose();
    m.dispose();
    loaded.dispose();
  });
});

describe('recurrent layers refuse bad input clearly, at build time', () => {
  it('wrong rank, initial states of the wrong count or shape, a mask of the wrong shape, unsupported options, ids out of range', () => {
    const before = memory().numTensors;
    expect(() => new LSTM({ units: 2 }).apply(input({ shape: [3] }))).toThrow(
      /LSTM\): needs inputs \[batch, time, features\] with known features, got \[null,3\]/,
    );
    const x = input({ shape: [4, 3] });
    expect(() => new LSTM({ units: 2 }).apply([x, input({ shape: [2] })])).toThrow(/takes 2 initial state\(s\), got 1/);
    expect(() => new GRU({ units: 2 }).apply([x, input({ shape: [5] })])).toThrow(/an initial state must have shape \[batch, 2\], got \[null,5\]/);
    expect(() => new LSTM({ units: 2, stateful: true })).toThrow(/stateful recurrent layers are not supported/);
    expect(() => new LSTM({ units: 2, dropout: 0.2 })).toThrow(/dropout inside the recurrent layer is not supported yet/);
    expect(() => new Bidirectional({ layer: new Dense({ units: 2 }) as never })).toThrow(/wraps a recurrent layer \(SimpleRNN, LSTM, GRU\), got Dense/);
    expect(() => new TimeDistributed({ layer: new Dense({ units: 2 }) }).apply(input({ shape: [3] }))).toThrow(
      /needs inputs \[batch, time, \.\.\.\] of rank ≥ 3/,
    );
    const lstm = new LSTM({ units: 2 });
    const t = tensor(values(24, 3), [2, 4, 3]);
    const badMask = tensor([1, 1, 1], [1, 3]);
    expect(() => lstm.apply(t, { training: false, mask: badMask })).toThrow(/the mask has shape \[1,3\] but the input needs \[2,4\]/);
    const emb = new Embedding({ inputDim: 3, outputDim: 2 });
    const ids = tensor([0, 3], [1, 2], 'int32');
    expect(() => emb.apply(ids)).toThrow(/Embedding\): index 3 at position 1 is out of range \[0, 3\).*ids must be integers in \[0, inputDim = 3\)/);
    const frac = tensor([0.5], [1, 1]);
    expect(() => emb.apply(frac)).toThrow(/id 0.5 at position 0 is not an integer/);
    for (const u of [t, badMask, ids, frac]) u.dispose();
    lstm.dispose();
    emb.dispose();
    expect(memory().numTensors).toBe(before);
  });
});

/** A returned sequence [batch, time, units] (flat) with its steps in the opposite order. */
const flipTime = (seq: number[], g: Geometry): number[] => {
  const out: number[] = [];
  for (let n = 0; n < g.batch; n++)
    for (let t = 0; t < g.time; t++) out.push(...seq.slice((n * g.time + g.time - 1 - t) * g.units, (n * g.time + g.time - t) * g.units));
  return out;
};

describe('Bidirectional: merge modes, masks, initial and returned states', () => {
  it('sum, mul, ave, and null (both directions as two outputs) over a masked batch, against float64', () => {
    const mask = [1, 1, 1, 0, 1, 1, 0, 0];
    const m = tensor(mask, [G.batch, G.time]);
    for (const mergeMode of ['sum', 'mul', 'ave', null] as const) {
      setSeed(14);
      const bi = new Bidirectional({ layer: new GRU({ units: 2, returnSequences: true, ...bias }), mergeMode });
      checkRecurrent(
        bi,
        [xIn],
        ([x], ws) => {
          const f = rnn64('gru', x!, ws.slice(0, 3), [], G, { returnSequences: true, mask })[0]!;
          const b = flipTime(rnn64('gru', x!, ws.slice(3), [], G, { returnSequences: true, goBackwards: true, mask })[0]!, G);
          if (mergeMode === null) return [f, b];
          return [f.map((v, i) => (mergeMode === 'sum' ? v + b[i]! : mergeMode === 'mul' ? v * b[i]! : (v + b[i]!) / 2))];
        },
        m,
      );
    }
    m.dispose();
  });

  it("returnState gives [merged, forward states, backward states]; initial states are the forward layer's, then the backward one's", () => {
    setSeed(15);
    const bi = new Bidirectional({ layer: new LSTM({ units: 2, returnState: true, ...bias }) });
    expect(bi.computeOutputShape([[null, 4, 3], ...Array.from({ length: 4 }, (): [null, number] => [null, 2])])).toEqual([
      [null, 4],
      [null, 2],
      [null, 2],
      [null, 2],
      [null, 2],
    ]);
    const states = Array.from({ length: 4 }, (_, i) => ({ values: values(G.batch * G.units, 20 + i, 0.5), shape: [G.batch, G.units] }));
    checkRecurrent(bi, [xIn, ...states], ([x, hf, cf, hb, cb], ws) => {
      const [fo, fh, fc] = rnn64('lstm', x!, ws.slice(0, 3), [hf!, cf!], G, {});
      const [bo, bh, bc] = rnn64('lstm', x!, ws.slice(3), [hb!, cb!], G, { goBackwards: true });
      const merged: number[] = [];
      for (let n = 0; n < G.batch; n++) merged.push(...fo!.slice(n * 2, n * 2 + 2), ...bo!.slice(n * 2, n * 2 + 2));
      return [merged, fh!, fc!, bh!, bc!];
    });
    const x = input({ shape: [4, 3] });
    const h = input({ shape: [2] });
    expect(() => new Bidirectional({ layer: new LSTM({ units: 2 }) }).apply([x, h, h])).toThrow(
      /Bidirectional\): takes 4 initial states \(2 for the forward LSTM, then 2 for the backward one\), got 2/,
    );
  });
});

describe('configs', () => {
  it('getConfig rebuilds an equal layer (new Cls(config) for the recurrent layers; deserializeLayer for the wrappers, which hold a saved layer)', () => {
    const made: Layer[] = [
      new SimpleRNN({ units: 3, activation: 'relu', useBias: false, returnSequences: true, goBackwards: true, name: 's' }),
      new LSTM({ units: 2, unitForgetBias: false, recurrentActivation: 'hardSigmoid', returnState: true, inputShape: [5, 3] }),
      new GRU({ units: 4, resetAfter: false, kernelInitializer: 'heNormal', recurrentInitializer: 'glorotUniform', biasInitializer: 'ones' }),
      new Bidirectional({ layer: new GRU({ units: 2, returnSequences: true }), mergeMode: 'ave', name: 'bi' }),
      new TimeDistributed({ layer: new Dense({ units: 3, activation: 'relu' }) }),
    ];
    for (const layer of made) {
      const config = JSON.parse(JSON.stringify(layer.getConfig()));
      const copy = deserializeLayer({ className: layer.className, config });
      expect(copy.constructor).toBe(layer.constructor);
      expect(copy.getConfig()).toEqual(layer.getConfig());
      if (!(layer instanceof Bidirectional || layer instanceof TimeDistributed)) {
        const direct = new (layer.constructor as new (c: object) => Layer)(config);
        expect(direct.getConfig()).toEqual(layer.getConfig());
      }
    }
  });
});

describe('masks', () => {
  it('bool, float32 and int32 masks agree, and NaN in padded steps reaches neither the outputs nor the states', () => {
    const mask = [1, 1, 1, 0, 1, 1, 0, 0];
    const clean = xIn.values.map((v, i) => (mask[Math.floor(i / G.feat)] ? v : 0));
    const dirty = xIn.values.map((v, i) => (mask[Math.floor(i / G.feat)] ? v : Number.NaN));
    for (const make of [
      () => new SimpleRNN({ units: 2, returnSequences: true, returnState: true }),
      () => new LSTM({ units: 2, returnSequences: true, returnState: true, goBackwards: true }),
      () => new GRU({ units: 2, returnState: true, resetAfter: false }),
    ]) {
      setSeed(16);
      const layer = make();
      const xs = [tensor(clean, xIn.shape), tensor(dirty, xIn.shape)];
      const masks = [tensor(mask, [2, 4], 'bool'), tensor(mask, [2, 4]), tensor(mask, [2, 4], 'int32')];
      const first = layer.applyMulti(xs[0]!, { training: false, mask: masks[0]! });
      const want = first.map((t) => Array.from(t.dataSync()));
      for (const x of xs)
        for (const m of masks) {
          const got = layer.applyMulti(x, { training: false, mask: m });
          expect(got.map((t) => Array.from(t.dataSync()))).toEqual(want);
          for (const t of got) t.dispose();
        }
      expect(want.flat().every(Number.isFinite)).toBe(true);
      for (const t of [...xs, ...masks, ...first]) t.dispose();
      layer.dispose();
    }
  });
});

describe('cost', () => {
  it("a training step's kernels write O(time) elements in all: no step pads a gradient to the whole sequence", () => {
    const step = (time: number): { elements: number; pads: number } => {
      const { calls, elements } = countKernels(() => {
        setSeed(17);
        const layers = [new LSTM({ units: 4, returnSequences: true }), new GRU({ units: 4 })];
        const x = tensor(values(2 * time * 16, 5), [2, time, 16]);
        layers[0]!.apply(x).dispose(); // builds
        const h = tensor(values(2 * time * 4, 6), [2, time, 4]);
        layers[1]!.apply(h).dispose();
        h.dispose();
        const vg = variableGrads(() => sum(layers[1]!.apply(layers[0]!.apply(x))), [...layers[0]!.trainableWeights, ...layers[1]!.trainableWeights]);
        for (const t of [x, vg.value, ...Object.values(vg.grads)]) t.dispose();
        for (const l of layers) l.dispose();
      });
      return { elements: [...elements.values()].reduce((a, b) => a + b, 0), pads: calls.get('pad') ?? 0 };
    };
    const short = step(16);
    const long = step(32);
    // GRU's bias rows are sliced once per call: one pad each in the backward pass, whatever the length.
    expect(long.pads).toBe(short.pads);
    expect(long.elements / short.elements).toBeLessThan(2.2);
  });
});

describe('recurrent layers refuse bad input clearly, at call time', () => {
  it('initial states of the wrong count or shape, inputs of the wrong rank', () => {
    const x = tensor(values(24, 3), [2, 4, 3]);
    const h = tensor(values(4, 4), [2, 2]);
    const wide = tensor(values(6, 5), [2, 3]);
    const other = tensor(values(6, 5), [3, 2]);
    const flat = tensor(values(6, 5), [2, 3]);
    expect(() => new LSTM({ units: 2 }).applyMulti([x, h])).toThrow(/LSTM\): takes 2 initial state\(s\), got 1/);
    expect(() => new GRU({ units: 2 }).applyMulti([x, wide])).toThrow(/GRU\): an initial state must have shape \[batch, 2\], got \[null,3\]/);
    const gru = new GRU({ units: 2 });
    expect(() => gru.applyMulti([x, other])).toThrow(/GRU\): initial state 0 has shape \[3,2\] but needs \[2,2\]/);
    gru.dispose();
    const built = new SimpleRNN({ units: 2 });
    built.apply([x, h]).dispose();
    expect(() => built.apply([x, wide])).toThrow(/SimpleRNN\): expected input 1 of shape \[null,2\], got \[2,3\]/);
    expect(() => new SimpleRNN({ units: 2 }).apply(flat)).toThrow(/SimpleRNN\): needs inputs \[batch, time, features\] with known features, got \[null,3\]/);
    expect(() => new Bidirectional({ layer: new SimpleRNN({ units: 2 }) }).applyMulti([x, h])).toThrow(/takes 2 initial states \(1 for the forward SimpleRNN/);
    for (const t of [x, h, wide, other, flat]) t.dispose();
    built.dispose();
  });

  it('bad arguments name the layer and the value', () => {
    expect(() => new LSTM({ units: 0 })).toThrow(/lstm_\d+: units must be a positive integer, got 0/);
    expect(() => new LSTM({ units: 2, unitForgetBias: 'yes' as never })).toThrow(/unitForgetBias must be true or false, got 'yes'/);
    expect(() => new GRU({ units: 2, resetAfter: 1 as never })).toThrow(/resetAfter must be true or false, got 1/);
    expect(() => new SimpleRNN({ units: 2, returnSequences: 'true' as never })).toThrow(/returnSequences must be true or false, got 'true'/);
    expect(() => new SimpleRNN({ units: 2, activation: 'nope' as never })).toThrow(/nope/);
    expect(() => new GRU({ units: 2, recurrentDropout: 0.1 })).toThrow(/recurrentDropout inside the recurrent layer is not supported yet; put a Dropout layer/);
    expect(() => new Bidirectional({ layer: new GRU({ units: 2 }), mergeMode: 'max' as never })).toThrow(
      /mergeMode must be 'concat', 'sum', 'mul', 'ave' or null, got "max"/,
    );
  });
});
