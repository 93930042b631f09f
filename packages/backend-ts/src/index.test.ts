import { describe, expect, it } from 'vitest';
import { getBackend, registeredBackends, setBackendSync, setKernelLeakChecks } from '@polytensor/core';
import { expectExactSmoke } from '../../../tools/vitest/smoke.js';
import { createTsBackend } from './index.js';

describe('@polytensor/backend-ts entry point', () => {
  it('registers itself as "ts" on import', () => {
    expect(registeredBackends()).toContain('ts');
    expect(createTsBackend().name).toBe('ts');
  });

  it('runs core ops end to end (the README snippet)', async () => {
    setBackendSync('ts');
    setKernelLeakChecks(true); // core fails any kernel call that leaves more than its output alive
    expect(getBackend().name).toBe('ts');
    await expectExactSmoke();
    setKernelLeakChecks(false);
  });
});
