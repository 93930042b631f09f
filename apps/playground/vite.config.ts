import { defineConfig } from 'vite';
import { mnistAssetsPlugin } from './mnist_assets.js';

// base './': the built dist/ works from any folder of a static host.
// The worker is an ES module so it can split and import the backends.
export default defineConfig({
  base: './',
  plugins: [mnistAssetsPlugin()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
