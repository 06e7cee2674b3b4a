import { initialState, optimizerStep, type LabOptimizer, type OptimizerState, type StepDetail } from './optimizers';
import { inDomain, type Surface, type Vec2 } from './surfaces';

/**
 * Where a path stands: still on the drawn region, gone off it (possibly on its way down, as on the
 * saddle), or diverged (θ or L no longer finite, or |θ| beyond any sensible scale).
 */
export type PathStatus = 'ok' | 'left' | 'diverged' | 'converged';

/** |θ| above this counts as diverged: far outside every surface's drawn region. */
const DIVERGED_AT = 1e6;
/** A step this short (and a gradient this small) means the path has arrived. */
const CONVERGED_STEP = 1e-9;
/** Paths keep at most this many points; a path that long stops (the lab auto-pauses). */
export const MAX_STEPS = 20_000;

export interface OptimizerSetup {
  kind: LabOptimizer;
  learningRate: number;
}

/** One optimizer's trajectory: θ after each step (x, y interleaved), the loss there, and its state. */
export class Path {
  readonly xy: number[];
  readonly losses: number[];
  state: OptimizerState = initialState();
  status: PathStatus = 'ok';
  /** The step at which `status` last changed (0 = start). */
  statusStep = 0;
  last: StepDetail | null = null;

  constructor(
    readonly kind: LabOptimizer,
    public learningRate: number,
    start: Vec2,
    startLoss: number,
  ) {
    this.xy = [start[0], start[1]];
    this.losses = [startLoss];
  }

  get steps(): number {
    return this.losses.length - 1;
  }

  get theta(): Vec2 {
    const n = this.xy.length;
    return [this.xy[n - 2], this.xy[n - 1]];
  }

  get loss(): number {
    return this.losses[this.losses.length - 1];
  }

  /** True while another step can change something. */
  get active(): boolean {
    return this.status !== 'diverged' && this.status !== 'converged' && this.steps < MAX_STEPS;
  }

  /** One update on `surface`; returns false when the path no longer moves. */
  step(surface: Surface, momentum: number): boolean {
    if (!this.active) return false;
    const theta = this.theta;
    const grad = surface.gradient(theta[0], theta[1]);
    const res = optimizerStep(this.kind, this.state, theta, this.loss, grad, { learningRate: this.learningRate, momentum });
    this.state = res.state;
    this.last = res.detail;
    const [x, y] = res.theta;
    const loss = surface.value(x, y);
    this.xy.push(x, y);
    this.losses.push(loss);
    this.updateStatus(surface, theta, grad);
    return true;
  }

  private updateStatus(surface: Surface, previous: Vec2, grad: Vec2): void {
    const [x, y] = this.theta;
    let next: PathStatus;
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(this.loss) || Math.hypot(x, y) > DIVERGED_AT) next = 'diverged';
    else if (!inDomain(surface.domain, x, y)) next = 'left';
    else if (Math.hypot(x - previous[0], y - previous[1]) < CONVERGED_STEP && Math.hypot(grad[0], grad[1]) < 1e-6) next = 'converged';
    else next = 'ok';
    if (next !== this.status) {
      this.status = next;
      this.statusStep = this.steps;
    }
  }

  /** True when the loss has risen since the start: a path off the region that climbs is diverging. */
  get rising(): boolean {
    return this.loss > this.losses[0];
  }
}

/**
 * Several optimizers started from one point on one surface, stepped together.
 * The surface, learning rates and momentum may change between steps (sliders act at once).
 */
export class LabRun {
  readonly paths: Path[];
  stepCount = 0;

  constructor(
    public surface: Surface,
    readonly start: Vec2,
    setups: OptimizerSetup[],
    public momentum: number,
  ) {
    const startLoss = surface.value(start[0], start[1]);
    this.paths = setups.map((s) => new Path(s.kind, s.learningRate, start, startLoss));
  }

  path(kind: LabOptimizer): Path | undefined {
    return this.paths.find((p) => p.kind === kind);
  }

  /** Swaps the surface under the paths (κ or the points changed): they go on from where they are. */
  setSurface(surface: Surface): void {
    this.surface = surface;
    for (const p of this.paths) if (p.status === 'converged') p.status = 'ok';
  }

  setLearningRate(kind: LabOptimizer, learningRate: number): void {
    const p = this.path(kind);
    if (p) p.learningRate = learningRate;
  }

  /** One update of every path that can still move; returns false when none moved. */
  step(): boolean {
    let moved = false;
    for (const p of this.paths) moved = p.step(this.surface, this.momentum) || moved;
    if (moved) this.stepCount++;
    return moved;
  }

  /** `n` steps (stops early when nothing moves any more). */
  run(n: number): void {
    for (let i = 0; i < n && this.step(); i++);
  }
}
