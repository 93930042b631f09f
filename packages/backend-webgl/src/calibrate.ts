import { binary } from './kernels/binary.js';
import { unary } from './kernels/unary.js';
import type { WebGLStore } from './store.js';

/**
 * Start-up measurements of the device's float behaviour, which become the
 * backend's declared numerics (so the conformance report states what this
 * GPU does, not what some GPU might do):
 * - subnormals: does a product with a subnormal result survive?
 * - arithmetic: are + − × ÷ √ correctly rounded on 4096 seeded operand pairs
 *   spanning 2^±40? (GLSL ES allows 2.5 ULP for ÷; this backend corrects ÷
 *   and √ with an exact residual, and declares 1 ULP if anything still
 *   differs from the correctly rounded result.)
 */
export interface Calibration {
  readonly flushesSubnormals: boolean;
  readonly arithmeticUlp: 0 | 1;
}

export function calibrate(s: WebGLStore): Calibration {
  const x = s.fromValues(new Float32Array([2 ** -140, -(2 ** -149), 1]), [3], 'float32');
  const y = s.fromValues(new Float32Array([1, 1, 2 ** -140]), [3], 'float32');
  const p = binary(s, 'mul', x, y, [3]);
  const v = s.readSync(p.dataId);
  for (const t of [x, y, p]) s.disposeData(t.dataId);
  const flushesSubnormals = v[0] !== 2 ** -140 || v[1] !== -(2 ** -149) || v[2] !== 2 ** -140;
  s.setFlushesSubnormals(flushesSubnormals);

  const n = 4096;
  const A = new Float32Array(n);
  const B = new Float32Array(n);
  let seed = 0x9e3779b9;
  const rnd = (): number => (seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296;
  for (let i = 0; i < n; i++) {
    A[i] = (rnd() * 2 - 1) * 2 ** (rnd() * 80 - 40);
    B[i] = (rnd() * 2 - 1) * 2 ** (rnd() * 80 - 40);
  }
  const a = s.fromValues(A, [n], 'float32');
  const b = s.fromValues(B, [n], 'float32');
  const absA = unary(s, 'abs', a);
  const checks: Array<[() => ReturnType<typeof binary>, (i: number) => number]> = [
    [() => binary(s, 'add', a, b, [n]), (i) => A[i]! + B[i]!],
    [() => binary(s, 'sub', a, b, [n]), (i) => A[i]! - B[i]!],
    [() => binary(s, 'mul', a, b, [n]), (i) => A[i]! * B[i]!],
    [() => binary(s, 'div', a, b, [n]), (i) => A[i]! / B[i]!],
    [() => unary(s, 'sqrt', absA), (i) => Math.sqrt(Math.abs(A[i]!))],
  ];
  let exact = true;
  for (const [run, ref] of checks) {
    const out = run();
    const got = s.readSync(out.dataId);
    s.disposeData(out.dataId);
    for (let i = 0; i < n && exact; i++) {
      const r = Math.fround(ref(i));
      // a subnormal result a flushing device returns as zero is the flush, not the arithmetic
      if (got[i] !== r && !(flushesSubnormals && got[i] === 0 && Math.abs(r) < 2 ** -126)) exact = false;
    }
  }
  for (const t of [a, b, absA]) s.disposeData(t.dataId);
  return { flushesSubnormals, arithmeticUlp: exact ? 0 : 1 };
}
