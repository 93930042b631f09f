// checkLayer: a layer's gradients (input and every trainable weight) from
// autodiff in float32 against central differences of a float64 reference.
import { expect } from 'vitest';
import { type Layer, type Tensor, grads, mul, numericGrad, sum, tensor, tidy, variableGrads } from './helpers.js';

/** Deterministic, kink-free test values. */
export const values = (n: number, seed: number, scale = 1): number[] =>
  Array.from({ length: n }, (_, i) => scale * Math.sin(1.3 * i + seed) * (0.5 + 0.5 * Math.cos(0.7 * i * seed)));

/**
 * Check d/d(input, weights) of L = sum(layer(x) ⊙ R) from autodiff (float32)
 * against central differences of a float64 reference of the layer. Inputs lie
 * in [-inputScale, inputScale] (raise it to reach an activation's far pieces).
 */
export function checkLayer(layer: Layer, inputShape: number[], ref: (x: number[], ws: number[][]) => number[], tol = 2e-3, inputScale = 1): void {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const x0 = values(size, 1, inputScale);
  const x = tensor(x0, inputShape);
  tidy(() => void layer.apply(x, { training: true })); // builds the weights
  const ws = layer.weights.map((w) => w.variable);
  const w0 = ws.map((w) => Array.from(w.dataSync()));
  const r = values(ref(x0, w0).length, 2);
  const loss = (xi: Tensor): Tensor => sum(mul(layer.apply(xi, { training: true }).reshape([-1]), tensor(r)));
  const loss64 = (xs: number[], wts: number[][]): number => ref(xs, wts).reduce((s, v, i) => s + v * r[i]!, 0);
  const close = (got: ArrayLike<number>, want: Float64Array, what: string): void => {
    const scale = Math.max(1, ...Array.from(want, Math.abs));
    Array.from(got).forEach((g, i) => expect(Math.abs(g - want[i]!), `${what}[${i}]`).toBeLessThan(tol * scale));
  };

  const [gx] = grads(loss)([x]);
  close(
    gx!.dataSync(),
    numericGrad((v) => loss64(Array.from(v), w0), Float64Array.from(x0)),
    'd/dx',
  );
  gx!.dispose();

  const trainable = ws.filter((w) => w.trainable);
  if (trainable.length === 0) {
    x.dispose();
    layer.dispose();
    return;
  }
  const vg = variableGrads(() => loss(x), trainable);
  ws.forEach((w, k) => {
    if (!w.trainable) return;
    const g = vg.grads[w.name];
    const num = numericGrad(
      (v) =>
        loss64(
          x0,
          w0.map((arr, j) => (j === k ? Array.from(v) : arr)),
        ),
      Float64Array.from(w0[k]!),
    );
    close(g!.dataSync(), num, `d/d${w.name}`);
  });
  vg.value.dispose();
  Object.values(vg.grads).forEach((t) => t.dispose());
  x.dispose();
  layer.dispose();
}
