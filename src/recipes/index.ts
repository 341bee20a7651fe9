import { defaultRecipe } from './default';
import { fastRecipe } from './fast';
import type { TrainingRecipe } from './training-recipe';

export { defaultRecipe } from './default';
export { fastRecipe } from './fast';
export type { TrainingRecipe, RecipeMeasurement } from './training-recipe';
export { trainWithRecipe, trainSoftmaxWithRecipe, type RecipeRunOptions } from './train-with-recipe';

/** Recipes by name. */
export const recipes: Readonly<Record<string, TrainingRecipe>> = Object.freeze({ default: defaultRecipe, fast: fastRecipe });

/**
 * A named recipe; unknown names raise an error listing the known ones.
 *
 * @example
 * const recipe = getRecipe(options.recipe ?? 'default');
 */
export function getRecipe(name: string): TrainingRecipe {
  if (!Object.hasOwn(recipes, name)) throw new Error(`recipe must be one of ${Object.keys(recipes).join(', ')}; got '${name}'`);
  return recipes[name];
}
