import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumLaunchOptions, chromiumVersion, findChromium, launchChromium, launchChromiumServer, noChromiumMessage } from './chromium.js';

// The launcher every browser user shares (conformance --browser, bench, tests/packed, Vitest browser projects).
describe('the shared Chromium launcher', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polytensor-chromium-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds $CHROMIUM_PATH as given, else chromium on PATH', () => {
    const fake = join(dir, 'chromium');
    writeFileSync(fake, '#!/bin/sh\necho "Chromium 1.2.3 built here"\n');
    chmodSync(fake, 0o755);
    expect(findChromium({ CHROMIUM_PATH: fake, PATH: '' })).toBe(fake);
    expect(findChromium({ CHROMIUM_PATH: join(dir, 'missing') })).toBeUndefined();
    expect(findChromium({ PATH: `/nonexistent-bin:${dir}` })).toBe(fake);
    expect(chromiumVersion(fake)).toBe('Chromium 1.2.3 built here');
    expect(chromiumVersion(join(dir, 'missing'))).toBeNull();
  });

  it('adds the caller’s flags after the shared ones', () => {
    const o = chromiumLaunchOptions({ executablePath: '/x/chromium', args: ['--enable-unsafe-webgpu'] });
    expect(o).toEqual({ executablePath: '/x/chromium', headless: true, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] });
  });

  it('without a Chromium, launching fails with what to do, never a download', async () => {
    const env = { CHROMIUM_PATH: '/nonexistent/chromium' };
    const expected =
      /^no Chromium for the bench: CHROMIUM_PATH=\/nonexistent\/chromium does not exist\. Install one \(apt-get install chromium\) or set CHROMIUM_PATH/;
    await expect(launchChromium({ env, purpose: 'for the bench' })).rejects.toThrow(expected);
    await expect(launchChromiumServer({ env, purpose: 'for the bench' })).rejects.toThrow(expected);
    expect(noChromiumMessage({ PATH: '' })).toMatch(/^no Chromium: CHROMIUM_PATH is unset, and there is no chromium on PATH nor \/usr\/bin\/chromium\./);
  });

  it('launches the system Chromium headless with WebGL 2 (SwiftShader)', async () => {
    // Chromium is part of the test setup: none here is a failure, not a skip
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const webgl2 = await page.evaluate(() => document.createElement('canvas').getContext('webgl2') !== null);
      expect(webgl2).toBe(true);
      expect(chromiumVersion(findChromium()!)).toMatch(/Chromium \d+\./);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
