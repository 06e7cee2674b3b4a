/** An RGB triple, 0..255 per channel. */
export type Rgb = readonly [number, number, number];

/**
 * The one class palette of the page: the dataset preview, the class balance bars, the scatter plot and
 * the decision boundary all colour class k with `classRgb(k)`. Bright enough to read on the dark page and
 * when faded into it (the boundary's unsure regions); repeated for more than ten classes.
 */
export const CLASS_PALETTE: readonly Rgb[] = [
  [255, 140, 66],
  [70, 160, 255],
  [120, 220, 120],
  [230, 100, 220],
  [250, 220, 80],
  [255, 99, 110],
  [80, 220, 220],
  [175, 140, 255],
  [205, 160, 110],
  [175, 185, 200],
];

/** Class `c`'s colour as RGB (for pixel buffers). */
export function classRgb(c: number): Rgb {
  const n = CLASS_PALETTE.length;
  return CLASS_PALETTE[((Math.trunc(c) % n) + n) % n];
}

/** Class `c`'s colour as a CSS colour string. */
export function classColour(c: number): string {
  const [r, g, b] = classRgb(c);
  return `rgb(${r}, ${g}, ${b})`;
}

/** Colours of several lines in one chart (layers, compared runs): not classes, so a palette of its own. */
export const SERIES_COLOURS: readonly string[] = ['#5aa9ff', '#4cd38a', '#f4b740', '#ff6b6b', '#c792ea', '#89ddff', '#f78c6c', '#a3be8c'];

/** Line `i`'s colour, repeated after eight. */
export function seriesColour(i: number): string {
  return SERIES_COLOURS[i % SERIES_COLOURS.length];
}

/** Colour of `v` in [0, 1] on a blue → orange ramp (values of a regression target, not classes). */
export function rampColour(v: number): string {
  const x = Math.min(1, Math.max(0, v));
  const r = Math.round(78 + (242 - 78) * x);
  const g = Math.round(121 + (142 - 121) * x);
  const b = Math.round(167 + (43 - 167) * x);
  return `rgb(${r}, ${g}, ${b})`;
}
