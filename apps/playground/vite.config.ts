import { defineConfig } from 'vite';
import { mnistAssetsPlugin } from './mnist_assets.js';
import { offlinePlugin, SW_ENTRY, SW_FILE } from './offline_plugin.js';

// base './': the built dist/ works from any folder of a static host.
// The worker is an ES module so it can split and import the backends.
// src/sw.ts is a second entry, written to dist/sw.js (a service worker's scope is its folder).
export default defineConfig(({ command }) => ({
  base: './',
  // the service worker is registered by built pages only (the dev server's modules change under a cache);
  // a flag of its own, because a build under vitest has NODE_ENV=test and so import.meta.env.PROD false
  define: { __PLAYGROUND_OFFLINE__: JSON.stringify(command === 'build') },
  plugins: [mnistAssetsPlugin(), offlinePlugin()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: { index: 'index.html', [SW_ENTRY]: 'src/sw.ts' },
      output: { entryFileNames: (chunk) => (chunk.name === SW_ENTRY ? SW_FILE : 'assets/[name]-[hash].js') },
    },
  },
}));
