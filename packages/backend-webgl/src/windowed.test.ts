// Long rows (≥ 256 terms) are reduced in windows: max/min over the last axis,
// and softmax/logSoftmax's row max and tail sum. Checked against independent
// references on rows with NaN, ±Infinity, ties and signed zeros: max/min
// exactly against JS; softmax/logSoftmax against the serial row loops (the
// threshold raised) and, on rows without NaN or ±Infinity, the float64 reference.
// softmaxCrossEntropy runs as one program below the threshold (its own copy
// of the row loops) and through the windowed statistics above it: both agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceBackend } from '@polytensor/conformance';
import type { Backend, TensorInfo } from '@polytensor/core';
import type { WebGLBackend } from './index.js';
import { newBackend } from './test_util.js';

const N = 1000;
/** Rows of N values, each with its own special pattern (row r in [0, 8)). */
function rows(): Float32Array {
  const out = new Float32Array(8 * N);
  let s = 12345;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = (s / 2147483648) * 16 - 8;
  }
  const row = (r: number) => out.subarray(r * N, (r + 1) * N);
  row(1)[700] = Number.NaN; // NaN wins
  row(2)[3] = Number.POSITIVE_INFINITY; // one +Inf
  row(3)[10] = Number.POSITIVE_INFINITY; // two +Inf: softmax NaN
  row(3)[990] = Number.POSITIVE_INFINITY;
  row(4).fill(Number.NEGATIVE_INFINITY); // all −Inf
  row(5).fill(-0); // signed zeros: the first one is the max
  row(5)[500] = 0;
  row(6)[42] = 50; // a dominant max, tied once far away
  row(6)[999] = 50;
  row(7)[0] = 100; // a dominant max: log-softmax outputs near 0 there
  return out;
}

/** Serial max/min with NaN propagation, the first of equal values kept. */
function jsReduce(op: 'max' | 'min', v: Float32Array): number[] {
  const out: number[] = [];
  for (let r = 0; r < v.length / N; r++) {
    let acc = op === 'max' ? -Infinity : Infinity;
    for (let j = 0; j < N; j++) {
      const x = v[r * N + j]!;
      if (Number.isNaN(x) || Number.isNaN(acc)) acc = Number.NaN;
      else if (op === 'max' ? x > acc : x < acc) acc = x;
    }
    out.push(acc);
  }
  return out;
}

describe('windowed reductions over long rows', () => {
  let gl: WebGLBackend;
  const ref = createReferenceBackend();
  beforeAll(async () => {
    gl = await newBackend();
  });
  afterAll(() => {
    gl.dispose();
    ref.dispose();
  });
  const input = (b: Backend, v: Float32Array): TensorInfo => ({ dataId: b.write(v, [8, N], 'float32'), shape: [8, N], dtype: 'float32' });

  it('max and min over the last axis equal the serial JS reduction exactly', () => {
    const v = rows();
    for (const op of ['max', 'min'] as const) {
      const x = input(gl, v);
      const y = gl.kernels.reduce(op, x, [1]);
      expect(y.shape).toEqual([8]);
      const got = Array.from(gl.readSync(y.dataId));
      const want = jsReduce(op, v);
      got.forEach((g, r) => expect(Object.is(g, want[r]) || (Number.isNaN(g) && Number.isNaN(want[r])), `${op} row ${r}: ${g} vs ${want[r]}`).toBe(true));
      gl.disposeData(x.dataId);
      gl.disposeData(y.dataId);
    }
    expect(gl.numDataIds()).toBe(0);
  });

  it('softmax and logSoftmax: windowed equals the serial row loops (same NaN/±Infinity, values within 1e-6), and the float64 reference on finite rows', () => {
    const v = rows();
    for (const kernel of ['softmax', 'logSoftmax'] as const) {
      const run = (minTerms: number): Float32Array => {
        gl.store.windowMinTerms = minTerms;
        const x = input(gl, v);
        const y = gl.kernels[kernel](x);
        const out = gl.readSync(y.dataId) as Float32Array;
        for (const t of [x, y]) gl.disposeData(t.dataId);
        return out;
      };
      let windowed: Float32Array;
      let serial: Float32Array;
      try {
        windowed = run(256);
        serial = run(Infinity);
      } finally {
        gl.store.windowMinTerms = 256;
      }
      const xr = input(ref, v);
      const yr = ref.kernels[kernel](xr);
      const want = ref.readSync(yr.dataId);
      for (const t of [xr, yr]) ref.disposeData(t.dataId);
      const finiteRows = [0, 5, 6, 7];
      for (let i = 0; i < want.length; i++) {
        const g = windowed[i]!;
        const s = serial[i]!;
        const same = Number.isNaN(s) ? Number.isNaN(g) : !Number.isFinite(s) ? g === s : Math.abs(g - s) <= 1e-6 * Math.abs(s) + 1e-37;
        if (!same) expect.fail(`${kernel}: element ${i} (row ${Math.floor(i / N)}): windowed ${g}, serial ${s}`);
        const w = want[i]!;
        if (finiteRows.includes(Math.floor(i / N)) && !(Math.abs(g - w) <= 1e-5 * Math.abs(w) + 1e-37)) {
          expect.fail(`${kernel}: element ${i} (row ${Math.floor(i / N)}): ${g}, float64 reference ${w}`);
        }
      }
    }
    expect(gl.numDataIds()).toBe(0);
  });

  it('softmax on packed rows: odd row counts and lengths, rank 3, and an input a packed op produced agree with the serial loops and the float64 reference', () => {
    let seed = 99;
    const values = (size: number): Float32Array =>
      Float32Array.from({ length: size }, () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return (seed / 2147483648) * 6 - 3; // a padding lane read as a term (exp(0 − max) ≥ e⁻³) would show
      });
    const cases: Array<{ shape: number[]; viaAdd: boolean }> = [
      { shape: [7, 999], viaAdd: false }, // odd rows: the last texel overhangs a row; odd n: a column
      { shape: [3, 5, 301], viaAdd: false },
      { shape: [1, 1000], viaAdd: true }, // logits left packed by an elementwise op, as in a model
      { shape: [512], viaAdd: true },
    ];
    for (const { shape, viaAdd } of cases) {
      const size = shape.reduce((a, b) => a * b, 1);
      const v = values(size);
      const run = (b: Backend): Float32Array => {
        const x = { dataId: b.write(v, shape, 'float32'), shape, dtype: 'float32' as const };
        const zero = { dataId: b.write(new Float32Array(size), shape, 'float32'), shape, dtype: 'float32' as const };
        const logits = viaAdd ? b.kernels.binary('add', x, zero, shape) : x;
        const y = b.kernels.softmax(logits);
        expect(y.shape).toEqual(shape);
        const out = Float32Array.from(b.readSync(y.dataId));
        for (const t of new Set([x, zero, logits, y])) b.disposeData(t.dataId);
        return out;
      };
      let packed: Float32Array;
      let serial: Float32Array;
      try {
        gl.store.windowMinTerms = 256;
        packed = run(gl);
        gl.store.windowMinTerms = Infinity;
        serial = run(gl);
      } finally {
        gl.store.windowMinTerms = 256;
      }
      const want = run(ref);
      for (let i = 0; i < size; i++) {
        const [p, q, w] = [packed[i]!, serial[i]!, want[i]!];
        if (!(Math.abs(p - q) <= 1e-6 * Math.abs(q) + 1e-37) || !(Math.abs(p - w) <= 1e-5 * Math.abs(w) + 1e-37)) {
          expect.fail(`[${shape.join(',')}] element ${i}: packed rows ${p}, serial ${q}, float64 reference ${w}`);
        }
      }
    }
    expect(gl.numDataIds()).toBe(0);
  });

  it('softmaxCrossEntropy: the one-program path equals the windowed one (same NaN/±Infinity, within 1e-6) and the float64 reference on finite rows', () => {
    const v = rows();
    // soft labels: every weight nonzero, so each row's special values reach the sum
    const labels = Float32Array.from(v, (_, i) => ((i * 7919) % 101) / 5050 + 1e-4);
    const run = (b: Backend): Float32Array => {
      const x = input(b, v);
      const y = input(b, labels);
      const out = b.kernels.softmaxCrossEntropy(x, y);
      const got = b.readSync(out.dataId) as Float32Array;
      for (const t of [x, y, out]) b.disposeData(t.dataId);
      return Float32Array.from(got);
    };
    let windowed: Float32Array;
    let one: Float32Array;
    try {
      gl.store.windowMinTerms = 256;
      windowed = run(gl);
      gl.store.windowMinTerms = Infinity;
      one = run(gl);
    } finally {
      gl.store.windowMinTerms = 256;
    }
    const want = run(ref);
    expect(one.length).toBe(8);
    for (let r = 0; r < 8; r++) {
      const o = one[r]!;
      const w = windowed[r]!;
      const same = Number.isNaN(w) ? Number.isNaN(o) : !Number.isFinite(w) ? o === w : Math.abs(o - w) <= 1e-6 * Math.abs(w) + 1e-37;
      expect(same, `row ${r}: one program ${o}, windowed ${w}`).toBe(true);
      if ([0, 5, 6, 7].includes(r))
        expect(Math.abs(o - want[r]!), `row ${r}: ${o}, float64 reference ${want[r]}`).toBeLessThanOrEqual(1e-5 * Math.abs(want[r]!));
    }
    expect(gl.numDataIds()).toBe(0);
  });
});
