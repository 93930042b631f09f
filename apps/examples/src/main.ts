#!/usr/bin/env node
// node apps/examples/dist/main.js <e1|e2|e3|e4|results> [options]: the experiments of EXPERIMENTS.md.
import { UsageError } from './cli.js';

const COMMANDS: Record<string, { about: string; load: () => Promise<{ main: (argv: readonly string[]) => Promise<void> }> }> = {
  e1: { about: 'MNIST MLP at three API levels (raw ops, layers, Sequential.fit), identical weights', load: () => import('./e1.js') },
  e2: { about: 'the Learn TensorFlow Now series: LTFN1–3, the CNN and the weight-initialization experiment', load: () => import('./e2.js') },
  e3: { about: 'the Keras-style CNN with dropout and Adam on the 55k/5k/10k split', load: () => import('./e3.js') },
  e4: { about: 'six-layer MLPs on iris, wine, digits: four combinations and the knockout/rescue cause', load: () => import('./e4.js') },
  e5: { about: 'Keras breadth: a functional two-input, two-output model on digits and a text classifier (Embedding + BiLSTM)', load: () => import('./e5.js') },
  results: { about: 'regenerate docs/results.md from docs/results/*/summary.json', load: () => import('./results_md.js') },
};

const HELP = `Usage: node apps/examples/dist/main.js <command> [options]   (--help after a command for its options)

${Object.entries(COMMANDS)
  .map(([k, c]) => `  ${k.padEnd(8)} ${c.about}`)
  .join('\n')}
`;

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (!cmd || cmd === '-h' || cmd === '--help') {
    process.stdout.write(HELP);
    return;
  }
  const c = COMMANDS[cmd];
  if (!c) throw new UsageError(`unknown command '${cmd}'\n\n${HELP}`);
  await (await c.load()).main(rest);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e instanceof UsageError ? e.message : `error: ${e.stack ?? e.message}`) : e);
  process.exit(e instanceof UsageError ? 2 : 1);
});
