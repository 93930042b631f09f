// Browser only: a wrong wasm location gives an error that says what to do.
// (Each browser test file runs in its own iframe, so this load failure does not
// touch the module the other files load.)
import { expect, it } from 'vitest';
import { createWasmBackend, setWasmPaths } from './index.js';

it('a wrong setWasmPaths() gives a clear error naming the file and the fix', async () => {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': '/no/such/dir/a.wasm',
    'tfjs-backend-wasm-simd.wasm': '/no/such/dir/b.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm': '/no/such/dir/c.wasm',
  });
  await expect(createWasmBackend()).rejects.toThrow(
    /@polytensor\/backend-wasm: loading the WebAssembly module \(tfjs-backend-wasm(-threaded)?-simd\.wasm\) failed: .*setWasmPaths/,
  );
  expect(() => setWasmPaths('/x/')).not.toThrow(); // a failed load may be retried with other paths
});
