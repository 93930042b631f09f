// tidy and asynchronous functions (issue 15): a native async function is
// refused before it runs; a function returning a Promise has run up to its
// first await when tidy sees the Promise, so tidy frees what it made so far,
// frees what the Promise resolves to once it settles, and says that tensors
// made after an await and not returned are outside any tidy scope.
import { describe, expect, it } from 'vitest';
import { memory, ones, PolytensorError, tidy, zeros, type Tensor } from './helpers.js';

const live = (): number => memory().numTensors;

describe('tidy with asynchronous functions', () => {
  it('refuses a native async function before running it', () => {
    const before = live();
    let ran = false;
    const fn = async (): Promise<Tensor> => {
      ran = true;
      return zeros([2]);
    };
    const err = (() => {
      try {
        tidy(fn as unknown as () => Tensor);
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(PolytensorError);
    expect(err!.message).toMatch(/^tidy: got an async function; tidy tracks synchronous work only .* so it was not run\. Call tidy inside the async function/);
    expect(ran).toBe(false);
    expect(live()).toBe(before);
    // async generators too
    expect(() => tidy(async function* () {} as unknown as () => void)).toThrow(/got an async function/);
  });

  it('a function returning a Promise: what it made before the await is freed at once, what it resolves to when it settles', async () => {
    const before = live();
    let pending: Promise<Tensor> | null = null;
    let stray: Tensor | null = null;
    let early: Tensor | null = null;
    expect(() =>
      tidy(() => {
        pending = (async () => {
          early = zeros([4]); // before the first await: inside tidy's scope
          await Promise.resolve();
          stray = ones([3]); // after it: no scope tracks this one
          return stray.add(1); // resolved value: freed when the Promise settles
        })();
        return pending as unknown as Tensor;
      }),
    ).toThrow(
      /^tidy: the function returned a Promise; .* tensors it makes after an await and does not return belong to no tidy scope and stay alive until disposed/,
    );
    expect(early!.isDisposed).toBe(true);
    expect(live()).toBe(before);
    const resolved = await pending!;
    expect(resolved.isDisposed).toBe(true);
    // exactly the documented escapee is alive, and nothing else
    expect(stray!.isDisposed).toBe(false);
    expect(live()).toBe(before + 1);
    stray!.dispose();
    expect(live()).toBe(before);
  });

  it('a Promise that rejects after tidy gave up is absorbed (tidy already reported the misuse)', async () => {
    const before = live();
    let pending: Promise<never> | null = null;
    expect(() =>
      tidy(() => {
        pending = Promise.resolve().then(() => {
          throw new Error('late failure');
        });
        return pending as unknown as Tensor;
      }),
    ).toThrow(/returned a Promise/);
    await expect(pending!).rejects.toThrow('late failure');
    // give the engine's own handler a turn: an unhandled rejection would fail this test run
    await new Promise((r) => setTimeout(r, 0));
    expect(live()).toBe(before);
  });

  it('tidy inside an async function works around each synchronous step', async () => {
    const before = live();
    const step = async (x: Tensor): Promise<number> => {
      const y = tidy(() => x.mul(2).add(1).sum());
      await Promise.resolve();
      const v = (await y.data())[0]!;
      y.dispose();
      return v;
    };
    const x = ones([5]);
    expect(await step(x)).toBe(15);
    x.dispose();
    expect(live()).toBe(before);
  });
});
