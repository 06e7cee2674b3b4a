/**
 * The decimals a chart axis's ticks need so that each is written exactly and all alike (0, 0.0005 … 0.002 need 4;
 * 0, 0.25 … 1 need 2; 0, 50 … 200 need none). uPlot's own format keeps at most 3 decimals (Intl's default), so a
 * learning-rate axis read "0, 0.001, 0.001, 0.002, 0.002".
 */
export function tickDecimals(ticks: readonly (number | null)[], max = 12): number {
  const finite = ticks.filter((v): v is number => v != null && Number.isFinite(v));
  let decimals = 0;
  while (decimals < max && finite.some((v) => Math.abs(Number(v.toFixed(decimals)) - v) > Math.abs(v) * 1e-9 + 1e-15)) decimals++;
  return decimals;
}
