/**
 * (Node, build time) Makes src/sw.ts the service worker: built as its own
 * entry at dist/sw.js, with the list of every other file of the build and a
 * version hash written in, so it can cache the whole app on install.
 */
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';

export const SW_ENTRY = 'sw';
export const SW_FILE = 'sw.js';

export function offlinePlugin(): Plugin {
  return {
    name: 'polytensor-playground-offline',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const sw = bundle[SW_FILE];
      if (sw?.type !== 'chunk') {
        this.error(`playground offline: no ${SW_FILE} chunk in the build; vite.config.ts must build src/sw.ts as the '${SW_ENTRY}' entry`);
      }
      const files = Object.keys(bundle)
        .filter((f) => f !== SW_FILE && !f.endsWith('.map'))
        .sort();
      const hash = createHash('sha256');
      for (const f of files) {
        const item = bundle[f]!;
        hash.update(f).update(item.type === 'chunk' ? item.code : item.source);
      }
      const version = hash.digest('hex').slice(0, 16);
      const code = sw.code.replace('__PLAYGROUND_PRECACHE__', JSON.stringify(files).replace(/'/g, "\\'")).replace('__PLAYGROUND_VERSION__', version);
      if (code === sw.code || code.includes('__PLAYGROUND_')) this.error('playground offline: sw.js lost its placeholders (minified away?)');
      sw.code = code;
    },
  };
}
