// Tests import workspace packages from source, so a test run needs no build.
import { fileURLToPath } from 'node:url';

const src = (pkg: string, file = 'index.ts'): string => fileURLToPath(new URL(`../../packages/${pkg}/src/${file}`, import.meta.url));

export const workspaceAliases = [
  { find: /^@polytensor\/core$/, replacement: src('core') },
  // Core's package.json "imports" point at dist; this module picks the source file per environment.
  { find: /^#file-io$/, replacement: fileURLToPath(new URL('./core_file_io.ts', import.meta.url)) },
  { find: /^@polytensor\/backend-ts$/, replacement: src('backend-ts') },
  { find: /^@polytensor\/backend-wasm$/, replacement: src('backend-wasm') },
  { find: /^@polytensor\/backend-webgl$/, replacement: src('backend-webgl') },
  { find: /^@polytensor\/backend-gpujs$/, replacement: src('backend-gpujs') },
  { find: /^@polytensor\/backend-webgpu$/, replacement: src('backend-webgpu') },
  { find: /^@polytensor\/gpu-common$/, replacement: src('gpu-common') },
  { find: /^@polytensor\/conformance\/vitest$/, replacement: src('conformance', 'vitest.ts') },
  { find: /^@polytensor\/conformance\/chromium$/, replacement: src('conformance', 'browser/chromium.ts') },
  { find: /^@polytensor\/conformance$/, replacement: src('conformance') },
  { find: /^@polytensor\/datasets$/, replacement: src('datasets') },
  { find: /^@polytensor\/trainlog$/, replacement: src('trainlog') },
  { find: /^@polytensor\/models$/, replacement: src('models') },
  { find: /^@polytensor\/onnx$/, replacement: src('onnx') },
];

export const leakCheckSetup = fileURLToPath(new URL('./leak-check.setup.ts', import.meta.url));
