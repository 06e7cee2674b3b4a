/** The loss landscape's options, without TF.js (the page's landscape state imports them). */
export type LandscapeMethod = 'random' | 'pca';

export interface LandscapeOptions {
  method: LandscapeMethod;
  /** Grid points per side (≥ 5). */
  size: number;
  /** Half-width of the grid in units of the random directions (random method only). */
  range: number;
  seed: number;
  /** Examples of the fixed training subset the loss is measured on. */
  subset: number;
}

export const DEFAULT_LANDSCAPE: LandscapeOptions = { method: 'random', size: 25, range: 1, seed: 1, subset: 512 };
