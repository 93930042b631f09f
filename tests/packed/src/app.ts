// The user's app, written into a fresh project: the README examples (as the
// README shows them, and with the backend import swapped for wasm / webgl),
// one page per backend for bundlers, Node entry points, and scripts whose own
// error must reach Node untouched.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { instrumented, onBackend, type ReadmeExample } from './readme.js';

export const BACKENDS = ['ts', 'wasm', 'webgl'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** What a Node script prints before it throws, and the error it throws. */
export const USER_ERROR = "the user's own error";

function write(root: string, path: string, text: string): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}

// Emitted even with type errors, so the runtime checks still run and report separately.
const STRICT = { strict: true, skipLibCheck: false, target: 'ES2022', noEmitOnError: false, sourceMap: false };

/** Node scripts whose own error must reach Node as is: exit code 1, the user's file in the stack. */
/**
 * Interop from the packed packages in Node (README "Take your model
 * elsewhere"): each script prints `packed:` lines the test expects.
 */
export const INTEROP_SCRIPTS: Readonly<Record<string, { code: string; expect: readonly string[] }>> = {
  // exportOnnx as a Node ESM app imports it (its protobuf code is CommonJS): a ModelProto (field 1, ir_version, first)
  // naming its producer and a symbolic batch dimension. ONNX Runtime runs such files in packages/onnx's tests.
  'interop-onnx': {
    code: `import '@polytensor/backend-ts';
import { Dense, Sequential } from '@polytensor/core';
import { exportOnnx } from '@polytensor/onnx';

const net = new Sequential({ layers: [new Dense({ units: 4, activation: 'relu', inputShape: [3] }), new Dense({ units: 2 })] });
net.build();
const bytes = Buffer.from(exportOnnx(net, { opset: 17 }));
console.log('packed:onnx', bytes[0] === 0x08, bytes.includes('polytensor'), bytes.includes('batch'));`,
    expect: ['packed:onnx true true true'],
  },
  // TensorFlow.js's layers format to disk and back: converter-style shard names, the same predictions.
  'interop-tfjs': {
    code: `import '@polytensor/backend-ts';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dense, Sequential, loadLayersModel, setSeed, tensor } from '@polytensor/core';

setSeed(4);
const net = new Sequential({ layers: [new Dense({ units: 4, activation: 'tanh', inputShape: [3] }), new Dense({ units: 2 })] });
net.build();
const dir = join(mkdtempSync(join(tmpdir(), 'packed-tfjs-')), 'net');
await net.save(\`file://\${dir}\`, { format: 'tfjs' });
console.log('packed:tfjs files', readdirSync(dir).sort().join(','));
const back = await loadLayersModel(\`file://\${dir}\`);
const x = tensor([[0.5, -1, 2]]);
console.log('packed:tfjs same', back.predict(x).arraySync().toString() === net.predict(x).arraySync().toString());`,
    expect: ['packed:tfjs files group1-shard1of1.bin,model.json', 'packed:tfjs same true'],
  },
};

/**
 * Backend choice with the real packages installed (README "Choosing a backend"):
 * each script prints `packed:choice <backend>` and what the rule promises.
 */
export const CHOICE_SCRIPTS: Readonly<Record<string, { code: string; expect: readonly string[] }>> = {
  // Rule 2: the imported backend, although wasm (better) is installed; the tensor made first keeps working.
  'choice-import-then-ready': {
    code: `import '@polytensor/backend-ts';
import { backendName, ready, tensor } from '@polytensor/core';

const x = tensor([1, 2]);
await ready();
console.log('packed:choice', backendName());
console.log('packed:value', JSON.stringify(x.add(1).arraySync()));`,
    expect: ['packed:choice ts', 'packed:value [2,3]'],
  },
  // Rule 1: setBackend finds an installed package by name; ready() keeps it.
  'choice-set-then-ready': {
    code: `import '@polytensor/backend-ts';
import { backendName, ready, setBackend } from '@polytensor/core';

await setBackend('wasm');
await ready();
console.log('packed:choice', backendName());`,
    expect: ['packed:choice wasm'],
  },
  // Rule 3: nothing imported: the best installed backend that initialises (webgl cannot in Node without headless-gl).
  'choice-installed': {
    code: `import { backendName, ready } from '@polytensor/core';

await ready();
console.log('packed:choice', backendName());`,
    expect: ['packed:choice wasm'],
  },
  // Rule 2 with several imported: the best of them.
  'choice-imported-several': {
    code: `import '@polytensor/backend-ts';
import '@polytensor/backend-wasm';
import { backendName, ready } from '@polytensor/core';

await ready();
console.log('packed:choice', backendName());`,
    expect: ['packed:choice wasm'],
  },
  // A misspelt name is an error that suggests the right one.
  'choice-typo': {
    code: `import '@polytensor/backend-ts';
import { setBackend } from '@polytensor/core';

try {
  await setBackend('tss');
  console.log('packed:choice no error');
} catch (e) {
  console.log('packed:choice', /did you mean 'ts'?/.test((e as Error).message) ? 'suggests ts' : (e as Error).message);
}`,
    expect: ['packed:choice suggests ts'],
  },
};

/** A script that loads `backend`, reports which backend `ready()` chose, then fails the way `fail` does. */
const crashAfterReady = (backend: string, fail: string): string => `import '@polytensor/backend-${backend}';
import { backendName, ready } from '@polytensor/core';

await ready();
console.log('packed:backend', backendName());
${fail}`;
const THROW = `throw new Error("${USER_ERROR}");`;
const THROW_IN_TIMER = `setTimeout(() => {
  throw new Error("${USER_ERROR}");
}, 0);`;

export const CRASH_SCRIPTS: Readonly<Record<string, string>> = {
  // A top-level throw in an ES module after the wasm module loaded.
  'crash-after-ready': crashAfterReady('wasm', THROW),
  // An uncaught exception (Node's 'uncaughtException' path, where Emscripten's handler sat).
  'crash-in-timer': crashAfterReady('wasm', THROW_IN_TIMER),
  // An unhandled rejection (Node's 'unhandledRejection' path).
  'crash-rejection': crashAfterReady('wasm', `void Promise.reject(new Error("${USER_ERROR}"));`),
  // The user imported only backend-ts; ready() may still load the installed wasm package.
  'crash-ts-only': crashAfterReady('ts', THROW_IN_TIMER),
};

/** Type-only uses of every package's entry point, so their published .d.ts files are compiled. */
function importsOf(packages: readonly string[]): string {
  const names = packages.map((p, i) => ({ p, id: `p${i}` }));
  return [
    ...names.map(({ p, id }) => `import type * as ${id} from '${p}';`),
    '',
    `export type Everything = [${names.map(({ id }) => `typeof ${id}`).join(', ')}];`,
  ].join('\n');
}

/**
 * Write the app's sources into `dir` (an installed npm project). `nodePackages`
 * are the packages whose types must compile in a Node project (no DOM
 * library); `allPackages` those that must compile in a browser project.
 */
export function writeApp(dir: string, examples: readonly ReadmeExample[], nodePackages: readonly string[], allPackages: readonly string[]): void {
  for (const backend of BACKENDS) {
    for (const e of examples) write(dir, `src/examples/${backend}/${e.name}.ts`, onBackend(instrumented(e), backend));

    // A page per backend: choose it, then run the examples as written, in order.
    write(
      dir,
      `src/web/main-${backend}.ts`,
      `// Generated by tests/packed.
import '@polytensor/backend-${backend}';
import { backendName, setBackend } from '@polytensor/core';

try {
  await setBackend('${backend}');
${examples.map((e) => `  await import('../examples/${backend}/${e.name}.js');`).join('\n')}
  console.log('packed:done', backendName());
} catch (e) {
  console.log('packed:failed', e instanceof Error ? (e.stack ?? e.message) : String(e));
}`,
    );
    // The data: icon keeps Chromium from requesting /favicon.ico (a 404 unrelated to the library).
    write(
      dir,
      `${backend}.html`,
      `<!doctype html>
<html>
  <head><meta charset="utf-8" /><link rel="icon" href="data:," /><title>polytensor on ${backend}</title></head>
  <body><script type="module" src="/src/web/main-${backend}.ts"></script></body>
</html>`,
    );
  }
  // Node: the examples as the README shows them run as scripts (out/node/examples/ts/*.js); wasm through an entry like the pages'.
  write(
    dir,
    'src/node/main-wasm.ts',
    `import '@polytensor/backend-wasm';
import { backendName, setBackend } from '@polytensor/core';

await setBackend('wasm');
${examples.map((e) => `await import('../examples/wasm/${e.name}.js');`).join('\n')}
console.log('packed:done', backendName());`,
  );
  for (const [name, code] of Object.entries(CRASH_SCRIPTS)) write(dir, `src/node/${name}.ts`, code);
  for (const [name, { code }] of Object.entries({ ...CHOICE_SCRIPTS, ...INTEROP_SCRIPTS })) write(dir, `src/node/${name}.ts`, code);
  write(dir, 'src/node/types.ts', importsOf(nodePackages));
  write(dir, 'src/web/types.ts', importsOf(allPackages));

  // A Node project: NodeNext modules, Node's types, no DOM.
  write(
    dir,
    'tsconfig.node.json',
    JSON.stringify(
      {
        compilerOptions: { ...STRICT, module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'], rootDir: 'src', outDir: 'out/node' },
        include: ['src/examples/ts', 'src/examples/wasm', 'src/node'], // the webgl variants need the DOM: the browser project has them
      },
      null,
      2,
    ),
  );
  // A browser project for a bundler: ES modules, the DOM, no Node types.
  write(
    dir,
    'tsconfig.web.json',
    JSON.stringify(
      {
        compilerOptions: { ...STRICT, module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [], rootDir: 'src', outDir: 'out/web' },
        include: ['src/examples', 'src/web'],
      },
      null,
      2,
    ),
  );
}

/** The Node script checking that a Node user without headless-gl is told how to get it (plain JS: run in a project without TypeScript). */
export const WEBGL_WITHOUT_GL = `import { setBackend } from '@polytensor/core';
import { createWebGLBackend } from '@polytensor/backend-webgl';

for (const [what, attempt] of [['createWebGLBackend', () => createWebGLBackend()], ['setBackend', () => setBackend('webgl')]]) {
  try {
    await attempt();
    console.log('packed:webgl', what, 'created a backend');
  } catch (e) {
    console.log('packed:webgl', what, JSON.stringify(e instanceof Error ? e.message : String(e)));
  }
}
`;
