import type { TrainEvent } from '../engine/train/events';
import type { LayerHistogram, MemoryInfo } from '../engine/train/monitor-events';
import type { RunHalt } from '../engine/runs/record';
import { Series } from './series';
import { describe } from '../i18n/engine-text';

export interface EpochHistograms {
  epoch: number;
  weights: LayerHistogram[];
  gradients: LayerHistogram[];
}

export interface SaveStatus {
  runId: string;
  epoch: number;
  saved: boolean;
  bytes: number;
  message?: string;
}

/**
 * Training health as the page shows it: per-layer norm series (typed columns outside reactivity, like
 * RunState's), the backend's memory, histograms per epoch, why a monitor halted the run, checkpoint status.
 */
export class HealthState {
  layers = $state.raw<string[]>([]);
  memory = $state.raw<MemoryInfo | null>(null);
  /** Tensor count at each epoch end (a leak shows as growth). */
  tensorsByEpoch = $state.raw<number[]>([]);
  histograms = $state.raw<EpochHistograms[]>([]);
  halt = $state.raw<RunHalt | null>(null);
  save = $state.raw<SaveStatus | null>(null);
  version = $state(0);

  /** Where alerts go that must not stay unseen below the fold (storage full, a halt). */
  onNotice?: (level: 'info' | 'warning' | 'error', text: () => string) => void;

  readonly steps = new Series(256);
  weightNorms: Series[] = [];
  gradNorms: Series[] = [];

  reset(): void {
    this.layers = [];
    this.memory = null;
    this.tensorsByEpoch = [];
    this.histograms = [];
    this.halt = null;
    this.save = null;
    this.steps.clear();
    this.weightNorms = [];
    this.gradNorms = [];
    this.version++;
  }

  apply(event: TrainEvent): void {
    switch (event.kind) {
      case 'health':
        if (this.layers.length !== event.layers.length) {
          this.layers = event.layers;
          this.weightNorms = event.layers.map(() => new Series(256));
          this.gradNorms = event.layers.map(() => new Series(256));
        }
        this.steps.push(event.step + 1);
        event.layers.forEach((_, i) => {
          this.weightNorms[i].push(event.weightNorms[i]);
          this.gradNorms[i].push(event.gradNorms[i]);
        });
        this.memory = event.memory;
        this.version++;
        break;
      case 'health-epoch':
        this.memory = event.memory;
        this.tensorsByEpoch = [...this.tensorsByEpoch, event.memory.numTensors];
        this.histograms = [...this.histograms.filter((h) => h.epoch !== event.epoch), { epoch: event.epoch, weights: event.weights, gradients: event.gradients }];
        break;
      case 'halt':
        this.halt = { reason: event.reason, message: event.message, epoch: event.epoch };
        if (event.reason === 'early-stop') this.onNotice?.('info', () => describe(event.message));
        break;
      case 'checkpoint':
        // Said once per run of failures: the panel keeps showing it until a save succeeds.
        if (!event.saved && this.save?.saved !== false) this.onNotice?.('error', () => (event.message ? describe(event.message) : ''));
        this.save = { runId: event.runId, epoch: event.epoch, saved: event.saved, bytes: event.bytes, message: event.message ? describe(event.message) : undefined };
        break;
    }
  }
}
