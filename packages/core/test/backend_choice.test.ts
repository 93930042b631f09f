// Backend choice, on fresh engines: the app's imports and setBackend decide;
// ready() chooses only when nothing was chosen and never switches a backend in use.
import { describe, expect, it } from 'vitest';
import { Engine, PolytensorError, type Tensor, tsBackendNamed } from './helpers.js';

/**
 * A fresh engine whose "installed packages" are `installed` (name → priority):
 * discovery registers them as a package import would. `imported` are registered
 * up front, as `import '@polytensor/backend-…'` in the app would.
 */
function engineWith(installed: Record<string, number>, imported: Record<string, number> = {}) {
  const created: string[] = [];
  const factory = (name: string) => () => {
    created.push(name);
    return tsBackendNamed(name);
  };
  let discoveries = 0;
  const engine: Engine = new Engine(async () => {
    discoveries++;
    for (const [name, priority] of Object.entries(installed)) engine.registerBackend(name, factory(name), priority);
  });
  for (const [name, priority] of Object.entries(imported)) engine.registerBackend(name, factory(name), priority);
  return { engine, created, discoveries: () => discoveries, factory };
}

const make = (engine: Engine, values: number[]): Tensor => engine.makeTensor(new Float32Array(values), [values.length], 'float32');

describe('backend choice', () => {
  it('nothing imported: ready() loads the installed packages and picks the best', async () => {
    const { engine, created } = engineWith({ ts: 1, wasm: 2 });
    expect((await engine.ready()).name).toBe('wasm');
    expect(engine.backendChoice()).toBe('implicit');
    expect(created).toEqual(['wasm']);
  });

  it('import-then-ready: an imported backend is used even when a better one is installed', async () => {
    const { engine, created, discoveries } = engineWith({ ts: 1, wasm: 2 }, { ts: 1 });
    const x = make(engine, [1, 2]); // first use chooses the imported backend
    expect(x.backend.name).toBe('ts');
    expect((await engine.ready()).name).toBe('ts');
    expect(discoveries()).toBe(0); // installed packages were not even loaded
    expect(created).toEqual(['ts']);
    engine.disposeTensor(x);
  });

  it('import, ready() before any tensor: still the imported backend', async () => {
    const { engine, discoveries } = engineWith({ ts: 1, wasm: 2 }, { ts: 1 });
    expect((await engine.ready()).name).toBe('ts');
    expect(discoveries()).toBe(0);
  });

  it('several imported: the best imported wins; a failing one falls back to the next imported', async () => {
    const a = engineWith({}, { ts: 1, wasm: 2 });
    expect((await a.engine.ready()).name).toBe('wasm');
    const b = engineWith({ gpu: 9 }, { ts: 1 });
    b.engine.registerBackend('webgl', () => Promise.reject(new Error('no WebGL context')), 3);
    expect((await b.engine.ready()).name).toBe('ts');
    expect(b.discoveries()).toBe(0);
  });

  it('every imported backend failing is a clear error naming each cause (no silent switch to another installed one)', async () => {
    const { engine, discoveries } = engineWith({ ts: 1 });
    engine.registerBackend(
      'webgl',
      () => {
        throw new Error('no WebGL context');
      },
      3,
    );
    await expect(engine.ready()).rejects.toThrow(/ready: none of the imported backends could be initialised \(webgl: no WebGL context\)/);
    expect(discoveries()).toBe(0);
  });

  it('set-then-ready: setBackend is kept by ready()', async () => {
    const { engine } = engineWith({ ts: 1, wasm: 2 });
    await engine.setBackend('ts'); // not imported: discovery finds it
    expect(engine.backendChoice()).toBe('explicit');
    expect((await engine.ready()).name).toBe('ts');
  });

  it('a tensor created first is never orphaned by a later ready()', async () => {
    const { engine } = engineWith({ wasm: 2 }, { ts: 1 });
    const x = make(engine, [1]);
    await engine.ready();
    expect(engine.getBackend()).toBe(x.backend);
    engine.disposeTensor(x);
  });

  it('an explicit switch keeps old tensors where they are, and mixing them is a clear error', async () => {
    const { engine } = engineWith({ wasm: 2 }, { ts: 1 });
    const x = make(engine, [1]);
    await engine.setBackend('wasm');
    expect(() => engine.runKernel('unary', ['neg', x])).toThrow(
      /neg: tensor \d+ lives on backend 'ts' but the active backend is 'wasm'; create it after setBackend, or copy it/,
    );
    engine.disposeTensor(x);
  });

  it('no backend at all: ready() says what to install', async () => {
    const { engine } = engineWith({});
    await expect(engine.ready()).rejects.toThrow(
      /ready: no backend could be initialised \(no backend package is installed\); install one, e\.g\. npm install @polytensor\/backend-ts/,
    );
    expect(() => engine.getBackend()).toThrow(/no backend is registered: import a backend package/);
  });

  it('setBackend with a typo suggests the name meant', async () => {
    const { engine } = engineWith({ ts: 1, wasm: 2 });
    await expect(engine.setBackend('tss')).rejects.toThrow(/no backend named 'tss' is registered \(registered: ts, wasm\); did you mean 'ts'\?/);
    await expect(engine.setBackend('WASM')).rejects.toThrow(/did you mean 'wasm'\?/);
    await expect(engine.setBackend('webgll')).rejects.toThrow(/did you mean 'webgl'\? \(install and import '@polytensor\/backend-webgl'\)/);
    await expect(engine.setBackend('cuda')).rejects.toThrow(/no backend named 'cuda'.*install and import its package/);
    await expect(engine.setBackend(3 as unknown as string)).rejects.toThrow(PolytensorError);
  });

  it('discovery runs once, however many calls ask for it', async () => {
    const { engine, discoveries } = engineWith({ ts: 1 });
    await Promise.all([engine.ready(), engine.ready(), engine.setBackend('ts')]);
    expect(discoveries()).toBe(1);
  });
});
