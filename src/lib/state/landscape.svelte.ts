import * as Comlink from 'comlink';
import { DEFAULT_LANDSCAPE, type LandscapeOptions } from '../engine/landscape/options';
import type { LandscapeResult } from '../engine/landscape/run';
import type { TrainerApi } from '../worker/trainer.worker';
import { errorMessage } from './errors';

export type LandscapeStatus = 'idle' | 'computing' | 'done' | 'cancelled' | 'error';

/** The loss-landscape panel: its options, the computation's progress and the last result. */
export class LandscapeState {
  options = $state<LandscapeOptions>({ ...DEFAULT_LANDSCAPE });
  status = $state<LandscapeStatus>('idle');
  progress = $state(0);
  result = $state.raw<LandscapeResult | null>(null);
  error = $state<string | null>(null);

  constructor(private readonly api: () => Comlink.Remote<TrainerApi>) {}

  get computing(): boolean {
    return this.status === 'computing';
  }

  clear(): void {
    this.result = null;
    this.error = null;
    this.progress = 0;
    if (this.status !== 'computing') this.status = 'idle';
  }

  async compute(): Promise<void> {
    if (this.computing) return;
    this.status = 'computing';
    this.progress = 0;
    this.error = null;
    this.result = null;
    const onProgress = Comlink.proxy((f: number) => (this.progress = f));
    try {
      const result = await this.api().views.landscape({ options: $state.snapshot(this.options) }, onProgress);
      if (result) this.result = result;
      this.status = result ? 'done' : 'cancelled';
    } catch (err) {
      this.error = errorMessage(err);
      this.status = 'error';
    }
  }

  async cancel(): Promise<void> {
    if (this.computing) await this.api().views.cancelLandscape();
  }
}
