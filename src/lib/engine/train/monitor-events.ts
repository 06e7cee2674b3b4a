/** Events of the run monitors (health, early stopping, checkpoints), sent along with the training events. */
import type { EngineMessage } from '../errors';
import type { RunHalt } from '../runs/record';

/** What `tf.memory()` reports; the GPU fields exist on the WebGL/WebGPU backends only. */
export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
  numBytesInGPU?: number;
}

/** Histogram of one layer's values (weights or gradients) with equal-width bins over [min, max]. */
export interface LayerHistogram {
  layer: string;
  min: number;
  max: number;
  counts: number[];
}

export type MonitorEvent =
  | {
      /** Per-layer L2 norms of weights and gradients, sampled every few steps. */
      kind: 'health';
      step: number;
      layers: string[];
      weightNorms: Float32Array;
      gradNorms: Float32Array;
      memory: MemoryInfo;
    }
  | {
      kind: 'health-epoch';
      epoch: number;
      memory: MemoryInfo;
      weights: LayerHistogram[];
      /** Of the last sampled gradient of the epoch. */
      gradients: LayerHistogram[];
    }
  | ({ kind: 'halt' } & RunHalt)
  | {
      /** A checkpoint was written (or could not be: `saved` false, with the reason). */
      kind: 'checkpoint';
      runId: string;
      epoch: number;
      saved: boolean;
      bytes: number;
      message?: EngineMessage;
    };
