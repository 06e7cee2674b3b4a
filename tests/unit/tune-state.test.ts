import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '../../src/lib/engine/data/synthetic';
import { playgroundMlp } from '../../src/lib/engine/models/playground';
import { Session } from '../../src/lib/engine/session';
import { DEFAULT_CONFIG } from '../../src/lib/engine/train/config';
import type { TrainEvent } from '../../src/lib/engine/train/events';
import type { AutoEvent, TuneEvent } from '../../src/lib/engine/tune/events';
import { AppState } from '../../src/lib/state/app.svelte';

const isTune = (e: AutoEvent): e is TuneEvent => e.kind.startsWith('tune-');

/** Auto's real event stream on a small spiral, as the worker sends it. */
async function autoEvents(): Promise<AutoEvent[]> {
  const session = new Session();
  session.setDataset(generateSynthetic({ kind: 'spiral', count: 300, noise: 0.1, seed: 1, classes: 2 }));
  session.setModel(playgroundMlp(2), 1);
  const events: AutoEvent[] = [];
  await session.tools.auto({ ...DEFAULT_CONFIG, optimizer: 'sgd', epochs: 4, batchSize: 16, learningRate: 0.01 }, (e) => events.push(e), (config) => session.train(config, (e) => events.push(e)));
  return events;
}

describe("the page's tuning state", () => {
  it('applies Auto’s events as the worker sends them: plan, stages, measurements, then the tuned settings into the form', async () => {
    const events = await autoEvents();
    const app = new AppState();
    const stages: string[] = [];
    for (const e of events) {
      if (isTune(e)) {
        app.tuner.apply(e);
        if (e.kind === 'tune-stage') stages.push(app.tune.stage);
      } else app.applyTrainEvent(e as TrainEvent);
    }
    const tune = app.tune;
    expect(stages).toEqual(['batch', 'lr', 'train']);
    expect(tune.plan?.optimizer).toBe('momentum');
    expect(tune.batchRows.length).toBeGreaterThanOrEqual(1);
    expect(tune.batchDecision?.rows.length).toBe(tune.batchRows.length);
    expect(tune.lrPoints.length).toBe(tune.lrTotal);
    expect(tune.lrResult).not.toBeNull();
    const tuned = (events.find((e) => e.kind === 'tune-config') as Extract<TuneEvent, { kind: 'tune-config' }>).config;
    // The form holds what Auto trains with, and the run view shows that run.
    expect(app.settings.learningRate).toBe(tuned.learningRate);
    expect(app.settings.batchSize).toBe(tune.batchDecision?.chosen);
    expect(app.settings.optimizer).toBe('momentum');
    expect(app.settings.schedule?.kind).toBe('one-cycle');
    expect(app.run.config?.tuning?.rounds).toEqual(tune.plan?.rounds);
    expect(app.run.status).toBe('done');
    expect(app.run.epochRows).toHaveLength(4);
  });

  it('a new stage forgets the last measurements of that stage; a cancelled tuning says so', () => {
    const app = new AppState();
    app.tune.apply({ kind: 'tune-stage', stage: 'batch' });
    app.tune.apply({ kind: 'tune-batch-row', row: { batchSize: 8, samplesPerSec: 100, stepMs: 1 } });
    app.tune.apply({ kind: 'tune-stage', stage: 'batch' });
    expect(app.tune.batchRows).toEqual([]);
    app.tune.apply({ kind: 'tune-lr-point', point: { lr: 0.1, loss: 1, smoothed: 1 }, total: 10 });
    app.tune.apply({ kind: 'tune-stage', stage: 'lr' });
    expect(app.tune.lrPoints).toEqual([]);
    app.tune.apply({ kind: 'tune-cancelled' });
    expect(app.tune.stage).toBe('cancelled');
  });
});
