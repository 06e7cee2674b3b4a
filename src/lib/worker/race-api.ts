/**
 * The worker's race commands (issue 16): a race of contenders on the session's data and plan, each stored as a
 * run in IndexedDB. Kept apart from trainer.worker.ts, which wraps them in its `race` namespace.
 */
import type { ContenderSettings } from '../engine/race/presets';
import type { RaceEventListener, RaceResult } from '../engine/race/events';
import { RaceRunner } from '../engine/race/race';
import type { Session } from '../engine/session';
import type { TrainConfig } from '../engine/train/config';
import { IdbRunStore } from '../io/runs-db';

/** How the page starts a race: the base settings, each contender's own, and the id and name of each one's run. */
export interface WorkerRaceOptions {
  raceId: string;
  base: TrainConfig;
  contenders: ContenderSettings[];
  runs: { id: string; name: string }[];
}

export function raceApi(session: Session, beforeRun: (base: TrainConfig) => void) {
  const runner = new RaceRunner(session);
  const store = new IdbRunStore();
  return {
    /** Trains the race and evaluates every contender; their runs are recorded as they train. */
    async run(options: WorkerRaceOptions, onEvent: RaceEventListener): Promise<RaceResult> {
      // Contenders see the same batches: a built-in dataset still streaming in is waited for in full.
      await session.fullData();
      beforeRun(options.base);
      return runner.run({ raceId: options.raceId, base: options.base, contenders: options.contenders, record: { store, runs: options.runs } }, onEvent);
    },
    stop: () => runner.stop(),
  };
}
