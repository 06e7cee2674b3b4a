import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/lib/engine/errors';
import { SYNTHETIC_KINDS, SYNTHETIC_LIMITS as L, defaultClasses, generateSynthetic, takesClasses } from '../../src/lib/engine/data/synthetic';

describe('the generator’s one set of limits', () => {
  it('accepts the sizes and class counts at its limits and refuses those past them', () => {
    expect(generateSynthetic({ kind: 'xor', count: L.count.min, noise: 0, seed: 1 }).train.count).toBe(L.count.min);
    expect(() => generateSynthetic({ kind: 'xor', count: L.count.min - 1, noise: 0, seed: 1 })).toThrow(EngineError);
    expect(() => generateSynthetic({ kind: 'xor', count: L.count.max + 1, noise: 0, seed: 1 })).toThrow(EngineError);
    expect(generateSynthetic({ kind: 'gaussian', count: 50, noise: 0, seed: 1, classes: L.classes.max }).numClasses).toBe(L.classes.max);
    expect(() => generateSynthetic({ kind: 'spiral', count: 50, noise: 0, seed: 1, classes: L.classes.min - 1 })).toThrow(EngineError);
    expect(() => generateSynthetic({ kind: 'spiral', count: 50, noise: 0, seed: 1, classes: L.classes.max + 1 })).toThrow(EngineError);
    // The refusal names the same limits, for the page to word.
    expect(() => generateSynthetic({ kind: 'xor', count: 3, noise: 0, seed: 1 })).toThrow(expect.objectContaining({ code: 'data.badSyntheticSize', params: { count: 3, min: L.count.min, max: L.count.max } }));
  });

  it('kinds without a class count ignore it; the others default to their own count', () => {
    for (const kind of SYNTHETIC_KINDS) {
      const ds = generateSynthetic({ kind, count: 40, noise: 0.1, seed: 2 });
      if (kind === 'linear') expect(ds.task).toBe('regression');
      else expect(ds.numClasses).toBe(defaultClasses(kind));
      if (!takesClasses(kind) && kind !== 'linear') expect(generateSynthetic({ kind, count: 40, noise: 0.1, seed: 2, classes: 4 }).numClasses).toBe(2);
    }
    expect([defaultClasses('spiral'), defaultClasses('gaussian')]).toEqual([2, 3]);
  });
});
