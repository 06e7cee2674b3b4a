import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '../../src/lib/engine/data/synthetic';
import { toEngineMessage } from '../../src/lib/engine/errors';
import { playgroundMlp } from '../../src/lib/engine/models/playground';
import { Session, canExport, evaluationIsStale, type SessionSnapshot } from '../../src/lib/engine/session';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/lib/engine/train/config';
import { MemoryRunStore } from './memory-store';

const CONFIG: TrainConfig = { ...DEFAULT_CONFIG, epochs: 2, batchSize: 16, learningRate: 0.02, validationSplit: 0.1, seed: 3 };
const spiral = (seed = 1) => generateSynthetic({ kind: 'spiral', count: 300, noise: 0.1, seed, classes: 3 });

/** A session on a small spiral with the playground MLP, recording every snapshot it emits. */
function spiralSession() {
  const session = new Session();
  const snaps: SessionSnapshot[] = [];
  session.onChange((s) => snaps.push(s));
  session.setDataset(spiral());
  session.setModel(playgroundMlp(3), 1);
  return { session, snaps, last: () => snaps[snaps.length - 1] };
}

async function weights(session: Session): Promise<number[]> {
  const out: number[] = [];
  for (const w of session.currentModel!.getWeights()) out.push(...(await w.data()));
  return out;
}

async function recordedRun(session: Session, id: string) {
  const store = new MemoryRunStore();
  await session.train(CONFIG, () => {}, { record: { id, name: id, tuner: null, parent: null, store } });
  await session.evaluateAndRecord();
  return store;
}

describe('session owner', () => {
  it('emits a snapshot on every change, with what the page derives from it', async () => {
    const { session, snaps, last } = spiralSession();
    expect(last().dataset?.trainCount).toBeGreaterThan(0);
    expect(last().plan?.summary.totalParams).toBeGreaterThan(0);
    expect(last().model?.origin).toBe('initial');
    expect(canExport(last())).toBe(false);
    const seen = new Set<string | null>();
    session.onChange((s) => seen.add(s.busy));
    await recordedRun(session, 'run-a');
    expect(seen).toContain('training');
    expect(seen).toContain('evaluating');
    const s = last();
    expect(s.busy).toBeNull();
    expect(s.run?.status).toBe('done');
    expect(s.model?.runId).toBe('run-a');
    expect(s.evaluation?.modelVersion).toBe(s.model?.version);
    expect(canExport(s)).toBe(true);
    // Every snapshot is newer than the one before.
    for (let i = 1; i < snaps.length; i++) expect(snaps[i].seq).toBeGreaterThan(snaps[i - 1].seq);
  });

  it('tuning works on a scratch copy: the trained model, its evaluation and its export stay', async () => {
    const { session, last } = spiralSession();
    await recordedRun(session, 'run-b');
    const before = { state: last().model, evaluation: last().evaluation, weights: await weights(session) };
    await session.tools.rangeTest(CONFIG);
    await session.tools.findBatchSize(CONFIG, () => {}, 64);
    expect(last().model).toEqual(before.state);
    expect(last().evaluation).toBe(before.evaluation);
    expect(await weights(session)).toEqual(before.weights);
    expect(canExport(last())).toBe(true);
  });

  it('a new plan does not replace trained weights; a new run does, and the old results are marked stale until it is evaluated', async () => {
    const { session, last } = spiralSession();
    await recordedRun(session, 'run-c');
    const trained = last().model!;
    session.setModel({ ...playgroundMlp(3), name: 'other' }, 5);
    expect(last().model).toEqual(trained);
    expect(last().plan?.spec.name).toBe('other');

    let staleDuringRun = false;
    const store = new MemoryRunStore();
    await session.train(CONFIG, (e) => {
      if (e.kind === 'steps') staleDuringRun ||= evaluationIsStale(session.snapshot()) && !canExport(session.snapshot());
    }, { record: { id: 'run-d', name: 'run-d', tuner: null, parent: null, store } });
    expect(staleDuringRun).toBe(true);
    expect(last().model?.version).toBeGreaterThan(trained.version);
    expect(evaluationIsStale(last())).toBe(true);
    await session.evaluateAndRecord();
    expect(evaluationIsStale(last())).toBe(false);
    expect(store.runs.get('run-d')?.test?.accuracy).toBe(last().evaluation?.accuracy);
  });

  it('Auto emits its plan, measurements and tuned settings, then trains with them', async () => {
    const { session, last } = spiralSession();
    const kinds: string[] = [];
    let tuned: TrainConfig | null = null;
    const result = await session.tools.auto({ ...CONFIG, epochs: 4 }, (e) => kinds.push(e.kind), async (config) => {
      tuned = config;
      return session.train(config, () => {});
    });
    expect(result?.epochs).toBe(4);
    expect(kinds.slice(0, 2)).toEqual(['tune-plan', 'tune-stage']);
    for (const k of ['tune-batch-row', 'tune-batch', 'tune-lr-point', 'tune-lr', 'tune-config']) expect(kinds).toContain(k);
    expect(tuned!.schedule?.kind).toBe('one-cycle');
    expect(last().run?.config).toEqual(tuned);
  });

  it('only the latest dataset load is applied, whatever order the loads end in', () => {
    const session = new Session();
    const first = session.beginLoad('first');
    const second = session.beginLoad('second');
    expect(session.snapshot().loading?.ticket).toBe(second);
    session.setDataset({ ...spiral(2), id: 'second', name: 'Second' }, undefined, second);
    expect(() => session.setDataset({ ...spiral(1), id: 'first', name: 'First' }, undefined, first)).toThrow();
    try {
      session.setDataset(spiral(1), undefined, first);
    } catch (err) {
      expect(toEngineMessage(err).code).toBe('session.superseded');
    }
    expect(session.snapshot().dataset?.id).toBe('second');
    expect(session.snapshot().loading).toBeNull();
  });

  it('refuses a second job while one runs', async () => {
    const { session } = spiralSession();
    const running = session.train({ ...CONFIG, epochs: 3 }, () => {});
    await expect(session.tools.rangeTest(CONFIG)).rejects.toMatchObject({ code: 'session.busy' });
    await running;
  });
});
