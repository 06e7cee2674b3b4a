/** Class colours (Tableau 10), repeated for more classes; a blue→orange ramp for numbers. */
export const CLASS_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function classColour(c: number): string {
  return CLASS_COLOURS[c % CLASS_COLOURS.length];
}

/** Colour of `v` in [0, 1] on a blue → orange ramp. */
export function rampColour(v: number): string {
  const x = Math.min(1, Math.max(0, v));
  const r = Math.round(78 + (242 - 78) * x);
  const g = Math.round(121 + (142 - 121) * x);
  const b = Math.round(167 + (43 - 167) * x);
  return `rgb(${r}, ${g}, ${b})`;
}
