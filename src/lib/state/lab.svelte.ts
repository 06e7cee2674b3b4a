import type { LabOptimizer } from '../engine/lab/optimizers';
import {
  DEFAULT_SEED,
  POINTS_MAX,
  POINT_RANGE,
  SURFACE_DEFAULTS,
  defaultLabSettings,
  defaultOptimizers,
  defaultPoints,
  roundCoord,
  type LabSettings,
} from '../engine/lab/settings';
import { makeSurface, type Point2, type Surface, type SurfaceId } from '../engine/lab/surfaces';
import { LabRun } from '../engine/lab/trajectory';
import { decodeLabSettings, decodeLessonExtras, type LabParamError } from '../engine/lab/url-state';
import { projector } from './projector.svelte';

/** At most this many steps per animation frame, so a fast speed never stalls the page. */
const MAX_STEPS_PER_FRAME = 8;

/**
 * The Descent lab's state: the lesson's settings (mirrored to the URL by the view), the running
 * paths and the play loop. The paths live in a plain `LabRun`; `version` changes whenever they do.
 */
export class LabState {
  settings = $state<LabSettings>(defaultLabSettings());
  playing = $state(false);
  version = $state(0);
  linkErrors = $state.raw<LabParamError[]>([]);
  run = $state.raw<LabRun>(this.newRun());
  surface = $derived.by(() => this.buildSurface());
  private frame = 0;
  private lastTick = 0;
  private carry = 0;

  private buildSurface(): Surface {
    const s = this.settings;
    return makeSurface(s.surface, { condition: s.condition, points: s.points });
  }

  private newRun(): LabRun {
    const s = this.settings;
    const setups = s.optimizers.filter((o) => o.enabled).map((o) => ({ kind: o.kind, learningRate: o.learningRate }));
    return new LabRun(this.buildSurface(), [...s.start], setups, s.momentum);
  }

  /**
   * Opens a lesson from a link's parameters; unusable parameters are listed in `linkErrors`. A copied lesson
   * link also replays its steps (`step=`) and may turn projector mode on for this page (`projector=1`).
   */
  load(params: URLSearchParams): void {
    const { settings, errors } = decodeLabSettings(params);
    const extras = decodeLessonExtras(params);
    this.settings = settings;
    this.linkErrors = [...errors, ...extras.errors];
    this.reset();
    if (extras.steps > 0) this.step(extras.steps);
    if (extras.projector) projector.set(true, false);
  }

  /** Back to the start point with fresh optimizer state. */
  reset(): void {
    this.pause();
    this.run = this.newRun();
    this.version++;
  }

  /** `n` steps of every path; pauses when no path can move any more. */
  step(n = 1): void {
    let moved = false;
    for (let i = 0; i < n; i++) {
      if (!this.run.step()) break;
      moved = true;
    }
    if (!moved) this.pause();
    this.version++;
  }

  play(): void {
    if (this.playing || typeof requestAnimationFrame === 'undefined') return;
    this.playing = true;
    this.lastTick = performance.now();
    this.carry = 0;
    this.frame = requestAnimationFrame(this.tick);
  }

  pause(): void {
    this.playing = false;
    if (typeof cancelAnimationFrame !== 'undefined') cancelAnimationFrame(this.frame);
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  private tick = (now: number): void => {
    if (!this.playing) return;
    this.carry += ((now - this.lastTick) / 1000) * this.settings.speed;
    this.lastTick = now;
    const n = Math.min(MAX_STEPS_PER_FRAME, Math.floor(this.carry));
    this.carry = Math.min(this.carry - n, 1);
    if (n > 0) this.step(n);
    if (this.playing) this.frame = requestAnimationFrame(this.tick);
  };

  setSurface(id: SurfaceId): void {
    this.settings.surface = id;
    this.settings.start = [...SURFACE_DEFAULTS[id].start];
    const enabled = new Set(this.settings.optimizers.filter((o) => o.enabled).map((o) => o.kind));
    this.settings.optimizers = defaultOptimizers(id).map((o) => ({ ...o, enabled: enabled.has(o.kind) }));
    this.reset();
  }

  /** Moves the start (rounded to 0.01, so a link restores it exactly) and restarts every path there. */
  setStart(x: number, y: number): void {
    this.settings.start = [roundCoord(x), roundCoord(y)];
    this.reset();
  }

  setCondition(kappa: number): void {
    this.settings.condition = kappa;
    this.run.setSurface(this.surface);
    this.version++;
  }

  setLearningRate(kind: LabOptimizer, learningRate: number): void {
    const o = this.settings.optimizers.find((c) => c.kind === kind);
    if (!o || !(learningRate > 0)) return;
    o.learningRate = learningRate;
    this.run.setLearningRate(kind, learningRate);
  }

  setMomentum(momentum: number): void {
    this.settings.momentum = momentum;
    this.run.momentum = momentum;
  }

  setEnabled(kind: LabOptimizer, enabled: boolean): void {
    const o = this.settings.optimizers.find((c) => c.kind === kind);
    if (!o) return;
    o.enabled = enabled;
    if (enabled) this.settings.selected = kind;
    this.reset();
  }

  // Points of the linear regression: every change swaps the surface under the running paths.
  private setPoints(points: Point2[]): void {
    this.settings.points = points;
    this.run.setSurface(this.surface);
    this.version++;
  }

  addPoint(x: number, y: number): number {
    if (this.settings.points.length >= POINTS_MAX) return -1;
    this.setPoints([...this.settings.points, clampPoint(x, y)]);
    return this.settings.points.length - 1;
  }

  movePoint(index: number, x: number, y: number): void {
    this.setPoints(this.settings.points.map((p, i) => (i === index ? clampPoint(x, y) : p)));
  }

  removePoint(index: number): void {
    this.setPoints(this.settings.points.filter((_, i) => i !== index));
  }

  newPoints(): void {
    this.settings.seed = (this.settings.seed + 1) % 2 ** 31 || DEFAULT_SEED;
    this.setPoints(defaultPoints(this.settings.seed));
  }

  clearPoints(): void {
    this.setPoints([]);
  }
}

function clampPoint(x: number, y: number): Point2 {
  const c = (v: number) => roundCoord(Math.max(-POINT_RANGE, Math.min(POINT_RANGE, v)));
  return { x: c(x), y: c(y) };
}

export const lab = new LabState();
