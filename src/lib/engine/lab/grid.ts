import type { Domain } from './surfaces';

/**
 * A function sampled on a regular grid of `nx × ny` nodes spanning a domain, row-major with row 0
 * at the top (largest y), as a canvas draws it. Used for the lab's surfaces and the loss landscape.
 */
export interface Grid {
  nx: number;
  ny: number;
  domain: Domain;
  /** Float64, `ny × nx`; non-finite where the function is. */
  values: Float64Array;
}

/** Samples `f` at the grid's nodes. */
export function sampleGrid(f: (x: number, y: number) => number, domain: Domain, nx: number, ny: number): Grid {
  const values = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    const y = domain.yMax - ((domain.yMax - domain.yMin) * j) / (ny - 1);
    for (let i = 0; i < nx; i++) values[j * nx + i] = f(domain.xMin + ((domain.xMax - domain.xMin) * i) / (nx - 1), y);
  }
  return { nx, ny, domain, values };
}

/**
 * Maps loss values to [0, 1] for colouring, linearly or on a log scale of L − min (for surfaces
 * whose values span orders of magnitude), and back, for the legend's tick labels.
 */
export class ColourScale {
  readonly lo: number;
  readonly hi: number;
  private readonly offset: number;

  constructor(
    values: ArrayLike<number>,
    readonly kind: 'log' | 'linear',
  ) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(hi > lo)) {
      lo = Number.isFinite(lo) ? lo : 0;
      hi = lo + 1;
    }
    this.lo = lo;
    this.hi = hi;
    // log(L − lo + offset): the offset sets how much of the range the deepest colours get.
    this.offset = (hi - lo) * 1e-4;
  }

  private forward(v: number): number {
    return this.kind === 'log' ? Math.log(v - this.lo + this.offset) : v;
  }

  /** Position of `v` on the colour bar, clamped to [0, 1]. */
  position(v: number): number {
    if (!Number.isFinite(v)) return 1;
    const a = this.forward(this.lo);
    const b = this.forward(this.hi);
    return Math.min(1, Math.max(0, (this.forward(Math.max(v, this.lo)) - a) / (b - a)));
  }

  /** The value at position `p` ∈ [0, 1] of the colour bar. */
  valueAt(p: number): number {
    if (this.kind === 'linear') return this.lo + p * (this.hi - this.lo);
    const a = this.forward(this.lo);
    const b = this.forward(this.hi);
    return Math.exp(a + p * (b - a)) + this.lo - this.offset;
  }

  /** `count` contour levels, evenly spaced on the colour bar (ends excluded). */
  levels(count: number): number[] {
    return Array.from({ length: count }, (_, k) => this.valueAt((k + 1) / (count + 1)));
  }
}
