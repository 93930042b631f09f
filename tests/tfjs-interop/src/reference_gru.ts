// An independent float64 forward pass of Embedding → GRU (Keras 2: reset_after,
// sigmoid gates) → Dense softmax, for a Keras file tfjs cannot load (tfjs's
// GRU has no reset_after). Written from Keras' GRU equations:
//   [x_z, x_r, x_h] = x·W + b_input        [h_z, h_r, h_h] = h·U + b_recurrent
//   z = σ(x_z + h_z)   r = σ(x_r + h_r)   h̃ = tanh(x_h + r ⊙ h_h)   h' = z ⊙ h + (1 − z) ⊙ h̃

export interface GruTextWeights {
  /** [vocab, embed] */
  embeddings: Float64Array;
  /** [embed, 3·units], columns z, r, h */
  kernel: Float64Array;
  /** [units, 3·units] */
  recurrentKernel: Float64Array;
  /** [2, 3·units]: the input bias row, then the recurrent bias row */
  bias: Float64Array;
  /** [units, classes] */
  denseKernel: Float64Array;
  denseBias: Float64Array;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Class probabilities [batch, classes] for integer ids [batch, time]. */
export function gruTextForward(
  w: GruTextWeights,
  ids: ArrayLike<number>,
  batch: number,
  time: number,
  embed: number,
  units: number,
  classes: number,
): Float64Array {
  const out = new Float64Array(batch * classes);
  const k3 = 3 * units;
  for (let b = 0; b < batch; b++) {
    let h = new Float64Array(units);
    for (let t = 0; t < time; t++) {
      const id = ids[b * time + t]!;
      const x = w.embeddings.subarray(id * embed, (id + 1) * embed);
      const xw = new Float64Array(k3);
      const hu = new Float64Array(k3);
      for (let j = 0; j < k3; j++) {
        let s = w.bias[j]!;
        for (let i = 0; i < embed; i++) s += x[i]! * w.kernel[i * k3 + j]!;
        xw[j] = s;
        let r = w.bias[k3 + j]!;
        for (let i = 0; i < units; i++) r += h[i]! * w.recurrentKernel[i * k3 + j]!;
        hu[j] = r;
      }
      const next = new Float64Array(units);
      for (let u = 0; u < units; u++) {
        const z = sigmoid(xw[u]! + hu[u]!);
        const r = sigmoid(xw[units + u]! + hu[units + u]!);
        const cand = Math.tanh(xw[2 * units + u]! + r * hu[2 * units + u]!);
        next[u] = z * h[u]! + (1 - z) * cand;
      }
      h = next;
    }
    const logits = Array.from({ length: classes }, (_, c) => {
      let s = w.denseBias[c]!;
      for (let u = 0; u < units; u++) s += h[u]! * w.denseKernel[u * classes + c]!;
      return s;
    });
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    const total = e.reduce((a, v) => a + v, 0);
    e.forEach((v, c) => {
      out[b * classes + c] = v / total;
    });
  }
  return out;
}
