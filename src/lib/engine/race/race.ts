import * as tf from '../tf';
import { EngineError } from '../errors';
import { lossProblem } from '../models/fit';
import { assertFitsMemory } from '../models/memory';
import { newRecord } from '../runs/monitored-run';
import type { StoredRunStatus } from '../runs/record';
import { RunRecorder, type RunStore } from '../runs/recorder';
import type { Session } from '../session/session';
import { validateConfig, type TrainConfig } from '../train/config';
import { evaluate } from '../train/evaluate';
import type { TrainEvent } from '../train/events';
import { nextMacrotask } from '../train/yield';
import { Contender } from './contender';
import type { ContenderOutcome, RaceEventListener, RaceResult } from './events';
import { contenderConfig, RACE_LIMITS, type ContenderSettings } from './presets';

/** How long the race may run before it lets other messages in (ms), as the single-run loop. */
const YIELD_MS = 10;

/** What a race trains: the base settings, what each contender sets differently, and where its runs go. */
export interface RaceSetup {
  raceId: string;
  base: TrainConfig;
  contenders: ContenderSettings[];
  /** Record every contender as a run in `store` (the browser passes IndexedDB), under these ids and names. */
  record?: { store: RunStore; runs: { id: string; name: string }[] };
}

const STORED: Record<ContenderOutcome['status'], StoredRunStatus> = { done: 'done', stopped: 'stopped', diverged: 'error', error: 'error' };

/**
 * Trains two to five contenders of the session's plan side by side: every one from the same initial weights
 * (the plan built from the base seed, copied), on the same seeded batches, one step each in turn. A contender
 * that diverges or fails ends alone; the others go on. At the end each is evaluated on the test set; with
 * `record`, each is a normal stored run (checkpoint per epoch, test metrics) marked with the race.
 * The race is the session's one job ('training'); the held model is not touched.
 */
export class RaceRunner {
  private stopRequested = false;

  constructor(private readonly session: Session) {}

  /** Asks every contender to end after its current step (they are then still evaluated and stored). */
  stop(): void {
    this.stopRequested = true;
  }

  /** The contenders' run configurations, checked as a single run's would be; throws the first problem. */
  configs(setup: RaceSetup): TrainConfig[] {
    const dataset = this.session.activeDataset;
    const spec = this.session.models.requirePlan();
    const n = setup.contenders.length;
    if (n < RACE_LIMITS.min || n > RACE_LIMITS.max) throw new EngineError('race.contenders', { count: n, min: RACE_LIMITS.min, max: RACE_LIMITS.max });
    const configs = setup.contenders.map((c) => contenderConfig(setup.base, c));
    for (const config of configs) {
      const problems = validateConfig(config, dataset.train.count);
      const loss = lossProblem(config.loss, dataset.task);
      if (loss) problems.push(loss);
      if (problems.length) throw new EngineError('session.invalidConfig', { problems });
      assertFitsMemory(spec.layers, dataset.inputShape, { batchSize: config.batchSize, backend: tf.getBackend(), optimizer: config.optimizer });
    }
    return configs;
  }

  async run(setup: RaceSetup, onEvent: RaceEventListener): Promise<RaceResult> {
    const configs = this.configs(setup);
    return this.session.withJob('training', async () => {
      this.stopRequested = false;
      const t0 = performance.now();
      const contenders: Contender[] = [];
      const recorders: (RunRecorder | null)[] = [];
      const ended = new Set<number>();
      let saved = true;
      const finish = async (c: Contender) => {
        if (ended.has(c.index)) return;
        ended.add(c.index);
        const outcome = c.outcome();
        await recorders[c.index]?.finish({ status: STORED[outcome.status], model: c.model, steps: outcome.steps, seconds: outcome.seconds, weightsChanged: false });
        saved &&= !recorders[c.index]?.unsaved;
        onEvent({ kind: 'contender-end', index: c.index, outcome });
      };
      try {
        await this.build(setup, configs, contenders, recorders, onEvent);
        onEvent({ kind: 'race-start', raceId: setup.raceId, configs });
        for (const c of contenders) c.begin();
        let lastYield = performance.now();
        const shouldStop = () => this.stopRequested;
        while (contenders.some((c) => c.status === 'running')) {
          for (const c of contenders) {
            await c.advance(shouldStop);
            if (c.status !== 'running') await finish(c);
          }
          if (performance.now() - lastYield >= YIELD_MS) {
            await nextMacrotask();
            lastYield = performance.now();
          }
        }
        for (const c of contenders) await finish(c);
        const tests = await this.evaluateAll(contenders, recorders, onEvent);
        saved &&= recorders.every((r) => !r?.unsaved);
        const seconds = (performance.now() - t0) / 1000;
        onEvent({ kind: 'race-done', seconds });
        return { raceId: setup.raceId, outcomes: contenders.map((c) => c.outcome()), tests, seconds, saved };
      } catch (err) {
        // A failure outside a contender's steps (building, storing): every run still open ends as failed.
        for (const c of contenders) {
          if (c.status === 'running') c.status = 'error';
          await finish(c).catch(() => {});
        }
        throw err;
      } finally {
        for (const r of recorders) void r?.abandon();
        for (const c of contenders) c.dispose();
      }
    });
  }

  /** Builds the contenders (the first model's initial weights copied into every other) and starts their records. */
  private async build(setup: RaceSetup, configs: TrainConfig[], contenders: Contender[], recorders: (RunRecorder | null)[], onEvent: RaceEventListener): Promise<void> {
    const dataset = this.session.activeDataset;
    const spec = this.session.models.requirePlan();
    const info = setup.record ? await this.session.describeData() : null;
    let initial: tf.Tensor[] | null = null;
    for (let i = 0; i < configs.length; i++) {
      const model = this.session.models.scratch(dataset, setup.base.seed);
      if (initial) model.setWeights(initial);
      else initial = model.getWeights();
      const run = setup.record?.runs[i];
      let recorder: RunRecorder | null = null;
      if (setup.record && run && info) {
        const record = { ...newRecord({ ...run, tuner: null, parent: null, store: setup.record.store }, info, spec, model, configs[i]), race: { id: setup.raceId, contender: i, contenders: configs.length } };
        recorder = new RunRecorder(record, setup.record.store, (e) => onEvent({ kind: 'contender', index: i, seconds: 0, event: e }));
      }
      const emit = (event: TrainEvent, seconds: number) => {
        recorder?.observe(event);
        onEvent({ kind: 'contender', index: i, seconds, event });
      };
      contenders.push(new Contender(i, model, dataset, configs[i], emit, async (ctx) => void (await recorder?.onEpochEnd(ctx)), configs.length));
      recorders.push(recorder);
      // Takes the run before its first write (refused when another tab holds the id).
      await recorder?.begin();
    }
  }

  /** Each contender that trained at all, on the test set; its metrics go to its record. */
  private async evaluateAll(contenders: Contender[], recorders: (RunRecorder | null)[], onEvent: RaceEventListener): Promise<RaceResult['tests']> {
    const dataset = this.session.activeDataset;
    const tests: RaceResult['tests'] = [];
    for (const c of contenders) {
      if (c.stepsDone === 0) {
        tests.push(null);
        continue;
      }
      const ev = await evaluate(c.model, dataset, dataset.test);
      const test = { loss: ev.loss, accuracy: ev.accuracy, count: ev.count };
      tests.push(test);
      await recorders[c.index]?.setTest(test);
      onEvent({ kind: 'contender-test', index: c.index, ...test });
    }
    return tests;
  }
}
