import { LAB_OPTIMIZERS, type LabOptimizer } from './optimizers';
import {
  CONDITION_MAX,
  CONDITION_MIN,
  SURFACE_IDS,
  type Point2,
  type SurfaceId,
  type Vec2,
} from './surfaces';
import {
  LEARNING_RATE_MAX,
  LEARNING_RATE_MIN,
  POINTS_MAX,
  POINT_RANGE,
  SPEED_MAX,
  SPEED_MIN,
  SURFACE_DEFAULTS,
  defaultLabSettings,
  defaultPoints,
  type LabSettings,
} from './settings';

/**
 * The lab's settings as URL parameters (`#/lab?s=rosenbrock&start=-1.5,2&…`), so a link carries
 * the whole lesson. Only what differs from the defaults is written; numbers use `String(n)`,
 * which reads back to the same double, so decode(encode(s)) equals s.
 */
export type LabParam = 's' | 'k' | 'seed' | 'pts' | 'start' | 'on' | 'lr' | 'mu' | 'speed' | 'sel' | LessonParam;

/**
 * What a copied lesson link adds to the settings: the steps taken so far (`step`), and projector mode for the
 * page it opens (`projector=1`), only when the teacher asks for it. The page's own address carries neither.
 */
export type LessonParam = 'step' | 'projector';

/** The most steps a link replays (a lesson is a few hundred at most). */
export const LINK_STEPS_MAX = 10_000;

/** A parameter of a link that could not be used (the default was kept). */
export interface LabParamError {
  param: LabParam;
  value: string;
}

const num = (v: number) => String(v);
const pair = (p: Vec2 | Point2) => (Array.isArray(p) ? `${num(p[0])},${num(p[1])}` : `${num(p.x)},${num(p.y)}`);

function samePoints(a: Point2[], b: Point2[]): boolean {
  return a.length === b.length && a.every((p, i) => p.x === b[i].x && p.y === b[i].y);
}

export function encodeLabSettings(s: LabSettings): URLSearchParams {
  const d = defaultLabSettings(s.surface);
  const p = new URLSearchParams();
  p.set('s', s.surface);
  if (s.condition !== d.condition) p.set('k', num(s.condition));
  if (s.seed !== d.seed) p.set('seed', num(s.seed));
  if (!samePoints(s.points, defaultPoints(s.seed))) p.set('pts', s.points.map(pair).join(';'));
  if (s.start[0] !== d.start[0] || s.start[1] !== d.start[1]) p.set('start', pair(s.start));
  const on = s.optimizers.filter((o) => o.enabled).map((o) => o.kind);
  if (on.length !== LAB_OPTIMIZERS.length) p.set('on', on.join(','));
  const rates = SURFACE_DEFAULTS[s.surface].learningRates;
  const lr = s.optimizers.filter((o) => o.learningRate !== rates[o.kind]).map((o) => `${o.kind}:${num(o.learningRate)}`);
  if (lr.length) p.set('lr', lr.join(','));
  if (s.momentum !== d.momentum) p.set('mu', num(s.momentum));
  if (s.speed !== d.speed) p.set('speed', num(s.speed));
  if (s.selected !== d.selected) p.set('sel', s.selected);
  return p;
}

/** A finite number in [min, max] from a parameter's text, or undefined. */
function parseNumber(text: string, min: number, max: number): number | undefined {
  if (text.trim() === '') return undefined;
  const v = Number(text);
  return Number.isFinite(v) && v >= min && v <= max ? v : undefined;
}

function parsePair(text: string, range: number): Vec2 | undefined {
  const parts = text.split(',');
  if (parts.length !== 2) return undefined;
  const x = parseNumber(parts[0], -range, range);
  const y = parseNumber(parts[1], -range, range);
  return x === undefined || y === undefined ? undefined : [x, y];
}

function isOptimizer(v: string): v is LabOptimizer {
  return (LAB_OPTIMIZERS as readonly string[]).includes(v);
}

/**
 * Reads a lab link. Every parameter that is missing takes its default; one that cannot be used is
 * reported in `errors` (and takes its default), so a damaged link still opens.
 */
export function decodeLabSettings(params: URLSearchParams): { settings: LabSettings; errors: LabParamError[] } {
  const errors: LabParamError[] = [];
  const read = <T>(param: LabParam, parse: (text: string) => T | undefined, apply: (v: T) => void) => {
    const text = params.get(param);
    if (text === null) return;
    const v = parse(text);
    if (v === undefined) errors.push({ param, value: text });
    else apply(v);
  };
  let surface: SurfaceId = 'rosenbrock';
  read('s', (t) => ((SURFACE_IDS as readonly string[]).includes(t) ? (t as SurfaceId) : undefined), (v) => (surface = v));
  const s = defaultLabSettings(surface);
  read('k', (t) => parseNumber(t, CONDITION_MIN, CONDITION_MAX), (v) => (s.condition = v));
  read('seed', (t) => parseNumber(t, 0, 2 ** 31), (v) => {
    if (Number.isInteger(v)) {
      s.seed = v;
      s.points = defaultPoints(v);
    } else errors.push({ param: 'seed', value: String(v) });
  });
  read('pts', parsePoints, (v) => (s.points = v));
  read('start', (t) => parsePair(t, 1e3), (v) => (s.start = v));
  read('on', (t) => {
    const kinds = t === '' ? [] : t.split(',');
    return kinds.every(isOptimizer) ? kinds : undefined;
  }, (kinds) => s.optimizers.forEach((o) => (o.enabled = kinds.includes(o.kind))));
  read('lr', parseRates, (rates) => s.optimizers.forEach((o) => (o.learningRate = rates.get(o.kind) ?? o.learningRate)));
  read('mu', (t) => parseNumber(t, 0, 0.999), (v) => (s.momentum = v));
  read('speed', (t) => parseNumber(t, SPEED_MIN, SPEED_MAX), (v) => (s.speed = v));
  read('sel', (t) => (isOptimizer(t) ? t : undefined), (v) => (s.selected = v));
  return { settings: s, errors };
}

/** A lesson link: the lesson's settings, the steps taken and, when asked for, projector mode. */
export function encodeLessonLink(s: LabSettings, steps: number, projector: boolean): URLSearchParams {
  const p = encodeLabSettings(s);
  if (steps > 0) p.set('step', num(Math.min(steps, LINK_STEPS_MAX)));
  if (projector) p.set('projector', '1');
  return p;
}

/** The link-only parameters of a lesson link (missing: no steps, projector untouched); bad values are reported. */
export function decodeLessonExtras(params: URLSearchParams): { steps: number; projector: boolean; errors: LabParamError[] } {
  const errors: LabParamError[] = [];
  let steps = 0;
  const stepText = params.get('step');
  if (stepText !== null) {
    const v = parseNumber(stepText, 0, LINK_STEPS_MAX);
    if (v !== undefined && Number.isInteger(v)) steps = v;
    else errors.push({ param: 'step', value: stepText });
  }
  const projectorText = params.get('projector');
  if (projectorText !== null && projectorText !== '1' && projectorText !== '0') errors.push({ param: 'projector', value: projectorText });
  return { steps, projector: projectorText === '1', errors };
}

function parsePoints(text: string): Point2[] | undefined {
  if (text === '') return [];
  const parts = text.split(';');
  if (parts.length > POINTS_MAX) return undefined;
  const points: Point2[] = [];
  for (const part of parts) {
    const p = parsePair(part, POINT_RANGE);
    if (!p) return undefined;
    points.push({ x: p[0], y: p[1] });
  }
  return points;
}

function parseRates(text: string): Map<LabOptimizer, number> | undefined {
  const rates = new Map<LabOptimizer, number>();
  for (const part of text.split(',')) {
    const [kind, value] = part.split(':');
    const lr = value === undefined ? undefined : parseNumber(value, LEARNING_RATE_MIN, LEARNING_RATE_MAX);
    if (!isOptimizer(kind) || lr === undefined) return undefined;
    rates.set(kind, lr);
  }
  return rates;
}
