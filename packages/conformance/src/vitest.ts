/**
 * `@polytensor/conformance/vitest`: register the suite with Vitest, one
 * `describe` per kernel and one `it` per case, so failures show per case.
 * Works in Node and in Vitest browser mode (no Node-only imports).
 *
 * @example
 * import { conformanceSuite } from '@polytensor/conformance/vitest';
 * import { createTsBackend } from '@polytensor/backend-ts';
 * conformanceSuite('ts', () => createTsBackend());
 */
import type { Backend, BackendFactory } from '@polytensor/core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { rowName, type ConformanceCase } from './cases/types.js';
import { releaseBackend } from './engine_bridge.js';
import { formatError } from './report.js';
import { checkContract, runCase, selectCases, type ConformanceOptions } from './suite.js';

export type ConformanceSuiteOptions = Omit<ConformanceOptions, 'onResult'>;

function groupLabel(c: ConformanceCase): string {
  return c.kind === 'gradient' ? `${c.op} (grad)` : c.kind === 'training' ? `training` : rowName(c);
}

/** Register the conformance suite for one backend with Vitest. */
export function conformanceSuite(name: string, factory: BackendFactory, options: ConformanceSuiteOptions = {}): void {
  const cases = selectCases(options);
  const groups = new Map<string, ConformanceCase[]>();
  for (const c of cases) {
    const label = groupLabel(c);
    const g = groups.get(label);
    if (g) g.push(c);
    else groups.set(label, [c]);
  }
  describe(`conformance: ${name}`, () => {
    let backend: Backend | null = null;
    beforeAll(async () => {
      backend = await factory();
      checkContract(backend);
    });
    afterAll(() => {
      if (!backend) return;
      releaseBackend(backend);
      if (options.disposeBackend !== false) backend.dispose();
      backend = null;
    });
    for (const [label, group] of groups) {
      describe(label, () => {
        for (const c of group) {
          it(c.name, async (ctx) => {
            if (!backend) throw new Error(`conformance: backend '${name}' was not created`);
            const r = await runCase(c, backend);
            if (r.skipped) {
              ctx.skip();
              return;
            }
            if (!r.pass) {
              throw new Error(`${rowName(c)} › ${c.name}: ${r.message} [worst ${formatError(r)}]`);
            }
          });
        }
      });
    }
  });
}
