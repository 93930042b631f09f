// The suite registered through its Vitest integration, against the reference
// backend. Runs in Node and (the 'chromium' project) in headless Chromium.
import { referenceBackendFactory } from './reference_backend.js';
import { conformanceSuite } from './vitest.js';

conformanceSuite('reference', referenceBackendFactory);
