/**
 * Worker thread for guarded gate runs (see `ImplSpec.guard`): sets up the
 * workload on the requested backend, runs the gate once and reports its time
 * and verdict. The parent terminates the thread when the run exceeds its limit,
 * which a synchronous kernel in the main thread could never allow.
 */
import { parentPort } from 'node:worker_threads';
// the seed models' initial weights are built on a polytensor backend, also for a tfjs gate
import '@polytensor/backend-ts';
import { numericsFor } from './gate.js';
import { loadPolytensor, loadTfjs } from './node_env.js';
import type { Implementation } from './types.js';
import { workloadById } from './workloads.js';

export interface GuardRequest {
  workload: string;
  quick: boolean;
  implementation: Implementation;
  backend: string;
}

const port = parentPort;
if (!port) throw new Error('guard_worker: run me as a worker thread');

port.on('message', (req: GuardRequest) => {
  void (async () => {
    try {
      const why = req.implementation === 'tfjs' ? await loadTfjs(req.backend) : await loadPolytensor(req.backend);
      if (why) throw new Error(why);
      const w = workloadById(req.workload);
      const handle = await (req.implementation === 'polytensor' ? w.polytensor : w.tfjs)({ quick: req.quick, numerics: numericsFor(req.backend) });
      try {
        port.postMessage({ kind: 'started' });
        const t0 = performance.now();
        const gate = await handle.gate();
        port.postMessage({ kind: 'done', ms: performance.now() - t0, gate });
      } finally {
        handle.dispose();
      }
    } catch (e) {
      port.postMessage({ kind: 'error', message: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
    }
  })();
});
