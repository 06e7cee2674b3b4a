import { EngineError } from '../errors';
import { Rng } from '../rng';
import type { Dataset, Split } from './dataset';

/** 2-D toy datasets (as in TensorFlow Playground), generated from a seed so a link reproduces them. */
export type SyntheticKind = 'spiral' | 'circles' | 'xor' | 'gaussian' | 'linear';

export const SYNTHETIC_KINDS: readonly SyntheticKind[] = ['spiral', 'circles', 'xor', 'gaussian', 'linear'];

/** The generator's limits, checked here and offered by the page's generator form. */
export const SYNTHETIC_LIMITS = {
  /** Training examples (whole numbers). */
  count: { min: 8, max: 100_000 },
  noise: { min: 0, max: 1, step: 0.05 },
  /** Classes of the kinds that take a class count. */
  classes: { min: 2, max: 5 },
} as const;

/** Whether `kind` takes a number of classes (the others have a fixed two, or are a regression). */
export function takesClasses(kind: SyntheticKind): boolean {
  return kind === 'spiral' || kind === 'gaussian';
}

/** Classes of `kind` when none are asked for: two spiral arms, three clusters, else two. */
export function defaultClasses(kind: SyntheticKind): number {
  return kind === 'gaussian' ? 3 : 2;
}

export interface SyntheticOptions {
  kind: SyntheticKind;
  /** Training examples; a test set of a quarter of this size is generated too. */
  count: number;
  /** Noise level in [0, 1]. */
  noise: number;
  seed: number;
  /** Number of classes for 'spiral' and 'gaussian' (2..5; default 2 for spiral, 3 for gaussian). */
  classes?: number;
  /**
   * Names in the page's language (the engine has no words of its own): the dataset's name, one per class,
   * and the source line. Plain defaults ("Spiral", "0", "1", …) are used where absent.
   */
  names?: { dataset: string; classes: string[]; source: string };
}

/** Standard normal from two uniforms (Box–Muller). */
function gaussian(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

type Point = [x: number, y: number, target: number];

function spiral(rng: Rng, n: number, noise: number, classes: number): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const r = (Math.floor(i / classes) / Math.ceil(n / classes)) * 5;
    const t = (1.75 * r * 2 * Math.PI) / 5 + (2 * Math.PI * c) / classes;
    pts.push([r * Math.sin(t) + gaussian(rng) * noise * 0.5, r * Math.cos(t) + gaussian(rng) * noise * 0.5, c]);
  }
  return pts;
}

function circles(rng: Rng, n: number, noise: number): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i < n; i++) {
    const inner = i % 2 === 0;
    const r = inner ? rng.next() * 2 : 3 + rng.next() * 2;
    const a = rng.next() * 2 * Math.PI;
    pts.push([r * Math.sin(a) + gaussian(rng) * noise, r * Math.cos(a) + gaussian(rng) * noise, inner ? 1 : 0]);
  }
  return pts;
}

function xor(rng: Rng, n: number, noise: number): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i < n; i++) {
    const pad = 0.3;
    let x = rng.next() * 10 - 5;
    let y = rng.next() * 10 - 5;
    x += x > 0 ? pad : -pad;
    y += y > 0 ? pad : -pad;
    pts.push([x + gaussian(rng) * noise, y + gaussian(rng) * noise, x * y >= 0 ? 1 : 0]);
  }
  return pts;
}

function gaussians(rng: Rng, n: number, noise: number, classes: number): Point[] {
  const pts: Point[] = [];
  const spread = 0.5 + noise * 2;
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const a = (2 * Math.PI * c) / classes;
    pts.push([3 * Math.cos(a) + gaussian(rng) * spread, 3 * Math.sin(a) + gaussian(rng) * spread, c]);
  }
  return pts;
}

/** y = 0.5·x + 1 plus noise, x in [-5, 5] (regression; the second column is unused). */
function linear(rng: Rng, n: number, noise: number): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.next() * 10 - 5;
    pts.push([x, 0, 0.5 * x + 1 + gaussian(rng) * noise * 2]);
  }
  return pts;
}

function points(opts: SyntheticOptions, n: number, rng: Rng): Point[] {
  const noise = Math.min(SYNTHETIC_LIMITS.noise.max, Math.max(SYNTHETIC_LIMITS.noise.min, opts.noise));
  switch (opts.kind) {
    case 'spiral':
      return spiral(rng, n, noise, opts.classes ?? defaultClasses('spiral'));
    case 'circles':
      return circles(rng, n, noise);
    case 'xor':
      return xor(rng, n, noise);
    case 'gaussian':
      return gaussians(rng, n, noise, opts.classes ?? defaultClasses('gaussian'));
    case 'linear':
      return linear(rng, n, noise);
  }
}

function toSplit(pts: Point[], regression: boolean, rng: Rng): Split {
  // Shuffle so that classes are interleaved at random, not in generation order.
  const order = rng.permutation(new Uint32Array(pts.length));
  const width = regression ? 1 : 2;
  const x = new Float32Array(pts.length * width);
  const y = regression ? new Float32Array(pts.length) : new Int32Array(pts.length);
  order.forEach((src, i) => {
    const [px, py, target] = pts[src];
    x[i * width] = px;
    if (!regression) x[i * width + 1] = py;
    y[i] = target;
  });
  return { x, y, count: pts.length };
}

/** Generates a seeded 2-D classification dataset, or a 1-D regression one for 'linear'. */
export function generateSynthetic(opts: SyntheticOptions): Dataset {
  const { count: N, classes: C } = SYNTHETIC_LIMITS;
  if (!(Number.isInteger(opts.count) && opts.count >= N.min && opts.count <= N.max)) {
    throw new EngineError('data.badSyntheticSize', { count: opts.count, min: N.min, max: N.max });
  }
  const classes = takesClasses(opts.kind) ? (opts.classes ?? defaultClasses(opts.kind)) : 2;
  if (!(classes >= C.min && classes <= C.max)) throw new EngineError('data.badSyntheticClasses', { classes, min: C.min, max: C.max });
  const rng = new Rng(opts.seed);
  const regression = opts.kind === 'linear';
  const testCount = Math.max(8, Math.round(opts.count / 4));
  const train = toSplit(points(opts, opts.count, rng), regression, rng);
  const test = toSplit(points(opts, testCount, rng), regression, rng);
  return {
    id: `synthetic-${opts.kind}`,
    name: opts.names?.dataset ?? opts.kind[0].toUpperCase() + opts.kind.slice(1),
    task: regression ? 'regression' : 'classification',
    inputShape: [regression ? 1 : 2],
    numClasses: regression ? 1 : classes,
    classNames: regression ? ['y'] : Array.from({ length: classes }, (_, i) => opts.names?.classes[i] ?? String(i)),
    xScale: 1,
    train,
    test,
    source: opts.names?.source ?? `${opts.kind}, ${opts.count}, ${opts.noise}, ${opts.seed}`,
  };
}
