import type * as tf from '../tf';
import type { Dataset } from '../data/dataset';
import { TrajectoryRecorder } from '../landscape/trajectory';
import type { ModelSpec } from '../models/spec';
import type { DatasetInfo } from '../runs/record';
import { MonitoredRun, type RunOptions } from '../runs/monitored-run';
import type { RunRecorder } from '../runs/recorder';
import type { TrainConfig } from '../train/config';
import type { TrainEventListener } from '../train/events';
import { mergeHooks, type EpochContext } from '../train/hooks';
import { defaultLoss, type LossName } from '../train/losses';
import { Trainer, type TrainResult } from '../train/loop';
import { scheduleHooks } from '../train/schedules';
import type { RunState } from './snapshot';

/** Gives a run's record the dataset's checksum when the record was made while the data still streamed in. */
export async function fillChecksum(recorder: RunRecorder | null, describe: () => Promise<DatasetInfo>): Promise<void> {
  if (!recorder || recorder.record.dataset.checksum) return;
  const info = await describe();
  if (info.checksum) recorder.record.dataset = info;
}

/**
 * The session's run: the loop in progress, the state of the current or last run, the recorder of the last
 * recorded one, and the path of its weights (drawn on the loss landscape). One run at a time.
 */
export class RunSlot {
  state: RunState | null = null;
  recorder: RunRecorder | null = null;
  /** The loss the last run minimised (the landscape draws the same one). */
  lossName?: LossName;
  private trainer?: Trainer;
  private trajectory?: TrajectoryRecorder;

  constructor(private readonly changed: () => void) {}

  get isTraining(): boolean {
    return this.trainer !== undefined;
  }

  /** Weights at the start and at each epoch's end of the last run. */
  get path(): Float32Array[] {
    return this.trajectory?.snapshots ?? [];
  }

  stop(): void {
    this.trainer?.stop();
  }

  /** New data or new weights: the last run's path no longer belongs to the model. */
  forgetPath(): void {
    this.trajectory = undefined;
  }

  /** The run and its path end without a result (new data, a rebuilt backend). */
  clear(): void {
    this.state = null;
    this.trainer = undefined;
    this.trajectory = undefined;
  }

  /**
   * Trains `model` (already the session's held model, of version `modelVersion`) on `dataset` with its
   * monitors, recorder, schedule and path; the run's status follows in `state`.
   */
  async train(
    model: tf.LayersModel,
    modelVersion: number,
    spec: ModelSpec,
    dataset: Dataset,
    config: TrainConfig,
    onEvent: TrainEventListener,
    options: RunOptions,
    describe: () => Promise<DatasetInfo>,
  ): Promise<TrainResult> {
    const runId = options.record?.id ?? options.resume?.record.id ?? null;
    this.state = { runId, status: 'training', config, modelVersion };
    this.changed();
    this.lossName = config.loss ?? defaultLoss(dataset.task);
    const trajectory = new TrajectoryRecorder();
    this.trajectory = trajectory;
    await trajectory.record(model, 0);
    const run = await MonitoredRun.create(model, spec, config, onEvent, options, describe);
    this.recorder = run.recorder;
    let trainer: Trainer | undefined;
    try {
      // Inside the try: whatever throws here still disposes the run (its monitors and its run lock).
      const schedule = scheduleHooks(config.schedule ?? { kind: 'constant' }, config.learningRate, config.epochs);
      const path = { onEpochEnd: (ctx: EpochContext) => trajectory.record(ctx.model, ctx.step) };
      // A dataset that streamed in has its checksum once all of it arrived: the record takes it at the next write.
      const card = { onEpochEnd: () => fillChecksum(run.recorder, describe) };
      const hooks = mergeHooks(schedule, card, run.hooks, path, options.hooks ?? {});
      const t = new Trainer(model, dataset, config, hooks, MonitoredRun.resumePoint(options));
      trainer = t;
      run.onStop(() => t.stop());
      this.trainer = t;
      const result = await run.track(t.run(run.listener));
      this.state = { ...this.state!, status: result.diverged ? 'error' : result.stopped ? 'stopped' : 'done' };
      return result;
    } catch (err) {
      this.state = { ...this.state!, status: 'error' };
      throw err;
    } finally {
      trainer?.dispose();
      run.dispose();
      this.trainer = undefined;
    }
  }
}
