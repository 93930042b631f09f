// Run by threads.node.test.ts in a child process: creates a wasm backend for
// argv[2] threads ('default': no count given; with argv[3] 'no-shared-array-buffer': after removing
// SharedArrayBuffer, as a runtime without it), runs one product and one filter gradient (which starts this package's heap
// workers), checks whether
// a 1-thread backend shares its module, prints what ran as JSON and returns
// without disposing anything, so the process only
// ends if the pthread workers do not keep it alive. Imports the built packages.
if (process.argv[3] === 'no-shared-array-buffer') delete globalThis.SharedArrayBuffer;

const { createWasmBackend } = await import('@polytensor/backend-wasm');
const t0 = performance.now();
const backend = await createWasmBackend(process.argv[2] === 'default' ? {} : { threads: Number(process.argv[2]) });
const ones = { dataId: backend.write(new Float32Array(64 * 64).fill(1), [64, 64], 'float32'), shape: [64, 64], dtype: 'float32' };
const product = backend.kernels.matMul(ones, ones, false, false);
const sum = backend.readSync(product.dataId).reduce((s, v) => s + v, 0);
// A filter gradient big enough to start this package's heap workers (threads > 1).
const { computeConv2DInfo } = await import('@polytensor/core');
const info = computeConv2DInfo('conv2d', [4, 16, 16, 32], [3, 3, 32, 32], 1, 'same');
const x = { dataId: backend.write(new Float32Array(4 * 16 * 16 * 32).fill(1), info.inShape, 'float32'), shape: info.inShape, dtype: 'float32' };
const dy = { dataId: backend.write(new Float32Array(4 * 16 * 16 * 32).fill(1), info.outShape, 'float32'), shape: info.outShape, dtype: 'float32' };
const dw = backend.kernels.conv2dBackpropFilter(x, dy, info);
const gradSum = backend.readSync(dw.dataId).reduce((s, v) => s + v, 0);
// Does a 1-thread backend share this one's module? (A buffer it writes shows in this module's count of tfjs data ids.)
const one = await createWasmBackend({ threads: 1 });
const before = backend.memory()['tfjsDataIds'];
one.write(new Float32Array(4), [4], 'float32');
const sharesOneThreadModule = backend.memory()['tfjsDataIds'] === before + 1;
process.stdout.write(`${JSON.stringify({ info: backend.info, sum, gradSum, ms: performance.now() - t0, sharesOneThreadModule })}\n`);
