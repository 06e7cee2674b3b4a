import { toEngineMessage } from '../errors';
import * as tf from '../tf';
import type { Dataset } from '../data/dataset';
import type { ModelSpec } from '../models/spec';
import type { TrainConfig } from '../train/config';
import { EarlyStopping, type WeightValues } from '../train/early-stopping';
import type { TrainEvent, TrainEventListener } from '../train/events';
import { HealthMonitor, sampleEvery } from '../train/health';
import type { EpochContext, TrainerHooks } from '../train/hooks';
import type { TrainResult } from '../train/loop';
import type { DatasetInfo, RunRecord, StoredRunStatus, TunerDecision } from './record';
import { RunRecorder, type RunStore } from './recorder';

/** How a run is started, beyond its hyper-parameters (all optional: a plain run needs none). */
export interface RunOptions {
  /** Record the run in `store` (the browser passes IndexedDB). */
  record?: { id: string; name: string; tuner: TunerDecision[] | null; parent: string | null; store: RunStore };
  /** Continue this stored run from its last checkpoint, which the model must already hold. */
  resume?: { record: RunRecord; store: RunStore; best: WeightValues | null };
  /** Train the model's current weights (an imported model, an opened run) instead of a fresh initialisation. */
  fromCurrentWeights?: boolean;
  /** Steps between health samples. */
  healthEvery?: number;
  /** More loop hooks (benchmarks' test tracking), merged after the run's own. */
  hooks?: TrainerHooks;
}

/** A new run's record before its first epoch (a race's contenders start theirs the same way). */
export function newRecord(opts: NonNullable<RunOptions['record']>, dataset: DatasetInfo, spec: ModelSpec, model: tf.LayersModel, config: TrainConfig): RunRecord {
  const now = new Date().toISOString();
  return {
    id: opts.id,
    name: opts.name,
    createdAt: now,
    updatedAt: now,
    status: 'running',
    dataset,
    model: spec,
    totalParams: model.countParams(),
    config,
    backend: tf.getBackend(),
    tfjsVersion: tf.version.tfjs,
    tuner: opts.tuner,
    parent: opts.parent,
    epochs: [],
    stepLoss: new Float32Array(0),
    stepAccuracy: new Float32Array(0),
    stepsPerEpoch: 0,
    batchSize: config.batchSize,
    completedEpochs: 0,
    steps: 0,
    bestEpoch: null,
    bestLoss: null,
    test: null,
    halt: null,
    error: null,
    seconds: 0,
    checkpointBytes: 0,
  };
}

/**
 * One run's monitors around the training loop: health (norms, histograms, leak and NaN checks), early
 * stopping, and the recorder that checkpoints every epoch. Their epoch-end hooks run in that order:
 * a run halted for bad health is not checkpointed with broken weights.
 *
 * Checkpoints are written here, in the worker, at epoch end (not sent to the page to store): the weights
 * are already in the worker, the write does not cost the page a copy of them, and it still happens when
 * the page is busy or being reloaded; IndexedDB works in workers.
 */
export class MonitoredRun {
  readonly hooks: TrainerHooks;
  readonly listener: TrainEventListener;
  readonly recorder: RunRecorder | null;
  private readonly health: HealthMonitor;
  private readonly early: EarlyStopping | null;
  private stopTrainer: () => void = () => {};
  /** The page's listener is only valid during the run (the worker releases it after): later writes stay quiet. */
  private readonly live: { open: boolean };

  private constructor(
    private readonly model: tf.LayersModel,
    config: TrainConfig,
    onEvent: TrainEventListener,
    recorder: RunRecorder | null,
    options: RunOptions,
    live: { open: boolean },
  ) {
    this.recorder = recorder;
    this.live = live;
    this.listener = (e: TrainEvent) => {
      if (e.kind === 'start' && options.healthEvery === undefined) this.health.every = sampleEvery(e.stepsPerEpoch);
      this.recorder?.observe(e);
      if (live.open) onEvent(e);
    };
    this.health = new HealthMonitor(model, this.listener, () => this.stopTrainer(), options.healthEvery);
    this.early = config.earlyStopping ? new EarlyStopping(config.earlyStopping) : null;
    const resumed = options.resume?.record;
    if (resumed) this.early?.seed(resumed.bestEpoch, resumed.bestLoss, resumed.completedEpochs, options.resume!.best);
    this.hooks = {
      onGradients: (step, grads) => this.health.onGradients(step, grads),
      wantsGradients: (step) => this.health.wantsGradients(step),
      onEpochEnd: (ctx) => this.onEpochEnd(ctx),
    };
  }

  static async create(model: tf.LayersModel, spec: ModelSpec, config: TrainConfig, onEvent: TrainEventListener, options: RunOptions, describe: () => Promise<DatasetInfo>): Promise<MonitoredRun> {
    let recorder: RunRecorder | null = null;
    const live = { open: true };
    const emit = (e: TrainEvent) => live.open && onEvent(e);
    if (options.resume) {
      const record = { ...options.resume.record, status: 'running' as const, halt: null, error: null };
      recorder = new RunRecorder(record, options.resume.store, emit);
    } else if (options.record) {
      recorder = new RunRecorder(newRecord(options.record, await describe(), spec, model, config), options.record.store, emit);
    }
    const run = new MonitoredRun(model, config, onEvent, recorder, options, live);
    try {
      // Takes the run before its first write: refused (`run.heldElsewhere`) when another tab holds it.
      await recorder?.begin();
    } catch (err) {
      run.dispose();
      throw err;
    }
    return run;
  }

  /** Where the loop starts: the resumed record's last checkpoint, or the beginning. */
  static resumePoint(options: RunOptions): { epoch: number; step: number } | undefined {
    const r = options.resume?.record;
    return r ? { epoch: r.completedEpochs, step: r.steps } : undefined;
  }

  /** How monitors stop the run in the middle of an epoch (NaN gradients). */
  onStop(stop: () => void): void {
    this.stopTrainer = stop;
  }

  private async onEpochEnd(ctx: EpochContext): Promise<'stop' | void> {
    if ((await this.health.onEpochEnd(ctx)) === 'stop') return 'stop';
    const verdict = await this.early?.onEpochEnd(ctx);
    await this.recorder?.onEpochEnd(ctx);
    return verdict;
  }

  /** Waits for the loop, then restores the best weights if asked and writes the run's final state. */
  async track(running: Promise<TrainResult>): Promise<TrainResult> {
    let result: TrainResult;
    try {
      result = await running;
    } catch (err) {
      this.listener({ kind: 'error', message: toEngineMessage(err) });
      await this.recorder?.finish({ status: 'error', model: this.model, steps: 0, seconds: 0, weightsChanged: false });
      throw err;
    }
    let restored = false;
    if (this.early && !this.health.halt && !result.diverged) {
      restored = this.early.restoreBest(this.model);
      if (this.early.stoppedAt !== null || restored) {
        this.listener({ kind: 'halt', reason: 'early-stop', message: this.early.message(restored), epoch: this.early.stoppedAt ?? result.epochs });
      }
    }
    const status: StoredRunStatus = this.health.halt || result.diverged ? 'error' : result.stopped ? 'stopped' : 'done';
    await this.recorder?.finish({ status, model: this.model, steps: result.steps, seconds: result.seconds, weightsChanged: restored });
    return result;
  }

  dispose(): void {
    this.live.open = false;
    this.health.dispose();
    // A run that never reached `track` still held its record: let another tab have it.
    void this.recorder?.abandon();
  }
}
