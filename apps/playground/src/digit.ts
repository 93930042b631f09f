/**
 * Turn a drawing into an MNIST-like input: MNIST digits are scaled to fit a
 * 20×20 box (aspect kept) and centred by their centre of mass in 28×28, white
 * on black, in [0, 1]. Doing the same to the drawing makes the model's
 * probabilities meaningful.
 */

/** `alpha` holds one ink value per pixel (0..255) of a width×height drawing; returns 784 values in [0, 1], or null when empty. */
export function toMnistPixels(alpha: Uint8ClampedArray, width: number, height: number): Float32Array | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (alpha[y * width + x]! > 0) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  // box-filter the bounding box down to at most 20×20
  const side = Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const scale = 20 / side;
  const w = Math.max(1, Math.round((x1 - x0 + 1) * scale));
  const h = Math.max(1, Math.round((y1 - y0 + 1) * scale));
  const small = new Float32Array(w * h);
  const counts = new Float32Array(w * h);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = Math.min(h - 1, Math.floor((y - y0) * scale)) * w + Math.min(w - 1, Math.floor((x - x0) * scale));
      small[i]! += alpha[y * width + x]! / 255;
      counts[i]! += 1;
    }
  }
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < small.length; i++) {
    small[i] = counts[i]! > 0 ? small[i]! / counts[i]! : 0;
    mass += small[i]!;
    cx += (i % w) * small[i]!;
    cy += Math.floor(i / w) * small[i]!;
  }
  // place the centre of mass at (14, 14), as MNIST does
  const ox = Math.round(14 - cx / mass);
  const oy = Math.round(14 - cy / mass);
  const out = new Float32Array(784);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const tx = x + ox;
      const ty = y + oy;
      if (tx >= 0 && tx < 28 && ty >= 0 && ty < 28) out[ty * 28 + tx] = Math.min(1, small[y * w + x]!);
    }
  }
  return out;
}
