// Writes src/kernels/relu_simd_module.ts: a small WebAssembly SIMD module
// (assembled here byte by byte, on scripts/wasm-asm.mjs) for float32 relu
// straight in tfjs-backend-wasm's heap (the module imports that memory).
//
// Export `relu(src, dst, vectors)` (addresses in bytes, vectors ≥ 1 groups of
// 4 floats): dst[i] = f32x4.max(src[i], 0). WebAssembly's max propagates NaN
// and orders −0 below +0, so relu(−0) = +0 and relu(NaN) = NaN, as the
// contract pins; src may equal dst (in place). tfjs's Relu kernel is a scalar
// loop, ~3× slower on the seed CNN's 5M-value activations.
//
// Run `node packages/backend-wasm/scripts/gen-relu-simd.mjs` after changing this file.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addTo, body, countDown, end, get, I32, i32const, loop, simd, v128load, v128store, writeModuleFile } from './wasm-asm.mjs';

const A = { src: 0, dst: 1, vectors: 2 };
const ZERO = 3; // the only local: a v128, all lanes +0 (locals start zeroed)
const f32x4max = simd(0xe9);
const code = [
  ...loop,
  ...get(A.dst),
  ...get(A.src),
  ...v128load(0),
  ...get(ZERO),
  ...f32x4max,
  ...v128store(0),
  ...addTo(A.src, i32const(16)),
  ...addTo(A.dst, i32const(16)),
  ...countDown(A.vectors),
  ...end,
];

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'kernels', 'relu_simd_module.ts');
writeModuleFile(target, 'gen-relu-simd.mjs', 'RELU_SIMD_WASM', 'Float32 relu', [I32, I32, I32], { relu: body(0, 1, code) });
