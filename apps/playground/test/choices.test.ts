/** The page's model table (kept out of the page's first load) against the models package it mirrors. */
import { optimizerNames } from '@polytensor/core';
import { RECIPE_NAMES, RECIPES } from '@polytensor/models';
import { describe, expect, it } from 'vitest';
import { MODEL_NAMES, MODELS, OPTIMIZER_LABELS, OPTIMIZER_NAMES } from '../src/train/choices.js';

describe('Train form choices', () => {
  it('offers every seed model with its recipe as the defaults', () => {
    expect([...MODEL_NAMES]).toEqual([...RECIPE_NAMES]);
    for (const name of MODEL_NAMES) {
      const recipe = RECIPES[name];
      expect({ optimizer: MODELS[name].optimizer, learningRate: MODELS[name].learningRate, batchSize: MODELS[name].batchSize }, name).toEqual({
        optimizer: recipe.compile.optimizer,
        learningRate: recipe.compile.learningRate,
        batchSize: recipe.batchSize,
      });
    }
  });

  it('offers only optimizers core knows, each labelled', () => {
    const known = new Set<string>(optimizerNames());
    for (const o of OPTIMIZER_NAMES) {
      expect(known.has(o), o).toBe(true);
      expect(OPTIMIZER_LABELS[o]).toBeTruthy();
    }
  });
});
