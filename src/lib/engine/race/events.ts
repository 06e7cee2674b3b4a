import type { EngineMessage } from '../errors';
import type { TrainConfig } from '../train/config';
import type { TrainEvent } from '../train/events';

/** How a contender's run ended. */
export interface ContenderOutcome {
  status: 'done' | 'stopped' | 'diverged' | 'error';
  steps: number;
  epochs: number;
  /** Seconds of the contender's own work (its steps, read-backs and validation), not the race's wall time. */
  seconds: number;
  /** Diverged: the global step (1-based) at which the loss became NaN/Inf or exploded, the rate then, and which. */
  divergedAt?: { step: number; learningRate: number; exploded: boolean };
  /** Error: what went wrong. */
  error?: EngineMessage;
}

/** Progress of a race, as plain data that crosses the worker boundary. */
export type RaceEvent =
  | { kind: 'race-start'; raceId: string; configs: TrainConfig[] }
  /**
   * A contender's own training event. `seconds`: the contender's work so far (its x axis "against seconds");
   * in 'steps' events `samplesPerSec` is the run's so far on that time, so contenders compare as if each ran alone.
   */
  | { kind: 'contender'; index: number; seconds: number; event: TrainEvent }
  | { kind: 'contender-end'; index: number; outcome: ContenderOutcome }
  /** A contender's test-set metrics after the race (accuracy NaN for regression). */
  | { kind: 'contender-test'; index: number; loss: number; accuracy: number; count: number }
  | { kind: 'race-done'; seconds: number };

export type RaceEventListener = (event: RaceEvent) => void;

/** What a race returns: each contender's outcome and test metrics, and the race's wall time. */
export interface RaceResult {
  raceId: string;
  outcomes: ContenderOutcome[];
  tests: ({ loss: number; accuracy: number; count: number } | null)[];
  seconds: number;
  /** Whether every contender's record (and test metrics) could be stored. */
  saved: boolean;
}
