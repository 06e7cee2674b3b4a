/**
 * Loss surfaces over two parameters θ = (θ₁, θ₂) for the Descent lab: exact values and analytic
 * gradients in float64, no TF.js. Each surface carries its formula and the region the lab draws.
 */
export type SurfaceId = 'linreg' | 'quadratic' | 'rosenbrock' | 'himmelblau' | 'saddle' | 'beale';

export const SURFACE_IDS: readonly SurfaceId[] = ['linreg', 'quadratic', 'rosenbrock', 'himmelblau', 'saddle', 'beale'];

export type Vec2 = [number, number];

export interface Point2 {
  x: number;
  y: number;
}

/** The rectangle of θ-space the lab draws. */
export interface Domain {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export interface Surface {
  id: SurfaceId;
  /** L(θ₁, θ₂). */
  value(x: number, y: number): number;
  /** ∇L(θ₁, θ₂) = (∂L/∂θ₁, ∂L/∂θ₂). */
  gradient(x: number, y: number): Vec2;
  domain: Domain;
  /** 'log' when the loss spans many orders of magnitude over the domain (colours follow log(L − min)). */
  colourScale: 'log' | 'linear';
  /** Known minima (drawn as crosses); empty where there is none (the saddle). */
  minima: Vec2[];
  /** How the two parameters are written: (w, b) for the line, (θ₁, θ₂) otherwise. */
  paramNames: [string, string];
}

/** What the parametrised surfaces need: the bowl's condition number and the regression's points. */
export interface SurfaceParams {
  /** Condition number κ of the quadratic bowl (ratio of its Hessian's eigenvalues), ≥ 1. */
  condition: number;
  /** Data points (x⁽ⁱ⁾, y⁽ⁱ⁾) of the linear regression. */
  points: Point2[];
}

export const CONDITION_MIN = 1;
export const CONDITION_MAX = 100;

const THETA: [string, string] = ['θ₁', 'θ₂'];

/** L(w, b) = 1/m Σ (w·x⁽ⁱ⁾ + b − y⁽ⁱ⁾)², exact over all m points (0 without points). */
function linearRegression(points: Point2[]): Surface {
  const m = points.length;
  const xs = Float64Array.from(points, (p) => p.x);
  const ys = Float64Array.from(points, (p) => p.y);
  return {
    id: 'linreg',
    value(w, b) {
      let sum = 0;
      for (let i = 0; i < m; i++) {
        const r = w * xs[i] + b - ys[i];
        sum += r * r;
      }
      return m > 0 ? sum / m : 0;
    },
    gradient(w, b) {
      let gw = 0;
      let gb = 0;
      for (let i = 0; i < m; i++) {
        const r = w * xs[i] + b - ys[i];
        gw += r * xs[i];
        gb += r;
      }
      return m > 0 ? [(2 * gw) / m, (2 * gb) / m] : [0, 0];
    },
    domain: { xMin: -4, xMax: 4, yMin: -4, yMax: 4 },
    colourScale: 'linear',
    minima: leastSquares(points),
    paramNames: ['w', 'b'],
  };
}

/** The exact least-squares line (w*, b*) as the surface's minimum; none when it is not unique. */
function leastSquares(points: Point2[]): Vec2[] {
  const m = points.length;
  if (m < 2) return [];
  const mx = points.reduce((s, p) => s + p.x, 0) / m;
  const my = points.reduce((s, p) => s + p.y, 0) / m;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  if (sxx < 1e-12) return [];
  const w = sxy / sxx;
  return [[w, my - w * mx]];
}

/** L(θ) = ½(θ₁² + κ·θ₂²): the Hessian is diag(1, κ), so κ is its condition number. */
function quadratic(kappa: number): Surface {
  return {
    id: 'quadratic',
    value: (x, y) => 0.5 * (x * x + kappa * y * y),
    gradient: (x, y) => [x, kappa * y],
    domain: { xMin: -3, xMax: 3, yMin: -3, yMax: 3 },
    colourScale: kappa > 20 ? 'log' : 'linear',
    minima: [[0, 0]],
    paramNames: THETA,
  };
}

const rosenbrock: Surface = {
  id: 'rosenbrock',
  value: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  gradient: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
  domain: { xMin: -2, xMax: 2, yMin: -1, yMax: 3 },
  colourScale: 'log',
  minima: [[1, 1]],
  paramNames: THETA,
};

const himmelblau: Surface = {
  id: 'himmelblau',
  value: (x, y) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
  gradient(x, y) {
    const a = x * x + y - 11;
    const b = x + y * y - 7;
    return [4 * x * a + 2 * b, 2 * a + 4 * y * b];
  },
  domain: { xMin: -5, xMax: 5, yMin: -5, yMax: 5 },
  colourScale: 'log',
  minima: [
    [3, 2],
    [-2.805118, 3.131312],
    [-3.77931, -3.283186],
    [3.584428, -1.848126],
  ],
  paramNames: THETA,
};

const saddle: Surface = {
  id: 'saddle',
  value: (x, y) => x * x - y * y,
  gradient: (x, y) => [2 * x, -2 * y],
  domain: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 },
  colourScale: 'linear',
  minima: [],
  paramNames: THETA,
};

const beale: Surface = {
  id: 'beale',
  value(x, y) {
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y ** 3) ** 2;
  },
  gradient(x, y) {
    const t1 = 1.5 - x + x * y;
    const t2 = 2.25 - x + x * y * y;
    const t3 = 2.625 - x + x * y ** 3;
    return [2 * t1 * (y - 1) + 2 * t2 * (y * y - 1) + 2 * t3 * (y ** 3 - 1), 2 * t1 * x + 4 * t2 * x * y + 6 * t3 * x * y * y];
  },
  domain: { xMin: -4.5, xMax: 4.5, yMin: -4.5, yMax: 4.5 },
  colourScale: 'log',
  minima: [[3, 0.5]],
  paramNames: THETA,
};

/** The surface `id` with its parameters (κ for the bowl, the points for the regression). */
export function makeSurface(id: SurfaceId, params: SurfaceParams): Surface {
  switch (id) {
    case 'linreg':
      return linearRegression(params.points);
    case 'quadratic':
      return quadratic(Math.min(CONDITION_MAX, Math.max(CONDITION_MIN, params.condition)));
    case 'rosenbrock':
      return rosenbrock;
    case 'himmelblau':
      return himmelblau;
    case 'saddle':
      return saddle;
    case 'beale':
      return beale;
  }
}

export function inDomain(d: Domain, x: number, y: number): boolean {
  return x >= d.xMin && x <= d.xMax && y >= d.yMin && y <= d.yMax;
}
