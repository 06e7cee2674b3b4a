import { describe, expect, it } from 'vitest';
import { contourSegments } from '../../src/lib/engine/lab/contours';
import { ColourScale, sampleGrid } from '../../src/lib/engine/lab/grid';
import { SURFACE_IDS, makeSurface, type Point2 } from '../../src/lib/engine/lab/surfaces';
import { LabRun } from '../../src/lib/engine/lab/trajectory';

const points: Point2[] = [
  { x: -2, y: -1.1 },
  { x: -1, y: -0.2 },
  { x: 0.5, y: 0.9 },
  { x: 1, y: 1.4 },
  { x: 2.5, y: 2.3 },
];
const params = { condition: 10, points };

/** Central finite difference of L at (x, y). */
function numericGradient(f: (x: number, y: number) => number, x: number, y: number): [number, number] {
  const h = 1e-6;
  return [(f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h)];
}

describe('lab surfaces', () => {
  it('have their known values and minima', () => {
    const rosen = makeSurface('rosenbrock', params);
    expect(rosen.value(1, 1)).toBe(0);
    expect(rosen.gradient(1, 1).map(Math.abs)).toEqual([0, 0]);
    expect(rosen.value(0, 0)).toBe(1);
    expect(rosen.value(-1, 2)).toBe(4 + 100);
    const himmel = makeSurface('himmelblau', params);
    expect(himmel.value(3, 2)).toBe(0);
    for (const [x, y] of himmel.minima) expect(himmel.value(x, y)).toBeLessThan(1e-9);
    const beale = makeSurface('beale', params);
    expect(beale.value(3, 0.5)).toBe(0);
    expect(beale.value(0, 0)).toBeCloseTo(1.5 ** 2 + 2.25 ** 2 + 2.625 ** 2, 12);
    const saddle = makeSurface('saddle', params);
    expect(saddle.gradient(0, 0).map(Math.abs)).toEqual([0, 0]);
    expect(saddle.value(1, 0)).toBe(1);
    expect(saddle.value(0, 1)).toBe(-1);
    const bowl = makeSurface('quadratic', { condition: 25, points });
    expect(bowl.value(2, 1)).toBe(0.5 * (4 + 25));
    expect(bowl.gradient(2, 1)).toEqual([2, 25]);
  });

  it('linear regression is the exact mean squared error, minimal at the least-squares line', () => {
    const lr = makeSurface('linreg', params);
    const mse = (w: number, b: number) => points.reduce((s, p) => s + (w * p.x + b - p.y) ** 2, 0) / points.length;
    expect(lr.value(0.7, 0.3)).toBeCloseTo(mse(0.7, 0.3), 12);
    const [[w, b]] = lr.minima;
    const g = lr.gradient(w, b);
    expect(Math.abs(g[0]) + Math.abs(g[1])).toBeLessThan(1e-12);
    expect(lr.value(w + 0.01, b)).toBeGreaterThan(lr.value(w, b));
    expect(makeSurface('linreg', { condition: 1, points: [] }).value(1, 1)).toBe(0);
  });

  it('gradients match finite differences all over each surface', () => {
    for (const id of SURFACE_IDS) {
      const s = makeSurface(id, params);
      const d = s.domain;
      for (let k = 0; k < 40; k++) {
        const x = d.xMin + ((d.xMax - d.xMin) * ((k * 7) % 40)) / 40 + 0.013;
        const y = d.yMin + ((d.yMax - d.yMin) * ((k * 13) % 40)) / 40 + 0.017;
        const [gx, gy] = s.gradient(x, y);
        const [nx, ny] = numericGradient(s.value, x, y);
        const scale = Math.max(1, Math.abs(nx), Math.abs(ny));
        expect(Math.abs(gx - nx) / scale, `${id} ∂/∂θ₁ at (${x}, ${y})`).toBeLessThan(1e-5);
        expect(Math.abs(gy - ny) / scale, `${id} ∂/∂θ₂ at (${x}, ${y})`).toBeLessThan(1e-5);
      }
    }
  });
});

describe('lab runs', () => {
  it('SGD on the bowl shrinks each coordinate by (1 − α·λ) per step', () => {
    const bowl = makeSurface('quadratic', { condition: 4, points });
    const run = new LabRun(bowl, [2, 1], [{ kind: 'sgd', learningRate: 0.1 }], 0.9);
    run.run(5);
    const [x, y] = run.paths[0].theta;
    expect(x).toBeCloseTo(2 * 0.9 ** 5, 12);
    expect(y).toBeCloseTo(1 * 0.6 ** 5, 12);
    expect(run.paths[0].status).toBe('ok');
  });

  it('says when a path diverges or leaves the drawn region, and stops a diverged one', () => {
    const bowl = makeSurface('quadratic', { condition: 10, points });
    // α·κ = 2.5 > 2: the θ₂ coordinate grows by 1.5× per step.
    const run = new LabRun(bowl, [1, 1], [{ kind: 'sgd', learningRate: 0.25 }], 0.9);
    run.run(3);
    expect(run.paths[0].status).toBe('left');
    expect(run.paths[0].rising).toBe(true);
    run.run(100);
    expect(run.paths[0].status).toBe('diverged');
    const steps = run.paths[0].steps;
    expect(run.step()).toBe(false);
    expect(run.paths[0].steps).toBe(steps);
  });

  it('reports convergence at a minimum', () => {
    const bowl = makeSurface('quadratic', { condition: 2, points });
    const run = new LabRun(bowl, [1, 1], [{ kind: 'sgd', learningRate: 0.4 }], 0.9);
    run.run(2000);
    expect(run.paths[0].status).toBe('converged');
  });
});

describe('grids and contours', () => {
  it('samples a surface with row 0 at the top and finds circular contours of the bowl', () => {
    const bowl = makeSurface('quadratic', { condition: 1, points });
    const grid = sampleGrid(bowl.value, bowl.domain, 61, 61);
    expect(grid.values[0]).toBeCloseTo(bowl.value(-3, 3), 12);
    expect(grid.values[30 * 61 + 30]).toBeCloseTo(0, 12);
    const segs = contourSegments(grid, 2); // the circle of radius 2
    expect(segs.length).toBeGreaterThan(40);
    for (let k = 0; k < segs.length; k += 2) {
      const x = -3 + (6 * segs[k]) / 60;
      const y = 3 - (6 * segs[k + 1]) / 60;
      expect(Math.hypot(x, y)).toBeCloseTo(2, 1);
    }
  });

  it('log colour scale maps ends to 0 and 1 and inverts', () => {
    const scale = new ColourScale([0, 1, 10, 1000, NaN], 'log');
    expect(scale.position(0)).toBe(0);
    expect(scale.position(1000)).toBe(1);
    expect(scale.valueAt(scale.position(10))).toBeCloseTo(10, 9);
    // On a linear scale 1 would sit at 0.001 of the bar; the log scale spreads the low values.
    expect(scale.position(1)).toBeGreaterThan(0.2);
    expect(scale.levels(3)).toHaveLength(3);
  });
});
