import { memory, type Tensor } from '@polytensor/core';
import { describe, expect, it } from 'vitest';
import { referenceBackendFactory } from '../reference_backend.js';
import { runConformance } from '../suite.js';
import { host } from '../host.js';
import { opCase, opCases, OPS_WITHOUT_GRADIENT, relative } from './index.js';

describe('op cases', () => {
  it('give every composite op forward cases and, unless it has no gradient, gradient cases', () => {
    const forward = new Set(opCases.filter((c) => c.kind === 'op').map((c) => c.op));
    const withGradient = new Set(opCases.filter((c) => c.kind === 'gradient').map((c) => c.op));
    for (const op of withGradient) expect(forward.has(op), `${op} has gradient cases but no forward case`).toBe(true);
    for (const op of forward) {
      if (OPS_WITHOUT_GRADIENT.has(op)) expect(withGradient.has(op), `${op} is listed without gradient but has gradient cases`).toBe(false);
      else expect(withGradient.has(op), `${op} has no gradient case`).toBe(true);
    }
    for (const c of opCases) expect(c.kernel).toBe('op');
  });

  it('pass on the float64 reference backend, leaving nothing behind', async () => {
    const before = memory().numTensors;
    const report = await runConformance(referenceBackendFactory, { cases: opCases });
    expect(report.rows.flatMap((r) => r.failures)).toEqual([]);
    expect(report.passed).toBe(opCases.length);
    expect(memory().numTensors).toBe(before);
  });
});

describe('the op-case harness', () => {
  const x = () => [host([3], [1, -0, Number.NaN])];
  it('fails an op whose output differs from the reference, names the element, and checks −0 only when asked', async () => {
    const backend = await referenceBackendFactory();
    const off = opCase({ op: 'demo', name: 'off', inputs: x, core: ([t]) => t!.add(1e-3), reference: ([t]) => t! });
    const r = await off.run(backend);
    expect(r.pass).toBe(false);
    expect(r.message).toMatch(/element \[0\]/);
    const loose = opCase({ op: 'demo', name: 'loose', inputs: x, core: ([t]) => t!.add(1e-3), reference: ([t]) => t!, judge: relative(0, 2e-3) });
    expect((await loose.run(backend)).pass).toBe(true);
    const zero = (signedZero: boolean) =>
      opCase({
        op: 'demo',
        name: 'zero',
        inputs: x,
        core: ([t]) => t!.abs(),
        reference: ([t]) => ({ ...t!, values: Float64Array.from([1, -0, Number.NaN]) }),
        judge: { kind: 'exact', signedZero },
      });
    expect((await zero(false).run(backend)).pass).toBe(true);
    expect((await zero(true).run(backend)).pass).toBe(false);
    backend.dispose();
  });
  it('fails an op that leaks a tensor or returns the wrong shape', async () => {
    const backend = await referenceBackendFactory();
    let leaked: Tensor | null = null;
    const leaky = opCase({
      op: 'demo',
      name: 'leak',
      inputs: x,
      core: ([t]) => {
        leaked = t!.neg();
        return t!.abs();
      },
      reference: ([t]) => ({ ...t!, values: t!.values.map(Math.abs) }),
    });
    const r = await leaky.run(backend);
    (leaked as Tensor | null)?.dispose();
    expect(r.pass).toBe(false);
    expect(r.message).toMatch(/leaked 1 tensor/);
    const shaped = opCase({ op: 'demo', name: 'shape', inputs: x, core: ([t]) => t!.reshape([3, 1]), reference: ([t]) => t! });
    expect((await shaped.run(backend)).message).toMatch(/got \[3,1\] float32, expected \[3\] float32/);
    backend.dispose();
  });
});
