/**
 * @polytensor/models: the seed models of polytensor's experiments, defined
 * once. Each builder returns a fresh, unbuilt `Sequential`; call `setSeed`
 * first for reproducible initial weights.
 */
export { seedMlp, fcMlp, type SeedMlpOptions } from './mlp.js';
export { seedCnn, ltfnCnn, LTFN_INITS, type LtfnInit } from './cnn.js';
export { RECIPES, RECIPE_NAMES, type Recipe, type RecipeName } from './recipes.js';
