import { describe, expect, it } from 'vitest';
import { toMnistPixels } from '../src/digit.js';

/** A width×height drawing with ink (255) in the rectangle [x0, x1) × [y0, y1). */
function rect(width: number, height: number, x0: number, y0: number, x1: number, y1: number): Uint8ClampedArray {
  const a = new Uint8ClampedArray(width * height);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) a[y * width + x] = 255;
  return a;
}

/** Bounding box and centre of mass of 28×28 pixels, computed directly. */
function stats(p: Float32Array): { x0: number; x1: number; y0: number; y1: number; cx: number; cy: number } {
  let [x0, y0, x1, y1, m, cx, cy] = [28, 28, -1, -1, 0, 0, 0];
  for (let i = 0; i < 784; i++) {
    const v = p[i]!;
    if (v <= 0) continue;
    const x = i % 28;
    const y = Math.floor(i / 28);
    [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
    m += v;
    cx += x * v;
    cy += y * v;
  }
  return { x0, x1, y0, y1, cx: cx / m, cy: cy / m };
}

describe('toMnistPixels (drawing → MNIST-like input)', () => {
  it('a blank drawing gives null', () => {
    expect(toMnistPixels(new Uint8ClampedArray(280 * 280), 280, 280)).toBeNull();
  });

  it('a tall stroke in a corner is scaled to 20 pixels high and centred at (14, 14)', () => {
    // 20 wide, 200 high, near the top-left of a 280×280 pad
    const p = toMnistPixels(rect(280, 280, 10, 5, 30, 205), 280, 280)!;
    const s = stats(p);
    expect(s.y1 - s.y0 + 1).toBe(20);
    expect(s.x1 - s.x0 + 1).toBe(2);
    expect(Math.abs(s.cx - 14)).toBeLessThanOrEqual(1);
    expect(Math.abs(s.cy - 14)).toBeLessThanOrEqual(1);
    for (const v of p) expect(v >= 0 && v <= 1).toBe(true);
    expect(Math.max(...p)).toBe(1);
  });

  it('a wide block keeps its aspect ratio (20 × 10)', () => {
    const s = stats(toMnistPixels(rect(280, 280, 100, 100, 260, 180), 280, 280)!);
    expect(s.x1 - s.x0 + 1).toBe(20);
    expect(s.y1 - s.y0 + 1).toBe(10);
  });
});
