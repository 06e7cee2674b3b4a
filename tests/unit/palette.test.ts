import { describe, expect, it } from 'vitest';
import type { DecisionGrid } from '../../src/lib/engine/boundary/decision-grid';
import { BOUNDARY_BASE, boundaryCell, boundaryPointColour, classMapPixels } from '../../src/lib/viz/boundary-image';
import { CLASS_PALETTE, classColour, classRgb } from '../../src/lib/viz/palette';
import { pointFill } from '../../src/lib/viz/scatter';

describe('one class palette', () => {
  it('the dataset preview, the class bars and the decision boundary colour class k alike', () => {
    for (let k = 0; k < 12; k++) {
      const [r, g, b] = classRgb(k);
      const css = `rgb(${r}, ${g}, ${b})`;
      expect(classColour(k)).toBe(css);
      // The preview's scatter plot (2-D data) and the boundary's training points.
      expect(pointFill(k, true)).toBe(css);
      expect(boundaryPointColour(k)).toBe(css);
    }
    // Class 0 and class 1 differ, and the palette repeats after its last colour.
    expect(classColour(0)).not.toBe(classColour(1));
    expect(classRgb(CLASS_PALETTE.length)).toEqual(classRgb(0));
  });

  it('the class map fades class k from the page background (unsure) towards the same colour (sure)', () => {
    const grid: DecisionGrid = {
      size: 2,
      domain: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 },
      classes: Uint8Array.from([0, 1, 2, 0]),
      // Two classes: 1 = certain, 0.5 = chance.
      confidence: Float32Array.from([1, 1, 1, 0.5]),
    };
    const px = classMapPixels(grid, 3);
    for (let cell = 0; cell < 3; cell++) {
      const k = grid.classes[cell];
      const a = 0.18 + 0.62; // fully sure
      for (let ch = 0; ch < 3; ch++) expect(px[4 * cell + ch]).toBe(Math.round(BOUNDARY_BASE[ch] + (classRgb(k)[ch] - BOUNDARY_BASE[ch]) * a));
      expect(px[4 * cell + 3]).toBe(255);
    }
    // Below chance the colour is the faintest mix, still of class 0's colour.
    const faint = boundaryCell(0, 0.2, 3);
    for (let ch = 0; ch < 3; ch++) expect(faint[ch]).toBeCloseTo(BOUNDARY_BASE[ch] + (classRgb(0)[ch] - BOUNDARY_BASE[ch]) * 0.18, 6);
  });

  it('regression values are on a ramp, not class colours', () => {
    expect(pointFill(0, false, 0, 1)).toBe('rgb(78, 121, 167)');
    expect(pointFill(1, false, 0, 1)).toBe('rgb(242, 142, 43)');
  });
});
