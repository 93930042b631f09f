// Writes src/kernels/optimizer_simd_module.ts: a small WebAssembly SIMD module
// (assembled here byte by byte) with one function per optimizer rule that
// updates a variable four float32 lanes at a time, straight in
// tfjs-backend-wasm's heap (the module imports that memory).
//
// Each export `rule(n, w, g, s0, s1, s2, o0, o1, o2, o3, h0, h1, h2, h3, h4, h5)`
// (n: vectors of 4 floats, ≥ 0; w, g, s*, o*: byte addresses of the value, the
// gradient, the slots in and the outputs [value', ...slots'] out; h*: the
// float32 hyperparameters, in the order below) evaluates core's formula for
// the rule op by op with f32x4 add/sub/mul/div/sqrt, each correctly rounded
// per lane: the same bits as core's composite of float32 kernels.
//
// Run `node packages/backend-wasm/scripts/gen-optimizer-simd.mjs` after changing this file.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { body as fnBody, F32, get, I32, set, simd, tee, writeModuleFile } from './wasm-asm.mjs';

// params: n, w, g, s0, s1, s2, o0, o1, o2, o3 (i32), h0..h5 (f32)
const P = { n: 0, w: 1, g: 2, s: [3, 4, 5], o: [6, 7, 8, 9], h: [10, 11, 12, 13, 14, 15] };
const PTRS = [P.w, P.g, ...P.s, ...P.o];
const N_PARAMS = 16;

// ---- expressions: arrays of bytes that leave one v128 on the stack ---------------------------
const load = (ptr) => [...get(ptr), ...simd(0x00, 4, 0)];
const bin = (op) => (a, b) => [...a, ...b, ...simd(op)];
const add = bin(0xe4);
const sub = bin(0xe5);
const mul = bin(0xe6);
const div = bin(0xe7);
const sqrt = (a) => [...a, ...simd(0xe3)];

/**
 * One rule's function: `body(e)` returns the statements of one iteration, given
 * e.w, e.g, e.s[k] (loads), e.h[k] (splatted hyperparameters), e.let(expr)
 * (evaluate once: the local's get) and e.store(k, expr) (to output k).
 */
function rule(body) {
  const i32Locals = 1; // counter
  const counter = N_PARAMS;
  const hLocal = (k) => N_PARAMS + 1 + k; // v128 splats of h0..h5
  let nextTmp = N_PARAMS + 1 + 6;
  const stmts = [];
  const e = {
    w: load(P.w),
    g: load(P.g),
    s: P.s.map(load),
    h: P.h.map((_, k) => get(hLocal(k))),
    let(expr) {
      const t = nextTmp++;
      stmts.push([...expr, ...set(t)]);
      return get(t);
    },
    store(k, expr) {
      stmts.push([...get(P.o[k]), ...expr, ...simd(0x0b, 4, 0)]);
    },
  };
  body(e);
  const v128Locals = nextTmp - (N_PARAMS + 1);
  const code = [];
  P.h.forEach((p, k) => code.push(...get(p), ...simd(0x13), ...set(hLocal(k)))); // f32x4.splat
  // if (n) do { …; pointers += 16 } while (--n)
  code.push(...get(P.n), ...set(counter), ...get(counter), 0x04, 0x40, 0x03, 0x40);
  for (const s of stmts) code.push(...s);
  for (const p of PTRS) code.push(...get(p), 0x41, 16, 0x6a, ...set(p));
  code.push(...get(counter), 0x41, 1, 0x6b, ...tee(counter), 0x0d, 0, 0x0b, 0x0b);
  return fnBody(i32Locals, v128Locals, code);
}

// The rules, as core documents them (OptimizerUpdate); hyperparameters in the order the wrapper passes them.
const RULES = {
  // h: lr
  sgd: (e) => e.store(0, sub(e.w, mul(e.g, e.h[0]))),
  // h: lr, momentum
  momentum: (e) => {
    const a = e.let(add(mul(e.s[0], e.h[1]), e.g));
    e.store(1, a);
    e.store(0, sub(e.w, mul(a, e.h[0])));
  },
  nesterov: (e) => {
    const a = e.let(add(mul(e.s[0], e.h[1]), e.g));
    e.store(1, a);
    e.store(0, sub(e.w, mul(add(e.g, mul(a, e.h[1])), e.h[0])));
  },
  // h: alpha, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon
  adam: (e) => {
    const m = e.let(add(mul(e.s[0], e.h[1]), mul(e.g, e.h[2])));
    const v = e.let(add(mul(e.s[1], e.h[3]), mul(mul(e.g, e.g), e.h[4])));
    e.store(1, m);
    e.store(2, v);
    e.store(0, sub(e.w, mul(div(m, add(sqrt(v), e.h[5])), e.h[0])));
  },
  // h: lr, rho, oneMinusRho, momentum, epsilon
  ...Object.fromEntries(
    [false, true].flatMap((centered) =>
      [false, true].map((withMomentum) => [
        `rmsprop${centered ? 'Centered' : ''}${withMomentum ? 'Momentum' : ''}`,
        (e) => {
          const r = e.let(add(mul(e.s[0], e.h[1]), mul(mul(e.g, e.g), e.h[2])));
          e.store(1, r);
          let d = r;
          if (centered) {
            const a = e.let(add(mul(e.s[1], e.h[1]), mul(e.g, e.h[2])));
            e.store(2, a);
            d = sub(r, mul(a, a));
          }
          const inc = e.let(mul(div(e.g, sqrt(add(d, e.h[4]))), e.h[0]));
          if (withMomentum) {
            const k = centered ? 2 : 1;
            const p = e.let(add(mul(e.s[k], e.h[3]), inc));
            e.store(k + 1, p);
            e.store(0, sub(e.w, p));
          } else {
            e.store(0, sub(e.w, inc));
          }
        },
      ]),
    ),
  ),
  // h: lr, epsilon
  adagrad: (e) => {
    const acc = e.let(add(e.s[0], mul(e.g, e.g)));
    e.store(1, acc);
    e.store(0, sub(e.w, mul(div(e.g, sqrt(add(acc, e.h[1]))), e.h[0])));
  },
};

const functions = Object.fromEntries(Object.entries(RULES).map(([name, r]) => [name, rule(r)]));
const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'kernels', 'optimizer_simd_module.ts');
writeModuleFile(target, 'gen-optimizer-simd.mjs', 'OPTIMIZER_SIMD_WASM', 'Fused optimizer steps', [...Array(10).fill(I32), ...Array(6).fill(F32)], functions);
