// `polytensor-conformance --backend webgl` runs the suite in headless Chromium
// (the package's "polytensor": { "conformance": "browser" }) and prints the
// per-kernel table; `--node` runs it here on headless-gl.
import { selectCases } from '@polytensor/conformance';
import { describe, expect, it } from 'vitest';
import { expectFullPassingReport, runConformanceCli } from '../../../tools/vitest/conformance_cli.js';

describe('conformance CLI', () => {
  it('--backend webgl runs in Chromium by default and prints the per-kernel table', () => {
    const r = runConformanceCli(['--backend', 'webgl', '--filter', 'exp,matMul']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[chromium\]/);
    expect(r.stdout).toMatch(/polytensor conformance: backend 'webgl'/);
    expect(r.stdout).toMatch(/\| matMul +\| \d+ +\| pass /);
    expect(r.stdout.trimEnd().split('\n').pop()).toMatch(/^\d+ passed, 0 failed$/);
  });

  // The whole suite, as a user runs it: about 2 minutes on SwiftShader (2 busy cores).
  it('--backend webgl with no other argument runs the whole suite in Chromium, with progress', () => {
    const r = runConformanceCli(['--backend', 'webgl'], {}, 900_000);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const cases = expectFullPassingReport(r.stdout);
    expect(cases).toBeGreaterThan(500);
    // a progress line per kernel as the suite reaches it, counting the whole suite
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('[chromium] conformance: '));
    expect(progress.length).toBeGreaterThan(50);
    // The total also counts composite rows that do not apply to webgl (the summary leaves them out).
    const done = progress.map((l) => /: (\d+) of (\d+) cases done, \d+ s$/.exec(l));
    expect(
      done.every((m) => m !== null),
      progress.join('\n'),
    ).toBe(true);
    const counts = done.map((m) => Number(m![1]));
    const total = Number(done[0]![2]);
    expect(progress[0]).toMatch(/^\[chromium\] conformance: kernel \w+: 0 of \d+ cases done/);
    expect(total).toBeGreaterThanOrEqual(cases);
    expect(counts.every((c, i) => i === 0 || c >= counts[i - 1]!)).toBe(true); // progress only moves forward
    // it reached the suite's last kernel (training), whose cases then ran: its count and theirs make every case that ran
    const last = progress[progress.length - 1]!;
    expect(last).toMatch(/conformance: training training: /);
    expect(counts[counts.length - 1]! + selectCases({ kinds: ['training'] }).length).toBeGreaterThanOrEqual(cases);
  }, 900_000);

  it('--node runs it on headless-gl', () => {
    const r = runConformanceCli(['--backend', 'webgl', '--node', '--filter', 'exp']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/\[chromium\]/);
    expect(r.stdout).toMatch(/\| exp +\| \d+ +\| pass /);
  });
});
