/**
 * Vitest global setup: build the app once for every end-to-end test file
 * (they all serve the same dist/; building per file would race on it).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default async function buildApp(): Promise<void> {
  const vite = await import('vite');
  await vite.build({ root: join(dirname(fileURLToPath(import.meta.url)), '..'), logLevel: 'error' });
}
