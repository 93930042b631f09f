// `polytensor-conformance --backend wasm` with no other argument: the whole
// suite in Node, as a user runs it (the shared test in tools/vitest/conformance_cli.ts).
import { nodeFullRunSuite } from '../../../tools/vitest/conformance_cli.js';

nodeFullRunSuite('wasm');
