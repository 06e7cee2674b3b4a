import { describe, expect, it } from 'vitest';
import { Ema, emaSeries } from '../../src/lib/engine/train/ema';
import { lossCurve } from '../../src/lib/viz/compare';

describe('bias-corrected moving average', () => {
  it('matches the formula avg/(1 − βᵗ), step by step', () => {
    const xs = [4, 1, 3, 0.5, 2, 7];
    const beta = 0.9;
    let avg = 0;
    const ema = new Ema(beta);
    xs.forEach((x, i) => {
      avg = beta * avg + (1 - beta) * x;
      expect(ema.next(x)).toBeCloseTo(avg / (1 - beta ** (i + 1)), 12);
    });
    expect(ema.count).toBe(xs.length);
  });

  it('has no start-up bias: a constant stays constant; the first value is itself; β = 0 is the raw curve', () => {
    expect(emaSeries([2, 2, 2, 2], 0.98).every((v) => Math.abs(v - 2) < 1e-12)).toBe(true);
    expect(new Ema(0.999).next(5)).toBeCloseTo(5, 10);
    expect(emaSeries([1, 9, 3], 0)).toEqual([1, 9, 3]);
    // Two values at β = 0.5: avg = 0.5·(0.5·1) + 0.5·3 = 1.75, corrected by 1 − 0.25: 7/3.
    expect(emaSeries([1, 3], 0.5)[1]).toBeCloseTo(7 / 3, 12);
  });

  it('reset starts over, and β may change between runs', () => {
    const ema = new Ema(0.5);
    ema.next(10);
    ema.next(0);
    ema.reset();
    ema.beta = 0.8;
    expect(ema.count).toBe(0);
    expect(ema.next(3)).toBeCloseTo(3, 12);
  });

  it("is the run comparison's curve (the page's run state smooths with Ema itself)", () => {
    const stepLoss = Float32Array.from({ length: 40 }, (_, i) => 2 / (1 + i) + (i % 3) * 0.1);
    const [xs, ys] = lossCurve({ stepLoss, stepsPerEpoch: 10 }, 0.9);
    const expected = emaSeries(stepLoss, 0.9);
    expect(xs[xs.length - 1]).toBe(4);
    expect(ys).toEqual(expected.map((v) => expect.closeTo(v, 12)));
  });
});
