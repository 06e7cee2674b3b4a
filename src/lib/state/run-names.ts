import type { RunRecord } from '../engine/runs/record';
import type { TrainConfig } from '../engine/train/config';
import { t } from '../i18n';

/** A new run's id: sortable by time, unique across tabs. */
export function newRunId(now = new Date()): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `run-${now.getTime().toString(36)}-${random}`;
}

/** A learning rate as people write it: 0.001, 0.0123, 3e-5. */
function rate(lr: number): string {
  return String(+lr.toPrecision(3));
}

function optimizerName(config: TrainConfig): string {
  return t.lab.optimizerNames[config.optimizer];
}

/**
 * A new run's default name: the settings that set runs apart, e.g. "Adam 0.001 · batch 32 · 10 ep" (with the
 * schedule when there is one). The user can rename it in Runs.
 */
export function configRunName(config: TrainConfig): string {
  return t.classroom.runName(optimizerName(config), rate(config.learningRate), config.batchSize, config.epochs, t.classroom.schedules[config.schedule?.kind ?? 'constant']);
}

/** A name from the data, the model and the time, e.g. "MNIST · Classic MLP · 14:03:27" (a race's contenders end in it). */
export function runName(datasetName: string, modelName: string, now = new Date()): string {
  const time = now.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return `${datasetName} · ${modelName} · ${time}`;
}

/** The features a run is told apart by, each as a short text. */
function features(r: RunRecord): Record<string, string> {
  const c = r.config;
  return {
    dataset: r.dataset.name,
    model: r.model.name,
    optimizer: `${optimizerName(c)} ${rate(c.learningRate)}`,
    batch: `${t.params.batchSize} ${c.batchSize}`,
    epochs: `${c.epochs} ${t.params.epochs}`,
    schedule: t.classroom.schedules[c.schedule?.kind ?? 'constant'],
    seed: `${t.params.seed} ${c.seed}`,
  };
}

/**
 * For each listed run, what sets it apart from the others: only the features (data, model, optimizer and rate,
 * batch, epochs, schedule, seed) whose values differ among the runs, joined with " · ". Empty for a lone run or
 * runs that share every feature.
 */
export function runDifferences(runs: readonly RunRecord[]): Map<string, string> {
  const all = runs.map((r) => [r.id, features(r)] as const);
  const keys = Object.keys(all[0]?.[1] ?? {}).filter((k) => new Set(all.map(([, f]) => f[k])).size > 1);
  return new Map(all.map(([id, f]) => [id, keys.map((k) => f[k]).filter((v) => v !== '').join(' · ')]));
}
