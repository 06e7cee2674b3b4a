/**
 * A sequential colour map for loss values (dark = low, light = high), built from a few stops
 * of a perceptually even blue-to-sand ramp, so coloured paths stay visible on every part of it.
 */
const STOPS: [number, number, number][] = [
  [12, 20, 48],
  [30, 56, 110],
  [38, 104, 150],
  [64, 150, 160],
  [130, 190, 160],
  [205, 220, 170],
  [250, 242, 215],
];

/** RGB of position `p` ∈ [0, 1] of the map. */
export function colourAt(p: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(p) ? p : 1)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** The map as a CSS gradient (for legends), left to right from low to high. */
export function cssGradient(direction = 'to right'): string {
  const stops = STOPS.map((c, i) => `rgb(${c.join(',')}) ${((100 * i) / (STOPS.length - 1)).toFixed(1)}%`);
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}
