#!/usr/bin/env node
// A committed entry point, so npm can link the command before the first build.
import('../dist/main.js').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/main.js')) {
    console.error('polytensor-examples: not built yet; run `npm run build` at the repository root first');
    process.exit(2);
  }
  throw e;
});
