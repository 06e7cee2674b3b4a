/**
 * How the θ panel writes numbers: four decimals in the everyday range, scientific notation outside
 * it, so a teacher reads the same digits every step.
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const text = a >= 1e-3 && a < 1e5 ? v.toFixed(4) : v.toExponential(3);
  return text.replace('-', '−');
}

/** A pair as the panel writes it: (a, b). */
export function formatPair(p: readonly [number, number]): string {
  return `(${formatValue(p[0])}, ${formatValue(p[1])})`;
}

/** A learning rate with up to three significant digits. */
export function formatRate(v: number): string {
  return String(Number(v.toPrecision(3)));
}

/** A value in words-friendly form: three significant digits. */
export function formatShort(v: number): string {
  if (!Number.isFinite(v)) return formatValue(v);
  const a = Math.abs(v);
  return (a >= 1e5 || (a < 1e-3 && a > 0) ? v.toExponential(2) : String(Number(v.toPrecision(3)))).replace('-', '−');
}
