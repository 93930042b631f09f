// `polytensor-conformance --backend webgpu` runs the suite in headless Chromium
// with the package's WebGPU flags ("polytensor": { "chromiumArgs": [...] } in
// package.json) and prints the per-kernel table. The whole suite runs in this
// package's own browser project (conformance.test.ts); here a few kernels
// prove the CLI's path.
import { describe, expect, it } from 'vitest';
import { runConformanceCli } from '../../../tools/vitest/conformance_cli.js';

describe('conformance CLI', () => {
  it('--backend webgpu runs in Chromium with WebGPU and prints the per-kernel table', () => {
    const r = runConformanceCli(['--backend', 'webgpu', '--filter', 'exp,matMul,maxPoolGrad']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[chromium\]/);
    expect(r.stdout).toMatch(/polytensor conformance: backend 'webgpu'/);
    expect(r.stdout).toMatch(/\| matMul +\| \d+ +\| pass /);
    expect(r.stdout).toMatch(/\| maxPoolGrad +\| \d+ +\| pass /);
    expect(r.stdout.trimEnd().split('\n').pop()).toMatch(/^\d+ passed, 0 failed$/);
  });
});
