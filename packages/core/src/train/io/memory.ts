// memory://key: an in-process map (tests, quick copies). Saved and loaded
// artifacts are copies, so later changes to either side do not leak across.
import { PolytensorError } from '../../errors.js';
import type { ModelArtifacts, SaveResult } from './types.js';

const store = new Map<string, ModelArtifacts>();

export function saveMemory(key: string, a: ModelArtifacts): SaveResult {
  store.set(key, structuredClone(a));
  return { destination: `memory://${key}`, bytes: a.weightData.byteLength };
}

export function loadMemory(key: string): ModelArtifacts {
  const a = store.get(key);
  if (!a) throw new PolytensorError(`loadModel: nothing saved at memory://${key} in this process; save there first`);
  return structuredClone(a);
}
