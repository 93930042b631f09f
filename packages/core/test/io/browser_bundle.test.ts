// The unit-level guard that browser bundles of core hold no Node code: core's
// entry bundled for the browser by rolldown (Vite's bundler) resolves
// '#file-io' through package.json "imports" to the stub, and imports no
// 'node:' module, not even lazily. The Node bundle, by the same conditions,
// gets the file system module (so this test can tell them apart).
//
// Core's package.json maps '#file-io' into dist; the plugin below maps each
// resolved dist file to its source, so the test needs no build and checks the
// same conditions a bundler applies to the published package.
import { fileURLToPath } from 'node:url';
import { rolldown, type Plugin } from 'rolldown';
import { describe, expect, it } from 'vitest';

const core = fileURLToPath(new URL('../../', import.meta.url));

const distToSource: Plugin = {
  name: 'dist-to-source',
  async resolveId(source, importer, options) {
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    if (resolved?.id.startsWith(`${core}dist/`)) {
      return { ...resolved, id: resolved.id.replace(`${core}dist/`, `${core}src/`).replace(/\.js$/, '.ts') };
    }
    return resolved;
  },
};

async function bundle(platform: 'browser' | 'node'): Promise<{ code: string; modules: string[] }> {
  const build = await rolldown({ input: `${core}src/index.ts`, platform, plugins: [distToSource], logLevel: 'warn' });
  const { output } = await build.generate({ format: 'esm' });
  await build.close();
  return {
    code: output.map((o) => ('code' in o ? o.code : '')).join('\n'),
    modules: output.flatMap((o) => ('moduleIds' in o ? o.moduleIds : [])).map((id) => id.replace(core, '')),
  };
}

const nodeImports = (code: string): string[] => [...code.matchAll(/["'`](node:[\w/]+)["'`]/g)].map((m) => m[1]!);

describe('core bundled for browsers', () => {
  it('holds no node: import and takes the file:// stub', async () => {
    const { code, modules } = await bundle('browser');
    expect(nodeImports(code)).toEqual([]);
    expect(modules).toContain('src/train/io/file_unavailable.ts');
    expect(modules).not.toContain('src/train/io/file_node.ts');
    expect(code).toContain("needs Node's file system, which this build does not have");
  });

  it('for Node, the same conditions pick the file system module', async () => {
    const { code, modules } = await bundle('node');
    expect(nodeImports(code)).toEqual(expect.arrayContaining(['node:crypto', 'node:fs/promises', 'node:path']));
    expect(modules).toContain('src/train/io/file_node.ts');
    expect(modules).not.toContain('src/train/io/file_unavailable.ts');
  });
});
