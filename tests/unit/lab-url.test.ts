import { describe, expect, it } from 'vitest';
import { LAB_OPTIMIZERS } from '../../src/lib/engine/lab/optimizers';
import { defaultLabSettings, defaultPoints, roundCoord, type LabSettings } from '../../src/lib/engine/lab/settings';
import { SURFACE_IDS } from '../../src/lib/engine/lab/surfaces';
import { LINK_STEPS_MAX, decodeLabSettings, decodeLessonExtras, encodeLabSettings, encodeLessonLink } from '../../src/lib/engine/lab/url-state';
import { Rng } from '../../src/lib/engine/rng';

/** Through the URL and back, the way the router does it (the query text of `#/lab?…`). */
function roundTrip(s: LabSettings) {
  const query = encodeLabSettings(s).toString();
  return decodeLabSettings(new URLSearchParams(query));
}

function randomSettings(rng: Rng): LabSettings {
  const surface = SURFACE_IDS[rng.int(SURFACE_IDS.length)];
  const s = defaultLabSettings(surface);
  s.condition = 1 + rng.next() * 99;
  s.seed = rng.int(1000);
  s.points = rng.next() < 0.5 ? defaultPoints(s.seed) : Array.from({ length: rng.int(20) }, () => ({ x: roundCoord(rng.next() * 7 - 3.5), y: roundCoord(rng.next() * 7 - 3.5) }));
  s.start = [rng.next() * 8 - 4, rng.next() * 8 - 4];
  for (const o of s.optimizers) {
    o.enabled = rng.next() < 0.6;
    if (rng.next() < 0.5) o.learningRate = 10 ** (-4 + rng.next() * 4);
  }
  s.momentum = rng.next() < 0.5 ? s.momentum : Math.round(rng.next() * 99) / 100;
  s.speed = 1 + rng.int(60);
  s.selected = LAB_OPTIMIZERS[rng.int(LAB_OPTIMIZERS.length)];
  return s;
}

describe('lab URL state', () => {
  it('round-trips the defaults of every surface as a short link', () => {
    for (const id of SURFACE_IDS) {
      const s = defaultLabSettings(id);
      expect(encodeLabSettings(s).toString()).toBe(`s=${id}`);
      expect(roundTrip(s)).toEqual({ settings: s, errors: [] });
    }
  });

  it('round-trips 200 random lessons exactly', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 200; i++) {
      const s = randomSettings(rng);
      expect(roundTrip(s)).toEqual({ settings: s, errors: [] });
    }
  });

  it('reads a hand-written link', () => {
    const { settings, errors } = decodeLabSettings(new URLSearchParams('s=quadratic&k=4&start=2,1&on=sgd,adam&lr=sgd:0.1&sel=sgd&proj=1'));
    expect(errors).toEqual([]);
    expect(settings.surface).toBe('quadratic');
    expect(settings.condition).toBe(4);
    expect(settings.start).toEqual([2, 1]);
    expect(settings.optimizers.filter((o) => o.enabled).map((o) => o.kind)).toEqual(['sgd', 'adam']);
    expect(settings.optimizers[0].learningRate).toBe(0.1);
    expect(settings.selected).toBe('sgd');
  });

  it('a lesson link carries the steps taken, and projector mode only when asked for', () => {
    const s = defaultLabSettings('quadratic');
    expect(encodeLessonLink(s, 0, false).toString()).toBe('s=quadratic');
    const link = encodeLessonLink(s, 37, true);
    expect(link.get('step')).toBe('37');
    expect(link.get('projector')).toBe('1');
    expect(decodeLessonExtras(link)).toEqual({ steps: 37, projector: true, errors: [] });
    expect(decodeLabSettings(link)).toEqual({ settings: s, errors: [] });
    // The page's own address (the mirror of the settings) opens neither; an old link's proj=1 forces nothing.
    expect(decodeLessonExtras(encodeLabSettings(s))).toEqual({ steps: 0, projector: false, errors: [] });
    expect(decodeLessonExtras(new URLSearchParams('s=quadratic&proj=1')).projector).toBe(false);
    expect(decodeLessonExtras(new URLSearchParams(`step=${LINK_STEPS_MAX + 1}&projector=yes`)).errors).toEqual([
      { param: 'step', value: String(LINK_STEPS_MAX + 1) },
      { param: 'projector', value: 'yes' },
    ]);
    expect(decodeLessonExtras(new URLSearchParams('step=2.5')).errors).toEqual([{ param: 'step', value: '2.5' }]);
  });

  it('reports each parameter it cannot use and keeps the default for it', () => {
    const { settings, errors } = decodeLabSettings(new URLSearchParams('s=moon&k=1000&start=1&lr=sgd:-1&on=sgd,lbfgs&pts=1,2;x&mu=0.5'));
    expect(errors.map((e) => e.param)).toEqual(['s', 'k', 'pts', 'start', 'on', 'lr']);
    expect(errors[0]).toEqual({ param: 's', value: 'moon' });
    const d = defaultLabSettings();
    expect(settings.surface).toBe(d.surface);
    expect(settings.condition).toBe(d.condition);
    expect(settings.optimizers).toEqual(d.optimizers);
    expect(settings.momentum).toBe(0.5);
  });
});
