import { describe, expect, it } from 'vitest';
import { PauseGate } from '../src/train/pause_gate.js';

const settledWithin = async (p: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe('PauseGate', () => {
  it('passes at once when not paused, waits while paused, and lets go on resume', async () => {
    const gate = new PauseGate();
    expect(await settledWithin(gate.pass(), 20)).toBe(true);
    gate.pause();
    gate.pause(); // a second pause is the same pause
    expect(gate.paused).toBe(true);
    const waiting = gate.pass();
    expect(await settledWithin(waiting, 30)).toBe(false);
    gate.resume();
    expect(gate.paused).toBe(false);
    expect(await settledWithin(waiting, 20)).toBe(true);
  });

  it('keeps waiting when paused again before the waiter ran', async () => {
    const gate = new PauseGate();
    gate.pause();
    const waiting = gate.pass();
    gate.resume();
    gate.pause();
    expect(await settledWithin(waiting, 30)).toBe(false);
    gate.resume();
    expect(await settledWithin(waiting, 20)).toBe(true);
  });
});
