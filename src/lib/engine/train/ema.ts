/**
 * Bias-corrected exponential moving average (as TensorBoard smooths curves, and as fastai's range test
 * smooths the loss): avgₜ = β·avgₜ₋₁ + (1 − β)·xₜ, reported as avgₜ / (1 − βᵗ), so the first values are
 * not pulled towards the zero the average starts from. The one implementation for the engine and the page.
 */
export class Ema {
  private avg = 0;
  private n = 0;

  /** `beta` in [0, 1): 0 reports the raw values; it may change after a `reset()`. */
  constructor(public beta: number) {}

  /** Adds `value` and returns the corrected average so far. */
  next(value: number): number {
    this.n++;
    this.avg = this.beta * this.avg + (1 - this.beta) * value;
    return this.avg / (1 - Math.pow(this.beta, this.n));
  }

  /** Values seen since the last reset. */
  get count(): number {
    return this.n;
  }

  reset(): void {
    this.avg = 0;
    this.n = 0;
  }
}

/** The corrected average after each of `values`. */
export function emaSeries(values: ArrayLike<number>, beta: number): number[] {
  const ema = new Ema(beta);
  return Array.from(values, (v) => ema.next(v));
}
