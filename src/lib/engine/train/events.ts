import type { EngineMessage } from '../errors';
import type { MonitorEvent } from './monitor-events';

/**
 * Metrics of one epoch: what the loop reports, the page's epoch table and chart show, and a stored run
 * keeps. The one definition of this shape.
 */
export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  /** Mean batch accuracy (NaN for regression). */
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  /** Seconds the epoch took (training and validation). */
  seconds: number;
}

/** Progress of a run, as plain data that crosses the worker boundary. */
export type TrainEvent =
  | {
      kind: 'start';
      epochs: number;
      stepsPerEpoch: number;
      batchSize: number;
      trainCount: number;
      valCount: number;
    }
  | {
      /** Several steps coalesced (at most ~30 events a second). */
      kind: 'steps';
      /** Global index of the first step in `loss`. */
      firstStep: number;
      loss: Float32Array;
      /** Batch accuracy (classification) or NaN per step. */
      accuracy: Float32Array;
      /** Learning rate used at each step. */
      learningRate: Float32Array;
      /** Global L2 norm of the gradient at each step. */
      gradNorm: Float32Array;
      epoch: number;
      /** Steps done in the current epoch after the last of these steps. */
      stepInEpoch: number;
      samplesPerSec: number;
    }
  | ({ kind: 'epoch' } & EpochMetrics)
  | { kind: 'done'; stopped: boolean; steps: number; epochs: number; seconds: number }
  /** The backend failed mid-run; the run goes on on `to` from its last checkpoint (global step `resumeStep`). */
  | { kind: 'fallback'; from: string; to: string; reason: EngineMessage; resumeStep: number; resumeEpoch: number }
  | { kind: 'error'; message: EngineMessage; /** The loss became NaN/Inf or exploded: retry at a lower rate. */ diverged?: boolean }
  | MonitorEvent;

export type TrainEventListener = (event: TrainEvent) => void;
