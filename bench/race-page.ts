/**
 * Race mode's benchmark (`npm run bench -- race`), on the benchmark page: the "SGD vs momentum vs Adam" race on
 * MNIST with the classic model, and the same three runs trained one after another, through the app's own worker
 * and commands (each run recorded in IndexedDB and evaluated on the test set, as on the Train view).
 */
import * as Comlink from 'comlink';
import type { BackendName } from '../src/lib/engine/backend';
import { MNIST_INFO } from '../src/lib/engine/data/mnist';
import { classicMlp } from '../src/lib/engine/models/spec';
import type { RaceEvent } from '../src/lib/engine/race/events';
import { contenderConfig, presetContenders, type RacePresetId } from '../src/lib/engine/race/presets';
import { DEFAULT_CONFIG, type TrainConfig } from '../src/lib/engine/train/config';
import { fetchIdxFiles } from '../src/lib/io/builtin-data';
import { TrainerClient } from '../src/lib/worker/client';

const client = new TrainerClient();
let ids = 0;
const id = (kind: string) => `${kind}-bench-${Date.now().toString(36)}-${++ids}`;

/** A fresh worker on `backend` with MNIST and the classic MLP planned. */
async function setup(backend: BackendName) {
  client.terminate();
  const info = await client.api.backend.init({ forced: backend });
  const { files, buffers } = await fetchIdxFiles('mnist', '../');
  const summary = await client.api.data.loadIdx(Comlink.transfer({ files, info: MNIST_INFO }, buffers));
  await client.api.model.setPlan({ spec: classicMlp(), seed: DEFAULT_CONFIG.seed });
  return { backend: info.name, trainCount: summary.trainCount };
}

function contenders(preset: RacePresetId, epochs: number, trainCount: number) {
  const base: TrainConfig = { ...DEFAULT_CONFIG, epochs };
  return { base, contenders: presetContenders(preset, base, trainCount) };
}

/** The race: wall time, and each contender's outcome (own seconds) and test accuracy. */
async function race(backend: BackendName, preset: RacePresetId, epochs: number) {
  const env = await setup(backend);
  const { base, contenders: list } = contenders(preset, epochs, env.trainCount);
  const t0 = performance.now();
  // When each phase ended (s from the call): the start (models built, runs begun), each contender's end, the tests.
  const phases: Record<string, number> = {};
  const at = () => +((performance.now() - t0) / 1000).toFixed(2);
  const onEvent = (e: RaceEvent) => {
    if (e.kind === 'race-start') phases.start = at();
    else if (e.kind === 'contender-end') phases[`end${e.index}`] = at();
    else if (e.kind === 'contender-test') phases[`test${e.index}`] = at();
  };
  const result = await client.api.race.run({ raceId: id('race'), base, contenders: list, runs: list.map((c) => ({ id: id('run'), name: `bench race ${c.optimizer}` })) }, Comlink.proxy(onEvent));
  const seconds = (performance.now() - t0) / 1000;
  return { backend: env.backend, seconds, phases, contenders: list.map((c, i) => ({ ...c, outcome: result.outcomes[i], testAccuracy: result.tests[i]?.accuracy ?? null })) };
}

/** The same contenders as single runs, one after another, each a recorded run evaluated on the test set. */
async function sequential(backend: BackendName, preset: RacePresetId, epochs: number) {
  const env = await setup(backend);
  const { base, contenders: list } = contenders(preset, epochs, env.trainCount);
  const runs = [];
  for (const c of list) {
    const t0 = performance.now();
    const out = await client.api.train.run({ config: contenderConfig(base, c), run: { runId: id('run'), name: `bench single ${c.optimizer}` } }, Comlink.proxy(() => {}));
    const seconds = (performance.now() - t0) / 1000;
    const snapshot = await client.api.session.current();
    runs.push({ ...c, seconds, trainSeconds: out.result.seconds, testAccuracy: snapshot.evaluation?.accuracy ?? null });
  }
  return { backend: env.backend, seconds: runs.reduce((s, r) => s + r.seconds, 0), runs };
}

Object.assign(window, { descentRace: { race, sequential } });
