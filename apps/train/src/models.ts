// The seed models and their recipes live in @polytensor/models (one definition
// for train, examples, bench and tests); the CLI names them as models.
export { RECIPES, RECIPE_NAMES as MODEL_NAMES, type Recipe, type RecipeName as ModelName } from '@polytensor/models';
