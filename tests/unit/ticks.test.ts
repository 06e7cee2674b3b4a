import { describe, expect, it } from 'vitest';
import { tickDecimals } from '../../src/lib/viz/ticks';

describe('axis tick decimals', () => {
  it('are as many as the ticks need, so that no two ticks read alike', () => {
    // uPlot's splits carry float noise (0.0015000000000000002): it needs no extra decimal.
    const lr = [0, 0.0005, 0.001, 0.0015000000000000002, 0.002];
    expect(tickDecimals(lr)).toBe(4);
    expect(new Set(lr.map((v) => v.toFixed(tickDecimals(lr)))).size).toBe(lr.length);
    expect(tickDecimals([0, 0.25, 0.5, 0.75, 1])).toBe(2);
    expect(tickDecimals([0.2, 0.30000000000000004, 0.4])).toBe(1);
    expect(tickDecimals([0, 50, 100, 150, 200])).toBe(0);
    expect(tickDecimals([1e-5, 1e-4, 1e-3])).toBe(5);
  });

  it('ignore the gaps uPlot leaves (null) and stop at a limit', () => {
    expect(tickDecimals([null, 0.5, null])).toBe(1);
    expect(tickDecimals([])).toBe(0);
    expect(tickDecimals([Math.PI], 6)).toBe(6);
  });
});
