// HostArrayPool: the arrays of disposed host draws a GPU storage keeps for the
// next draw of the same size, within its bounds.
import { describe, expect, it } from 'vitest';
import { HostArrayPool } from '../src/random/host_pool.js';

describe('HostArrayPool', () => {
  it('gives back an array of the size asked for, once, and a new zeroed one otherwise', () => {
    const pool = new HostArrayPool();
    const a = new Float32Array(6).fill(7);
    const b = new Float32Array(4);
    pool.give(a);
    pool.give(b);
    expect(pool.size).toEqual({ arrays: 2, bytes: 40 });
    expect(pool.take(6)).toBe(a);
    const fresh = pool.take(6);
    expect(fresh).not.toBe(a);
    expect(fresh.length).toBe(6);
    expect(Array.from(fresh)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(pool.take(4)).toBe(b);
    expect(pool.size).toEqual({ arrays: 0, bytes: 0 });
  });

  it('keeps at most maxArrays arrays and maxBytes bytes, dropping the oldest first', () => {
    const pool = new HostArrayPool(2, 64);
    const [a, b, c] = [new Float32Array(2), new Float32Array(3), new Float32Array(4)];
    pool.give(a);
    pool.give(b);
    pool.give(c);
    expect(pool.size).toEqual({ arrays: 2, bytes: 28 });
    expect(pool.take(2)).not.toBe(a);
    const big = new Float32Array(13); // 52 bytes: three arrays, so b goes; c and big are 68 bytes, so c goes
    pool.give(big);
    expect(pool.size).toEqual({ arrays: 1, bytes: 52 });
    expect(pool.take(13)).toBe(big);
    pool.give(new Float32Array(17)); // 68 bytes: never kept
    expect(pool.size).toEqual({ arrays: 0, bytes: 0 });
    pool.give(c);
    pool.clear();
    expect(pool.size).toEqual({ arrays: 0, bytes: 0 });
  });
});
