import type { Remote } from 'comlink';
import type { DecisionGrid } from '../engine/boundary/decision-grid';
import type { TrainerApi } from '../worker/trainer.worker';
import { errorMessage } from './errors';

/** Cells per side of the class map. */
export const BOUNDARY_GRID = 60;

/**
 * The decision boundary of the current model on 2-D data: the class map (asked of the worker, never
 * more than one request at a time; a request that arrives meanwhile is served after it) and the points.
 */
export class BoundaryState {
  grid = $state.raw<DecisionGrid | null>(null);
  points = $state.raw<{ x: Float32Array; labels: Uint8Array } | null>(null);
  error = $state<string | null>(null);
  private busy = false;
  private again = false;

  constructor(private readonly api: () => Remote<TrainerApi>) {}

  clear(): void {
    this.grid = null;
    this.points = null;
    this.error = null;
  }

  /** Loads the training points of the current (2-D) dataset. */
  async loadPoints(): Promise<void> {
    try {
      this.points = await this.api().data.points();
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** Asks for a fresh class map (coalesced: at most one in flight, one queued). */
  async refresh(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.again = false;
        this.grid = await this.api().views.decisionGrid({ size: BOUNDARY_GRID });
        this.error = null;
      } while (this.again);
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }
}
