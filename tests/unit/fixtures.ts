import { classicMlp } from '../../src/lib/engine/models/spec';
import { Session } from '../../src/lib/engine/session';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/lib/engine/train/config';
import type { TrainEvent } from '../../src/lib/engine/train/events';
import { loadMnist, slice } from './helpers';
import { MemoryRunStore } from './memory-store';

/** A Session holding a small slice of MNIST and the classic MLP. */
export async function mnistSession(trainCount = 640, testCount = 500): Promise<Session> {
  const session = new Session();
  session.setDataset(slice(await loadMnist(), trainCount, testCount));
  session.setModel(classicMlp(), 1);
  return session;
}

export const SMALL_CONFIG: TrainConfig = { ...DEFAULT_CONFIG, epochs: 2, batchSize: 64, validationSplit: 0.2, seed: 7 };

/** Trains with a recorded run; returns the events, the store and the stored record. */
export async function recordedRun(session: Session, config: TrainConfig = SMALL_CONFIG, store = new MemoryRunStore(), id = 'run-1') {
  const events: TrainEvent[] = [];
  const result = await session.train(config, (e) => events.push(e), { record: { id, name: 'Test run', tuner: null, parent: null, store } });
  return { events, store, id, result, record: store.runs.get(id)! };
}
