import { describe, expect, it } from 'vitest';
import { runBench } from './bench.js';
import { uniformGate } from './random.js';
import { uniform } from './rng.js';
import { validateResults } from './schema.js';

describe('random-1m and dropout-masks', () => {
  it("polytensor's masks replay core's Philox stream exactly on ts and wasm; tfjs's pass the distribution gate", async () => {
    const r = await runBench({ backends: ['ts', 'wasm'], workloads: ['random-1m', 'dropout-masks'], quick: true });
    expect(validateResults(r)).toEqual([]);
    for (const w of ['random-1m', 'dropout-masks']) {
      for (const [implementation, backend, rule] of [
        ['polytensor', 'ts', 'ulp'],
        ['polytensor', 'wasm', 'ulp'],
        ['tfjs', 'cpu', 'distribution'],
        ['tfjs', 'wasm', 'distribution'],
      ] as const) {
        const row = r.rows.find((x) => x.workload === w && x.implementation === implementation && x.backend === backend)!;
        expect(row.status, `${w} ${backend}: ${row.reason}`).toBe('ok');
        expect(row.gate).toMatchObject({ passed: true, rule });
        expect(row.throughput!.unit).toBe('values/s');
      }
      // exact: not one value off
      expect(r.rows.filter((x) => x.workload === w && x.implementation === 'polytensor').map((x) => x.gate!.worst)).toEqual([0, 0]);
    }
  });

  it('the distribution gate passes uniform draws and fails skewed ones or values outside [0, 1)', () => {
    const u = uniform(20000, 5, 0, 1);
    expect(uniformGate(u, 'u').passed).toBe(true);
    expect(
      uniformGate(
        u.map((v) => v * v),
        'u²',
      ),
    ).toMatchObject({ passed: false, rule: 'distribution' });
    expect(
      uniformGate(
        u.map((v) => 0.98 * v + 0.02),
        'shifted',
      ).passed,
    ).toBe(false);
    const withOne = Float32Array.from(u);
    withOne[7] = 1;
    expect(uniformGate(withOne, 'has 1').detail).toMatch(/^has 1: 1 of 20000 outside \[0, 1\)/);
    expect(uniformGate(withOne, 'has 1').passed).toBe(false);
  });
});
