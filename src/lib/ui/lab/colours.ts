import type { LabOptimizer } from '../../engine/lab/optimizers';

/** One saturated colour per optimizer, distinct from each other and from the surface's colour map. */
export const OPTIMIZER_COLOURS: Record<LabOptimizer, string> = {
  sgd: '#ff4f4f',
  momentum: '#ffa928',
  nesterov: '#f05cff',
  rmsprop: '#32e0ff',
  adam: '#8dff4f',
};
