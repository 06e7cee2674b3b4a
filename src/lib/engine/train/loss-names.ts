/**
 * Loss names and the default per task, without TF.js: the page's model editor imports these, and a page module
 * that imported `losses.ts` would pull TF.js into the page's bundle.
 */
export type LossName = 'sparseCategoricalCrossentropy' | 'meanSquaredError' | 'meanAbsoluteError';

/** The loss that fits a task, unless the user chose another. */
export function defaultLoss(task: 'classification' | 'regression'): LossName {
  return task === 'classification' ? 'sparseCategoricalCrossentropy' : 'meanSquaredError';
}
