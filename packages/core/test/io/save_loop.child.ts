// Child process of the kill-during-save test: saves version after version of
// a model over the same folder, forever, printing each version once it is
// saved. The parent SIGKILLs it at a random moment. Bundled by the test.
import '@polytensor/backend-ts';
import { Dense, Sequential, setBackendSync } from '@polytensor/core';
import { versionWeights } from './save_versions.js';

setBackendSync('ts');
const [dir, first] = process.argv.slice(2);

for (let k = Number(first); ; k++) {
  const model = new Sequential({ name: `v${k}`, layers: [new Dense({ name: 'd', units: 128, inputShape: [256] })] });
  model.build();
  model.setWeightValues(versionWeights(k));
  await model.save(`file://${dir}`);
  model.dispose();
  process.stdout.write(`saved ${k}\n`);
}
