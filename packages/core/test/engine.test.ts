import { describe, expect, it } from 'vitest';
import {
  ENGINE,
  PolytensorError,
  tsBackendNamed,
  getBackend,
  keep,
  memory,
  ones,
  registerBackend,
  removeBackend,
  setBackend,
  setBackendSync,
  tensor,
  tidy,
  zeros,
} from './helpers.js';

describe('engine: backends', () => {
  // (setBackend's discovery of installed packages is tested on fresh engines in backend_choice.test.ts:
  // here it would import every installed backend into the shared engine.)
  it('names the registered backends and the fix for an unknown name', () => {
    expect(() => setBackendSync('nope')).toThrow(PolytensorError);
    expect(() => setBackendSync('nope')).toThrow(/no backend named 'nope' is registered \(registered: .*ts.*\); install and import its package/);
  });

  it('picks the highest-priority registered backend when none was chosen', async () => {
    const created: string[] = [];
    const made = (label: string, name: string) => () => {
      created.push(label);
      return tsBackendNamed(name);
    };
    registerBackend('low-test', made('low', 'low-test'), -5);
    registerBackend('high-test', made('high', 'high-test'), 50);
    try {
      const names = ENGINE.registry.byPriority();
      expect(names.indexOf('high-test')).toBeLessThan(names.indexOf('ts'));
      expect(names.indexOf('ts')).toBeLessThan(names.indexOf('low-test'));
      await setBackend('high-test');
      expect(getBackend().name).toBe('high-test');
      expect(created).toEqual(['high']);
    } finally {
      removeBackend('high-test');
      removeBackend('low-test');
      setBackendSync('ts');
    }
  });

  it('rejects mixing tensors from two backends', async () => {
    registerBackend('other-test', () => tsBackendNamed('other-test'), -1);
    const a = tensor([1, 2]);
    try {
      await setBackend('other-test');
      expect(() => tidy(() => a.add(1))).toThrow(/lives on backend 'ts' but the active backend is 'other-test'/);
    } finally {
      setBackendSync('ts');
      a.dispose();
      removeBackend('other-test');
    }
  });

  it('explains that async backends need await', () => {
    registerBackend('async-test', async () => tsBackendNamed('async-test'), -1);
    try {
      expect(() => setBackendSync('async-test')).toThrow(/initialises asynchronously; call `await setBackend\('async-test'\)`/);
    } finally {
      removeBackend('async-test');
    }
  });
});

describe('engine: memory', () => {
  it('tidy frees intermediates and keeps what it returns', () => {
    const start = memory();
    const kept = tidy(() => {
      const a = ones([2, 2]);
      const b = a.add(a).mul(3);
      return { b, n: 1 };
    });
    expect(memory().numTensors).toBe(start.numTensors + 1);
    expect(Array.from(kept.b.dataSync())).toEqual([6, 6, 6, 6]);
    kept.b.dispose();
    expect(memory().numTensors).toBe(start.numTensors);
    expect(memory().numDataIds).toBe(start.numDataIds);
  });

  it('keep() exempts a tensor from tidy', () => {
    let k: ReturnType<typeof zeros> | undefined;
    tidy(() => {
      k = keep(zeros([3]));
      zeros([4]);
    });
    expect(k!.isDisposed).toBe(false);
    k!.dispose();
  });

  it('reshape shares the buffer until the last view goes', () => {
    const a = tensor([1, 2, 3, 4]);
    const ids = memory().numDataIds;
    const b = a.reshape([2, 2]);
    expect(memory().numDataIds).toBe(ids);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4]);
    b.dispose();
    expect(memory().numDataIds).toBe(ids - 1);
  });

  it('a disposed tensor gives an error naming the op and the fix', () => {
    const a = tensor([1, 2, 3]);
    a.dispose();
    expect(() => a.add(1)).toThrow(/add: tensor \d+ \(shape \[3\], float32\) was already disposed; keep it alive with keep\(\)/);
    expect(() => a.dataSync()).toThrow(/dataSync: tensor \d+ .* was already disposed/);
    a.dispose(); // idempotent
  });

  it('tidy rejects async functions and frees their tensors', () => {
    const before = memory().numTensors;
    const madeThenAwaited = (): Promise<void> => {
      zeros([2]);
      return Promise.resolve();
    };
    expect(() => tidy(madeThenAwaited as unknown as () => void)).toThrow(/tidy: the function returned a Promise; tidy tracks synchronous work only/);
    expect(memory().numTensors).toBe(before);
  });

  it('kernel leak checks catch a backend that leaks a temporary', () => {
    const leaky = tsBackendNamed('leaky-test');
    const realExp = leaky.kernels.unary;
    leaky.kernels.unary = (op, x) => {
      leaky.write(new Float32Array(1), [1], 'float32'); // a forgotten scratch buffer
      return realExp(op, x);
    };
    registerBackend('leaky-test', () => leaky, -1);
    setBackendSync('leaky-test');
    const x = tensor([1]);
    try {
      expect(() => x.exp()).toThrow(/exp: backend 'leaky-test' kernel unary left 2 new buffer\(s\) alive, expected exactly 1/);
    } finally {
      x.dispose();
      setBackendSync('ts');
      removeBackend('leaky-test');
    }
  });
});

describe('engine: validation', () => {
  it('rejects rank > 6', () => {
    expect(() => zeros([1, 1, 1, 1, 1, 1, 1])).toThrow(/zeros: rank 7 \(shape \[1,1,1,1,1,1,1\]\) exceeds the maximum rank 6; reshape/);
    const a = zeros([1, 1, 1, 1, 1, 1]);
    expect(() => a.reshape([1, 1, 1, 1, 1, 1, 1])).toThrow(/reshape: rank 7 .* exceeds the maximum rank 6/);
    a.dispose();
  });

  it('accepts every rank from 0 to 6', () => {
    for (let r = 0; r <= 6; r++) {
      const t = tidy(() => ones(new Array(r).fill(2)).add(1).sum());
      expect(t.dataSync()[0]).toBe(2 * 2 ** r);
      t.dispose();
    }
  });
});
