import { readFileSync } from 'node:fs';
import * as polytensor from '@polytensor/core';
import { describe, expect, it } from 'vitest';
import { coverage, coverageMarkdown, polytensorHas } from './coverage.js';
import { ISSUE_LIST } from './issue_list.js';
import { MISSING } from './missing.js';

const c = coverage();

/** `a.b` → polytensor.a.b; a plain name → polytensor.name. */
function lookUp(path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o === null || o === undefined ? undefined : (o as Record<string, unknown>)[k]), polytensor);
}

describe('tfjs-core coverage by @polytensor/core', () => {
  it('reads tfjs-core as installed and finds its ~250 functions', () => {
    expect(c.functions.length).toBeGreaterThan(200);
    expect(c.functions).toContain('matMul');
    expect(polytensorHas('matMul')).toBe(true);
    expect(polytensorHas('noSuchOp')).toBe(false);
  });

  it('covers at least 75% of them', () => {
    expect(c.fraction, `${c.covered.length} of ${c.functions.length}`).toBeGreaterThanOrEqual(0.75);
  });

  it('records why each missing function is missing, and no reason for a covered one', () => {
    expect(
      c.missing.filter((f) => !MISSING[f]),
      'missing without a reason',
    ).toEqual([]);
    expect(
      Object.keys(MISSING).filter((f) => !c.missing.includes(f)),
      'reasons for functions that are covered or not in tfjs',
    ).toEqual([]);
  });

  it('exports everything the op-breadth issue lists', () => {
    const absent = Object.values(ISSUE_LIST)
      .flat()
      .filter((path) => lookUp(path) === undefined);
    expect(absent).toEqual([]);
  });

  it('keeps docs/tfjs-coverage.md in step (regenerate: npm run coverage -w @polytensor/tfjs-coverage -- --write ../../docs/tfjs-coverage.md)', () => {
    const doc = readFileSync(new URL('../../../docs/tfjs-coverage.md', import.meta.url), 'utf8');
    expect(doc).toBe(coverageMarkdown(c));
  });
});
