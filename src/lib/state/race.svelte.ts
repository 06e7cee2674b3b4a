import * as Comlink from 'comlink';
import type { EngineMessage } from '../engine/errors';
import type { ContenderOutcome, RaceEvent } from '../engine/race/events';
import { differingFields, presetContenders, RACE_LIMITS, RACE_PRESETS, type ContenderField, type ContenderSettings, type RacePresetId } from '../engine/race/presets';
import { OPTIMIZERS, type OptimizerName } from '../engine/train/config';
import { Ema } from '../engine/train/ema';
import type { EpochMetrics, TrainEvent } from '../engine/train/events';
import { t, withLanguage } from '../i18n';
import { describe } from '../i18n/engine-text';
import { app } from './app.svelte';
import { currentExperiment } from './experiment.svelte';
import { encodeExperiment } from './experiment-link';
import { newRunId, runName } from './run-names';
import { router } from './router.svelte';
import { Series } from './series';

export type LaneStatus = 'waiting' | 'running' | ContenderOutcome['status'];
export type RacePreset = RacePresetId | 'custom';

/** A rate as the page writes it in labels and links (0.001, 1e-5, 1). */
export function formatRate(lr: number): string {
  return lr >= 1e-3 ? String(+lr.toPrecision(3)) : String(+lr.toExponential(2)).replace('e-', 'e-');
}

/** What sets a contender apart from the others, in words (the fields that differ among them). */
export function contenderLabel(c: ContenderSettings, fields: readonly ContenderField[], index: number): string {
  const parts = fields.map((f) => {
    switch (f) {
      case 'optimizer':
        return t.lab.optimizerNames[c.optimizer];
      case 'learningRate':
        return t.race.learningRate(formatRate(c.learningRate));
      case 'batchSize':
        return t.race.batch(c.batchSize);
      case 'schedule':
        return t.race.schedules[c.schedule];
    }
  });
  return parts.length ? parts.join(t.comma) : t.race.numbered(index + 1);
}

/**
 * One contender's live view, mirrored from the worker's events: its smoothed loss against steps and against its
 * own seconds (typed columns outside Svelte's reactivity; the race's `version` says when they grew), its
 * epochs, and how it ended.
 */
export class Lane {
  status = $state<LaneStatus>('waiting');
  step = $state(0);
  epoch = $state(0);
  epochs = $state(0);
  smoothedLoss = $state<number | null>(null);
  smoothedAccuracy = $state<number | null>(null);
  samplesPerSec = $state(0);
  seconds = $state(0);
  epochRows = $state.raw<EpochMetrics[]>([]);
  outcome = $state.raw<ContenderOutcome | null>(null);
  test = $state.raw<{ loss: number; accuracy: number; count: number } | null>(null);
  error = $state.raw<EngineMessage | null>(null);
  readonly steps = new Series();
  readonly time = new Series();
  readonly loss = new Series();
  private readonly lossEma = new Ema(0.95);
  private readonly accEma = new Ema(0.95);

  constructor(
    readonly index: number,
    readonly settings: ContenderSettings,
    readonly runId: string,
  ) {}

  apply(event: TrainEvent, seconds: number): void {
    switch (event.kind) {
      case 'start':
        this.status = 'running';
        this.epochs = event.epochs;
        break;
      case 'steps': {
        // Each step's time: spread evenly since the last report (the worker reports every ~33 ms).
        const from = this.time.length ? this.time.view()[this.time.length - 1] : 0;
        const n = event.loss.length;
        let acc = NaN;
        for (let i = 0; i < n; i++) {
          this.steps.push(event.firstStep + i + 1);
          this.time.push(from + ((seconds - from) * (i + 1)) / n);
          this.loss.push(this.lossEma.next(event.loss[i]));
          acc = this.accEma.next(event.accuracy[i]);
        }
        this.step = event.firstStep + n;
        this.epoch = event.epoch;
        this.smoothedLoss = this.loss.view()[this.loss.length - 1];
        this.smoothedAccuracy = Number.isFinite(acc) ? acc : null;
        this.samplesPerSec = event.samplesPerSec;
        this.seconds = seconds;
        break;
      }
      case 'epoch': {
        const { kind: _, ...row } = event;
        this.epochRows = [...this.epochRows, row];
        break;
      }
      case 'error':
        this.error = event.message;
        break;
    }
  }
}

/**
 * Race mode's state: the setup form (a preset, or contenders of one's own), the live lanes mirrored from the
 * worker's race events, and the link that opens the same race. The worker owns the race while it runs; the page
 * only draws what it reports.
 */
export class RaceState {
  open = $state(false);
  preset = $state<RacePreset>('optimizers');
  contenders = $state<ContenderSettings[]>([]);
  xAxis = $state<'steps' | 'seconds'>('steps');
  lanes = $state.raw<Lane[]>([]);
  /** The labels' fields of the lanes on screen (what differs among them). */
  fields = $state.raw<ContenderField[]>([]);
  status = $state<'idle' | 'running' | 'stopping' | 'finished' | 'error'>('idle');
  seconds = $state<number | null>(null);
  error = $state<string | null>(null);
  /** Grows whenever a lane's curves grow: charts redraw on it, at most once a frame. */
  version = $state(0);
  /** The link of the last race set up from a link or shared (null until asked for). */
  link = $state<string | null>(null);

  constructor() {
    if (typeof window !== 'undefined') this.readLink(router.params);
  }

  get isActive(): boolean {
    return this.status === 'running' || this.status === 'stopping';
  }

  get canStart(): boolean {
    const n = this.contenders.length;
    return app.ready && !app.run.isActive && !this.isActive && n >= RACE_LIMITS.min && n <= RACE_LIMITS.max && this.contenders.every((c) => c.learningRate > 0 && c.batchSize >= 1);
  }

  /** Labels' fields of the form's contenders. */
  get formFields(): ContenderField[] {
    return differingFields(this.contenders);
  }

  toggle(open: boolean): void {
    this.open = open;
    if (open && this.contenders.length === 0) this.choose(this.preset);
  }

  /** Fills the contenders from a preset and the hyper-parameter form's settings. */
  choose(preset: RacePreset): void {
    this.preset = preset;
    if (preset === 'custom') {
      if (this.contenders.length < RACE_LIMITS.min) this.contenders = presetContenders('optimizers', $state.snapshot(app.settings), this.trainCount);
      return;
    }
    this.contenders = presetContenders(preset, $state.snapshot(app.settings), this.trainCount);
  }

  /** A change to a contender makes the race one of one's own. */
  edit(index: number, patch: Partial<ContenderSettings>): void {
    this.contenders[index] = { ...this.contenders[index], ...patch };
    this.preset = 'custom';
  }

  add(): void {
    if (this.contenders.length >= RACE_LIMITS.max) return;
    const last = this.contenders[this.contenders.length - 1];
    this.contenders.push({ ...(last ?? { optimizer: 'adam', learningRate: 0.001, batchSize: 32, schedule: 'constant' }) });
    this.preset = 'custom';
  }

  remove(index: number): void {
    if (this.contenders.length <= RACE_LIMITS.min) return;
    this.contenders.splice(index, 1);
    this.preset = 'custom';
  }

  private get trainCount(): number {
    return app.dataset?.trainCount ?? Number.MAX_SAFE_INTEGER;
  }

  /** Starts the race in the worker: every contender becomes a stored run, and all are evaluated at the end. */
  async start(): Promise<void> {
    if (!this.canStart) return;
    await app.beforeWork();
    const base = $state.snapshot(app.settings);
    const contenders = $state.snapshot(this.contenders);
    const fields = differingFields(contenders);
    const raceId = newRunId().replace(/^run-/, 'race-');
    const name = runName(app.dataset?.name ?? '', app.spec?.name ?? '');
    const runs = contenders.map((c, i) => ({ id: newRunId(), name: t.race.runName(contenderLabel(c, fields, i), name) }));
    this.fields = fields;
    this.lanes = contenders.map((c, i) => new Lane(i, c, runs[i].id));
    this.status = 'running';
    this.seconds = null;
    this.error = null;
    this.version++;
    const onEvent = Comlink.proxy((e: RaceEvent) => this.apply(e));
    try {
      const result = await app.api.race.run({ raceId, base, contenders, runs }, onEvent);
      this.status = 'finished';
      if (!result.saved) app.notify('warning', () => t.race.notSaved);
    } catch (err) {
      this.status = 'error';
      this.error = describe(err as EngineMessage);
      app.fail(err, t.race.failed);
    } finally {
      await app.sync().catch(() => {});
      app.engine.resumeMeasurementSoon();
    }
  }

  async stop(): Promise<void> {
    if (this.status !== 'running') return;
    this.status = 'stopping';
    await app.api.race.stop();
  }

  apply(event: RaceEvent): void {
    switch (event.kind) {
      case 'contender':
        this.lanes[event.index]?.apply(event.event, event.seconds);
        if (event.event.kind === 'steps') this.version++;
        break;
      case 'contender-end': {
        const lane = this.lanes[event.index];
        if (lane) {
          lane.outcome = event.outcome;
          lane.status = event.outcome.status;
          lane.seconds = event.outcome.seconds;
        }
        break;
      }
      case 'contender-test': {
        const lane = this.lanes[event.index];
        if (lane) lane.test = { loss: event.loss, accuracy: event.accuracy, count: event.count };
        break;
      }
      case 'race-done':
        this.seconds = event.seconds;
        break;
    }
  }

  // ---- Links ----

  /**
   * The race as URL parameters: the whole experiment (data with a generator's settings, the model, the loss, the
   * shared settings and the seed, as "Copy link to this experiment" writes them; state/experiment-link.ts) plus
   * the contenders. Null when the data cannot be linked (the user's own files).
   */
  linkParams(): URLSearchParams | null {
    const e = currentExperiment();
    if (!e) return null;
    const params = encodeExperiment(e);
    params.set('race', this.preset);
    params.set('contenders', this.contenders.map((c) => [c.optimizer, formatRate(c.learningRate), c.batchSize, c.schedule === 'one-cycle' ? '1cycle' : 'const'].join(':')).join(','));
    return params;
  }

  /** The address that opens this race (Train view, race mode open, ready to start), in the page's language. */
  shareLink(): string | null {
    const params = this.linkParams();
    this.link = params ? withLanguage(`${location.origin}${location.pathname}#/train?${params.toString()}`) : null;
    return this.link;
  }

  /**
   * A link's race: the contenders (a link that does not read as a race changes nothing). The data, model and
   * shared settings are the experiment's: state/experiment.svelte.ts reads them from the same link.
   */
  readLink(params: URLSearchParams): boolean {
    const preset = params.get('race');
    const contenders = parseContenders(params.get('contenders') ?? '');
    if (!preset || !contenders) return false;
    this.preset = preset === 'custom' || (RACE_PRESETS as readonly string[]).includes(preset) ? (preset as RacePreset) : 'custom';
    this.contenders = contenders;
    this.open = true;
    return true;
  }
}

/** `adam:0.001:32:const,sgd:0.01:32:1cycle` → contenders; null unless every part reads and there are 2–5. */
export function parseContenders(text: string): ContenderSettings[] | null {
  const parts = text.split(',').filter(Boolean);
  if (parts.length < RACE_LIMITS.min || parts.length > RACE_LIMITS.max) return null;
  const out: ContenderSettings[] = [];
  for (const part of parts) {
    const [optimizer, lr, batch, schedule] = part.split(':');
    const learningRate = Number(lr);
    const batchSize = Number(batch);
    if (!(OPTIMIZERS as readonly string[]).includes(optimizer) || !(learningRate > 0 && learningRate <= 10) || !(Number.isInteger(batchSize) && batchSize >= 1)) return null;
    if (schedule !== 'const' && schedule !== '1cycle') return null;
    out.push({ optimizer: optimizer as OptimizerName, learningRate, batchSize, schedule: schedule === '1cycle' ? 'one-cycle' : 'constant' });
  }
  return out;
}

export const race = new RaceState();
