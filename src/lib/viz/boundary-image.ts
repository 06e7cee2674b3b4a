import type { DecisionGrid } from '../engine/boundary/decision-grid';
import { classColour, classRgb, type Rgb } from './palette';

/** The page's background the class colours fade into where the model is unsure. */
export const BOUNDARY_BASE: Rgb = [15, 20, 32];

/** Colour of one cell of the class map: the class's colour, faded towards the page by how unsure the model is. */
export function boundaryCell(classIndex: number, confidence: number, classCount: number): Rgb {
  const c = classRgb(classIndex);
  const chance = 1 / Math.max(2, classCount);
  const sure = Math.min(1, Math.max(0, (confidence - chance) / (1 - chance)));
  const a = 0.18 + 0.62 * sure;
  const [r0, g0, b0] = BOUNDARY_BASE;
  return [r0 + (c[0] - r0) * a, g0 + (c[1] - g0) * a, b0 + (c[2] - b0) * a];
}

/** The class map at grid resolution, as RGBA pixels (row-major, as the grid). */
export function classMapPixels(g: DecisionGrid, classCount: number): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(g.classes.length * 4);
  for (let k = 0; k < g.classes.length; k++) {
    const rgb = boundaryCell(g.classes[k], g.confidence[k], classCount);
    pixels.set(rgb, 4 * k);
    pixels[4 * k + 3] = 255;
  }
  return pixels;
}

/** Fill of a training point of class `label` on the map: the same colour as everywhere else on the page. */
export function boundaryPointColour(label: number): string {
  return classColour(label);
}
