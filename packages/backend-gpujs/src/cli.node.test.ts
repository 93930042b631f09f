// `polytensor-conformance --backend gpujs` runs the suite in Node on
// headless-gl, re-running itself under xvfb-run when there is no display;
// `--browser` runs it in headless Chromium. Both print the per-kernel table.
import { describe, expect, it } from 'vitest';
import { runConformanceCli } from '../../../tools/vitest/conformance_cli.js';

describe('conformance CLI', () => {
  it('--backend gpujs runs in Node, under xvfb-run when DISPLAY is unset', () => {
    const r = runConformanceCli(['--backend', 'gpujs', '--filter', 'exp,matMul'], { DISPLAY: undefined });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/\[chromium\]/);
    expect(r.stdout).toMatch(/polytensor conformance: backend 'gpujs'/);
    expect(r.stdout).toMatch(/\| matMul +\| \d+ +\| pass /);
    expect(r.stdout.trimEnd().split('\n').pop()).toMatch(/^\d+ passed, 0 failed$/);
  });

  it('--backend gpujs --browser runs in Chromium', () => {
    const r = runConformanceCli(['--backend', 'gpujs', '--browser', '--filter', 'exp']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[chromium\]/);
    expect(r.stdout).toMatch(/\| exp +\| \d+ +\| pass /);
  });
});
