// The fault suite for model files: whatever a model file holds, loading ends
// in a PolytensorError that starts with 'loadModel:' (allocating nothing) or in
// a model whose weights are exactly the file's bytes. Never a raw TypeError or
// RangeError, a hang, a leak, or a silently different model.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, memory, type IOHandler, type ModelArtifacts, type Sequential, type SequentialTopology } from '../helpers.js';
import { copyArtifacts, nextTensorId, smallCnn, weightBytesOf } from './fixtures.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

let base: ModelArtifacts;
let baseJson: { [key: string]: Json };
let baseBytes: Uint8Array;
let root: string;

beforeAll(async () => {
  const model = smallCnn(11);
  base = model.toArtifacts();
  baseBytes = weightBytesOf(model);
  model.dispose();
  const { weightData: _w, ...json } = base;
  baseJson = JSON.parse(JSON.stringify(json)) as { [key: string]: Json };
  root = await mkdtemp(join(tmpdir(), 'polytensor-faults-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const handlerOf = (json: unknown, weightData: ArrayBuffer): IOHandler => ({ load: async () => ({ ...(json as object), weightData }) as ModelArtifacts });

/** Messages of errors JavaScript throws by itself, not polytensor's checks. */
const RAW_ERROR =
  /is not a (function|constructor)|Cannot (read|set) propert|Invalid (array|typed array) length|Maximum call stack|is not iterable|\[object Object\]|out of memory/i;

type Outcome = { ok: true; model: Sequential } | { ok: false; error: Error };

/**
 * Load and check the contract: a clear error with nothing allocated, or a
 * model holding exactly `expectedBytes`; memory unchanged afterwards.
 */
async function loadChecked(load: () => Promise<Sequential>, expectedBytes: Uint8Array = baseBytes, maxMs = 2000): Promise<Outcome> {
  const before = memory();
  const firstId = nextTensorId();
  const t0 = performance.now();
  let outcome: Outcome;
  try {
    outcome = { ok: true, model: await load() };
  } catch (e) {
    outcome = { ok: false, error: e as Error };
  }
  expect(performance.now() - t0, 'loading took too long').toBeLessThan(maxMs);
  if (outcome.ok) {
    expect(weightBytesOf(outcome.model)).toEqual(expectedBytes);
    outcome.model.dispose();
  } else {
    expect(outcome.error.name, String(outcome.error.stack)).toBe('PolytensorError');
    expect(outcome.error.message).toMatch(/^loadModel: /);
    // A raw JavaScript error wrapped in a loadModel message is still a raw error.
    expect(outcome.error.message).not.toMatch(RAW_ERROR);
    expect(nextTensorId(), `a failed load allocated tensors: ${outcome.error.message}`).toBe(firstId + 1);
  }
  const after = memory();
  expect({ tensors: after.numTensors, buffers: after.numDataIds, bytes: after.numBytes }).toEqual({
    tensors: before.numTensors,
    buffers: before.numDataIds,
    bytes: before.numBytes,
  });
  return outcome;
}

function pathsOf(v: Json, at: Path = []): Path[] {
  if (v === null || typeof v !== 'object') return [];
  const keys: Array<string | number> = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return keys.flatMap((k) => [[...at, k], ...pathsOf((v as Record<string | number, Json>)[k]!, [...at, k])]);
}

function parentOf(root: Json, path: Path): Record<string | number, Json> {
  let node = root as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, Json>;
  return node;
}

/** Set like JSON.parse does: '__proto__' becomes an own property, never the prototype. */
function setOwn(node: Record<string | number, Json>, key: string | number, value: Json): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'] as const;
const NASTY: Json[] = [null, -1, 0, 1.5, 1e9, 2 ** 53, -(2 ** 31), '', 'float64', true, [], {}, [-4, -8], [8, 4], [0], [1e5, 1e5, 1e5], ...PROTO_NAMES];

const mutationArb = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom('replace', 'nasty', 'delete', 'add-proto-key', 'duplicate'),
  value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  nasty: fc.constantFrom(...NASTY),
  proto: fc.constantFrom(...PROTO_NAMES),
});

type Mutation = { pick: number; kind: 'replace' | 'nasty' | 'delete' | 'add-proto-key' | 'duplicate'; value: Json; nasty: Json; proto: string };

function mutate(json: Json, m: Mutation): void {
  const paths = pathsOf(json);
  const path = paths[m.pick % paths.length]!;
  const parent = parentOf(json, path);
  const key = path[path.length - 1]!;
  switch (m.kind) {
    case 'replace':
      setOwn(parent, key, m.value);
      break;
    case 'nasty':
      setOwn(parent, key, structuredClone(m.nasty));
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 'add-proto-key': {
      const target = parent[key];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) setOwn(target, m.proto, m.value);
      else setOwn(parent, key, m.proto);
      break;
    }
    case 'duplicate':
      if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(parent[key as number]!));
      else setOwn(parent, key, [structuredClone(parent[key]!), structuredClone(parent[key]!)]);
      break;
  }
}

// Generous timeouts: on a loaded machine these run several times slower than their usual second or two.
describe('fault suite: model files', () => {
  it('the cases the issue lists: missing modelTopology, non-array layers, empty or repeated names, a float64 weight', async () => {
    const cases: Array<[(j: Record<string, Json>) => void, RegExp]> = [
      [(j) => void delete j['modelTopology'], /modelTopology must be an object, got undefined/],
      [
        (j) => void ((j['modelTopology'] as { config: Record<string, Json> }).config['layers'] = { 0: 'Dense' }),
        /modelTopology\.config\.layers must be an array, got \{"0":"Dense"\}/,
      ],
      [(j) => void ((j['modelTopology'] as { config: Record<string, Json> }).config['layers'] = []), /modelTopology\.config\.layers is empty/],
      [
        (j) => void ((j['weightSpecs'] as Array<Record<string, Json>>)[1]!['name'] = 'conv/kernel'),
        /weightSpecs\[1\]\.name repeats the weight name "conv\/kernel"/,
      ],
      [
        (j) => void ((j['weightSpecs'] as Array<Record<string, Json>>)[1]!['dtype'] = 'float64'),
        /weightSpecs\[1\]\.dtype must be 'float32' \(weights are saved as float32\), got "float64"/,
      ],
      [(j) => void (j['version'] = 2), /was saved by a newer polytensor \(format version 2, this one reads 1\)/],
      [(j) => void (j['format'] = 'layers-model'), /is not a polytensor model \(format "layers-model"/],
    ];
    for (const [edit, message] of cases) {
      const json = structuredClone(baseJson);
      edit(json);
      const outcome = await loadChecked(() => loadModel(handlerOf(json, base.weightData.slice(0))));
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error.message).toMatch(message);
    }
  });

  it('fuzzed model JSON (1–3 random mutations of a valid file) loads exactly or fails clearly', { timeout: 30_000 }, async () => {
    let failures = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const json = structuredClone(baseJson) as Json;
        for (const m of mutations) mutate(json, m);
        const text = JSON.stringify(json);
        const outcome = await loadChecked(() => loadModel(handlerOf(JSON.parse(text), base.weightData.slice(0))));
        if (!outcome.ok) failures++;
      }),
      { numRuns: 300, seed: 20240611 },
    );
    expect(failures).toBeGreaterThan(150);
  });

  it('fuzzed model.json text on disk (cut, spliced, corrupted bytes) loads exactly or fails clearly', { timeout: 30_000 }, async () => {
    const text = JSON.stringify({ ...baseJson, weightsPath: 'w.bin' });
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.constantFrom('cut', 'insert', 'replace'),
        fc.string({ minLength: 1, maxLength: 3, unit: 'binary' }),
        async (at, kind, s) => {
          const i = at % text.length;
          const bad =
            kind === 'cut' ? text.slice(0, i) : kind === 'insert' ? text.slice(0, i) + s + text.slice(i) : text.slice(0, i) + s + text.slice(i + s.length);
          const dir = await mkdtemp(join(root, 'text-'));
          await writeFile(join(dir, 'model.json'), bad);
          await writeFile(join(dir, 'w.bin'), baseBytes);
          await loadChecked(() => loadModel(`file://${dir}`));
        },
      ),
      { numRuns: 25, seed: 7 },
    );
  });

  it('truncated and oversized weights files fail with both sizes named', { timeout: 30_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 * baseBytes.length + 9 }).filter((n) => n !== baseBytes.length),
        async (n) => {
          const dir = await mkdtemp(join(root, 'size-'));
          await writeFile(join(dir, 'model.json'), JSON.stringify({ ...baseJson, weightsPath: 'w.bin' }));
          const bytes = new Uint8Array(n);
          bytes.set(baseBytes.subarray(0, Math.min(n, baseBytes.length)));
          await writeFile(join(dir, 'w.bin'), bytes);
          const outcome = await loadChecked(() => loadModel(`file://${dir}`));
          expect(outcome.ok).toBe(false);
          if (!outcome.ok)
            expect(outcome.error.message).toMatch(new RegExp(`holds ${n.toLocaleString('en-US')} bytes but the weightSpecs declare ${baseBytes.length} `));
          // The same bytes given directly (a custom handler): the same check.
          const direct = await loadChecked(() => loadModel(handlerOf(baseJson, bytes.buffer)));
          expect(direct.ok).toBe(false);
          if (!direct.ok)
            expect(direct.error.message).toMatch(
              new RegExp(`weight data holds ${n.toLocaleString('en-US')} bytes.* but the weightSpecs declare ${baseBytes.length}`),
            );
        },
      ),
      { numRuns: 25, seed: 3 },
    );
  });

  it('traversal paths in weightsPath (relative, absolute, encoded) never read outside the folder', { timeout: 30_000 }, async () => {
    const outside = join(root, 'outside.bin');
    await writeFile(outside, baseBytes);
    const segment = fc.constantFrom('..', '.', 'sub', 'w.bin', '', '..\\..', 'C:', '%2e%2e');
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.boolean(), async (parts, absolute) => {
        const p = (absolute ? '/' : '') + parts.join('/');
        const escapes = absolute || /(^|[\\/])\.\.([\\/]|$)/.test(p) || /^[a-zA-Z]:/.test(p);
        const dir = await mkdtemp(join(root, 'path-'));
        await writeFile(join(dir, 'model.json'), JSON.stringify({ ...baseJson, weightsPath: p }));
        const outcome = await loadChecked(() => loadModel(`file://${dir}`));
        // Nothing inside this folder holds weights, so any success would have read outside it.
        expect(outcome.ok).toBe(false);
        if (!outcome.ok && escapes) expect(outcome.error.message).toMatch(/weightsPath .* (leaves the model folder|names the model folder itself)/);
      }),
      { numRuns: 40, seed: 5 },
    );
  });

  it('prototype names as class, loss, metric, activation, initializer or weight names fail clearly; as layer names they load', {
    timeout: 30_000,
  }, async () => {
    type Layers = Array<{ className: string; config: Record<string, Json> }>;
    const edits: Record<string, (j: Record<string, Json>, name: string) => void> = {
      layerClass: (j, n) => void ((j['modelTopology'] as { config: { layers: Layers } }).config.layers[2]!.className = n),
      optimizerClass: (j, n) => void ((j['trainingConfig'] as { optimizer: { className: string } }).optimizer.className = n),
      loss: (j, n) => void ((j['trainingConfig'] as { loss: string }).loss = n),
      metric: (j, n) => void ((j['trainingConfig'] as { metrics: string[] }).metrics = [n]),
      activation: (j, n) => void ((j['modelTopology'] as { config: { layers: Layers } }).config.layers[4]!.config['activation'] = n),
      initializerName: (j, n) => void ((j['modelTopology'] as { config: { layers: Layers } }).config.layers[4]!.config['kernelInitializer'] = n),
      initializerClass: (j, n) =>
        void ((j['modelTopology'] as { config: { layers: Layers } }).config.layers[4]!.config['kernelInitializer'] = { className: n, config: {} }),
      weightName: (j, n) => void ((j['weightSpecs'] as Array<{ name: string }>)[0]!.name = n),
      padding: (j, n) => void ((j['modelTopology'] as { config: { layers: Layers } }).config.layers[0]!.config['padding'] = n),
    };
    const expected: Record<keyof typeof edits, RegExp> = {
      layerClass: /layer 2 .* unknown layer class "NAME"; known: Dense,/,
      optimizerClass: /trainingConfig\.optimizer\.className names "NAME", which is not a built-in optimizer/,
      loss: /trainingConfig\.loss is invalid: getLoss: unknown loss 'NAME'/,
      metric: /trainingConfig\.metrics\[0\] is invalid: getMetric: unknown metric 'NAME'/,
      activation: /layer 4 \('hidden', Dense\) is invalid: unknown activation 'NAME'/,
      initializerName: /layer 4 .* unknown initializer 'NAME'/,
      initializerClass: /layer 4 .* unknown initializer class "NAME"/,
      weightName: /weightSpecs\[0\] is 'NAME' \[3,3,2,3\] float32 but the topology builds 'conv\/kernel' \[3,3,2,3\] float32 there/,
      padding: /layer 0 .* padding must be 'same' or 'valid', got 'NAME'/,
    };
    for (const name of PROTO_NAMES) {
      for (const [where, edit] of Object.entries(edits)) {
        const json = JSON.parse(JSON.stringify(baseJson)) as Record<string, Json>;
        edit(json, name);
        const outcome = await loadChecked(() => loadModel(handlerOf(JSON.parse(JSON.stringify(json)), base.weightData.slice(0))));
        expect(outcome.ok, `${where} = '${name}' loaded`).toBe(false);
        if (!outcome.ok) expect(outcome.error.message).toMatch(new RegExp(expected[where]!.source.replace('NAME', name)));
      }
      // A layer may be called anything, and its weights follow its name.
      const renamed = JSON.parse(JSON.stringify(baseJson).replaceAll('"hidden', `"${name}`)) as Record<string, Json>;
      const outcome = await loadChecked(() => loadModel(handlerOf(renamed, base.weightData.slice(0))));
      expect(outcome.ok, `a layer named '${name}'`).toBe(true);
    }
  });

  it('weights of the right size but the wrong shape, dtype or name are refused', { timeout: 30_000 }, async () => {
    const kinds = ['transpose', 'negate', 'extra-dim', 'dtype', 'rename', 'swap-names'] as const;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...kinds), fc.constantFrom('float64', 'int32', 'bool', 'float16', 'complex64'), async (pick, kind, dtype) => {
        const art = copyArtifacts(base);
        const specs = art.weightSpecs;
        const i = pick % specs.length;
        const spec = specs[i]!;
        if (kind === 'transpose') {
          if (spec.shape.length < 2 || new Set(spec.shape).size === 1) return;
          spec.shape = [...spec.shape].reverse();
        }
        if (kind === 'negate') spec.shape = spec.shape.map((d) => -d);
        if (kind === 'extra-dim') spec.shape = [...spec.shape, 1];
        if (kind === 'dtype') spec.dtype = dtype as never;
        if (kind === 'rename') spec.name = `${spec.name}_`;
        if (kind === 'swap-names') {
          const j = (i + 1) % specs.length;
          [spec.name, specs[j]!.name] = [specs[j]!.name, spec.name];
          // Weights are matched by name: two of the same shape trade places (each loads where its name says).
          if (spec.shape.join() === specs[j]!.shape.join()) {
            const bytesOf = (k: number): [number, number] => {
              const start = specs.slice(0, k).reduce((n, s) => n + 4 * s.shape.reduce((p, d) => p * d, 1), 0);
              return [start, start + 4 * specs[k]!.shape.reduce((p, d) => p * d, 1)];
            };
            const [a0, a1] = bytesOf(i);
            const [b0, b1] = bytesOf(j);
            const swapped = baseBytes.slice();
            swapped.set(baseBytes.subarray(b0, b1), a0);
            swapped.set(baseBytes.subarray(a0, a1), b0);
            const outcome = await loadChecked(() => loadModel(art), swapped);
            expect(outcome.ok, `same-shape weights ${i} and ${j} swapped by name`).toBe(true);
            return;
          }
        }
        const outcome = await loadChecked(() => loadModel(art));
        expect(outcome.ok, `${kind} of weightSpecs[${i}] loaded`).toBe(false);
        if (!outcome.ok) expect(outcome.error.message).toMatch(/weightSpecs\[\d+\]/);
      }),
      { numRuns: 60, seed: 9 },
    );
  });

  it('huge declared layers with tiny weights fail in well under a second, allocating nothing', { timeout: 30_000 }, async () => {
    const dim = fc.integer({ min: 1, max: 2_000_000_000 });
    await fc.assert(
      fc.asyncProperty(dim, dim, fc.constantFrom('specs follow', 'specs stay small'), async (inDim, units, specMode) => {
        const art = copyArtifacts(base);
        const cfg = (art.modelTopology as SequentialTopology).config;
        cfg.inputShape = [inDim];
        cfg.layers = [{ className: 'Dense', config: { name: 'big', units, useBias: true } }];
        art.weightSpecs =
          specMode === 'specs follow'
            ? [
                { name: 'big/kernel', shape: [inDim, units], dtype: 'float32' },
                { name: 'big/bias', shape: [units], dtype: 'float32' },
              ]
            : [
                { name: 'big/kernel', shape: [2, 3], dtype: 'float32' },
                { name: 'big/bias', shape: [3], dtype: 'float32' },
              ];
        art.weightData = new ArrayBuffer(specMode === 'specs follow' ? 24 : 36);
        delete art.trainingConfig;
        const small = inDim * units + units <= 9;
        const outcome = await loadChecked(() => loadModel(art), new Uint8Array(art.weightData), 1000);
        if (!small) expect(outcome.ok).toBe(false);
      }),
      { numRuns: 60, seed: 13 },
    );
  });
});
