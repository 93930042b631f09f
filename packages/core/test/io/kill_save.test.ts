// Kill during save: a child process saves model versions over an existing
// model as fast as it can and is SIGKILLed at random moments. Whatever the
// moment, the folder then loads as one complete version (its name and its
// weights, bit-exact): the one before the interrupted save, or its result.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Dense, Sequential, loadModel } from '../helpers.js';
import { versionWeights } from './save_versions.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
let root: string;
let child: string;

/** Bundle the child (TypeScript, workspace sources) into one file Node runs. */
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'polytensor-kill-'));
  child = join(root, 'save_loop.mjs');
  const bundle = await rolldown({
    input: here('./save_loop.child.ts'),
    platform: 'node',
    logLevel: 'warn',
    resolve: {
      alias: {
        '@polytensor/core': here('../../src/index.ts'),
        '@polytensor/backend-ts': here('../../../backend-ts/src/index.ts'),
        '#file-io': here('../../src/train/io/file_node.ts'),
      },
    },
  });
  await bundle.write({ file: child, format: 'esm' });
  await bundle.close();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Run the child over `dir` from version `first`; kill it `delayMs` after its first save. Returns the versions it reported saved. */
function runAndKill(dir: string, first: number, delayMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, dir, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!timer) timer = setTimeout(() => proc.kill('SIGKILL'), delayMs);
    });
    proc.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    proc.on('error', reject);
    proc.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`the save loop ended by itself: ${err || out}`));
      resolve([...out.matchAll(/saved (\d+)\n/g)].map((m) => Number(m[1])));
    });
  });
}

it('SIGKILL at random moments of saving over a model: the folder loads as the old or the new version, bit-exact', { timeout: 60_000 }, async () => {
  const dir = join(root, 'model');
  const v0 = new Sequential({ name: 'v0', layers: [new Dense({ name: 'd', units: 128, inputShape: [256] })] });
  v0.build();
  v0.setWeightValues(versionWeights(0));
  await v0.save(`file://${dir}`);
  v0.dispose();
  let current = 0;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 40 }), async (delayMs) => {
      const saved = await runAndKill(dir, current + 1, delayMs);
      expect(saved.length).toBeGreaterThan(0);
      const last = saved[saved.length - 1]!;
      const loaded = await loadModel(`file://${dir}`);
      let k: number;
      try {
        k = Number(loaded.name.slice(1));
        // The last reported version, or the one being saved when the kill came.
        expect([last, last + 1]).toContain(k);
        const want = versionWeights(k);
        loaded.getWeightValues().forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(want[i]!.buffer)), `weight ${i} of v${k}`).toBe(true));
      } finally {
        loaded.dispose();
      }
      // Leftovers of the interrupted save (at most its weights and temporary model.json) until the next save cleans up.
      expect((await readdir(dir)).length).toBeLessThanOrEqual(4);
      current = k;
    }),
    { numRuns: 8, seed: 42 },
  );
});
