/**
 * What the Train form offers: the seed models and the optimizers. The page
 * keeps this small table instead of importing @polytensor/models, which would
 * pull core into the page's first load; test/choices.test.ts checks it
 * against the models package's recipes.
 */

export const MODEL_NAMES = ['mlp', 'fc', 'cnn'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface ModelChoice {
  name: ModelName;
  label: string;
  /** The recipe's optimizer, learning rate and batch size: the form's defaults when this model is picked. */
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
}

export const MODELS: Readonly<Record<ModelName, ModelChoice>> = {
  mlp: { name: 'mlp', label: 'Seed MLP (784 → 64 sigmoid → 10)', optimizer: 'sgd', learningRate: 0.5, batchSize: 64 },
  fc: { name: 'fc', label: 'FC (784 → 500 → 500 → 10, ReLU)', optimizer: 'sgd', learningRate: 0.1, batchSize: 100 },
  cnn: { name: 'cnn', label: 'CNN (conv64×2, conv32×2, dense 256; 470k weights)', optimizer: 'adam', learningRate: 0.001, batchSize: 50 },
};

/** A subset of core's optimizer names (getOptimizer accepts each). */
export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adam', 'rmsprop', 'adagrad', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export const OPTIMIZER_LABELS: Readonly<Record<OptimizerName, string>> = {
  sgd: 'SGD',
  momentum: 'SGD + momentum 0.9',
  adam: 'Adam',
  rmsprop: 'RMSprop',
  adagrad: 'Adagrad',
  adamw: 'AdamW',
};
