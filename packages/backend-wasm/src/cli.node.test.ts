// `polytensor-conformance --backend wasm` with no other argument: the whole
// suite in Node, as a user runs it (the built CLI in a child process; ~5 s).
import { describe, expect, it } from 'vitest';
import { expectFullPassingReport, runConformanceCli } from '../../../tools/vitest/conformance_cli.js';

describe('conformance CLI', () => {
  it('--backend wasm runs the whole suite in Node and passes every kernel', () => {
    const r = runConformanceCli(['--backend', 'wasm']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/\[chromium\]/);
    expect(r.stdout).toMatch(/^polytensor conformance: backend 'wasm'/m);
    expect(expectFullPassingReport(r.stdout, expect)).toBeGreaterThan(500);
  }, 300_000);
});
