// `polytensor-conformance --backend webgl` runs the suite in headless Chromium
// (the package's "polytensor": { "conformance": "browser" }) and prints the
// per-kernel table; `--node` runs it here on headless-gl.
import { describe, expect, it } from 'vitest';
import { runConformanceCli } from '../../../tools/vitest/conformance_cli.js';

describe('conformance CLI', () => {
  it('--backend webgl runs in Chromium by default and prints the per-kernel table', () => {
    const r = runConformanceCli(['--backend', 'webgl', '--filter', 'exp,matMul']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[chromium\]/);
    expect(r.stdout).toMatch(/polytensor conformance: backend 'webgl'/);
    expect(r.stdout).toMatch(/\| matMul +\| \d+ +\| pass /);
    expect(r.stdout.trimEnd().split('\n').pop()).toMatch(/^\d+ passed, 0 failed$/);
  });

  it('--node runs it on headless-gl', () => {
    const r = runConformanceCli(['--backend', 'webgl', '--node', '--filter', 'exp']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/\[chromium\]/);
    expect(r.stdout).toMatch(/\| exp +\| \d+ +\| pass /);
  });
});
