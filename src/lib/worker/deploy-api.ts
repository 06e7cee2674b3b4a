/**
 * The worker's commands for export, import and stored runs. Kept apart from trainer.worker.ts; the worker
 * spreads them into its `api`. Checkpoints are written here (IndexedDB works in workers): see MonitoredRun.
 */
import * as Comlink from 'comlink';
import tfjsUrl from '@tensorflow/tfjs/dist/tf.min.js?url';
import type { UploadedFile } from '../engine/export/import';
import type { LayersModelFiles } from '../engine/export/layers-format';
import type { RunOptions } from '../engine/runs/monitored-run';
import { cardFromRun, GENERATOR, type ModelCard, type QuantizationReport, type QuantizeDtype, type RunRecord, type TunerDecision } from '../engine/runs/record';
import type { CheckpointKind } from '../engine/runs/recorder';
import type { Session } from '../engine/session';
import { EngineError } from '../engine/errors';
import { valuesFromFiles } from '../engine/train/early-stopping';
import * as tf from '../engine/tf';
import { IdbRunStore, getCheckpoint, getRun, updateRun } from '../io/runs-db';
import { enBundle, type BundleLanguage, type BundleTexts } from '../i18n/en-bundle';

/** The bundle's words in `language`; the Chinese ones load only when asked for (the worker's chunk carries English). */
async function bundleTexts(language: BundleLanguage | undefined): Promise<BundleTexts> {
  return language === 'zh-CN' ? (await import('../i18n/zh-bundle')).zhBundle : enBundle;
}

/**
 * The bundle's writer (the demo page, predict.js, the README, train.py, train_torch.py): a chunk of its own,
 * loaded at the first export, not with the worker's script on every first visit.
 */
const bundleWriter = () => import('../engine/export/bundle');

/** Which weights to export: the session's held model (the one whose results the page shows), or a stored run's checkpoint. */
export type ExportSource = { kind: 'session' } | { kind: 'run'; runId: string; weights: CheckpointKind };

/** How the page starts a recorded run. */
export interface WorkerRunOptions {
  runId: string;
  name: string;
  tuner?: TunerDecision[] | null;
  parent?: string | null;
  /** Train the current weights (imported or opened) instead of a fresh initialisation. */
  fromCurrentWeights?: boolean;
  /** Continue the stored run `runId` from its last checkpoint. */
  resume?: boolean;
}

export function deployApi(session: Session) {
  const store = new IdbRunStore();
  // Test metrics of an opened run (not recorded in this session) go to its stored record.
  session.testSink = async (runId, test) => (await updateRun(runId, { test })) !== undefined;
  let tfjs: Uint8Array | undefined;
  /** Quantised weights and their measurements, until the weights change (training, opening, importing). */
  const measured = new Map<string, { report: QuantizationReport; files: LayersModelFiles }>();

  async function loadRun(runId: string): Promise<RunRecord> {
    const record = session.lastRun?.record.id === runId ? session.lastRun.record : await getRun(runId);
    if (!record) throw new EngineError('session.runNotStored', {});
    return record;
  }

  async function checkpoint(runId: string, kind: CheckpointKind) {
    const ckpt = await getCheckpoint(runId, kind);
    if (!ckpt) throw new EngineError('session.checkpointMissing', { kind });
    return ckpt;
  }

  /** Refuses to resume or evaluate a run on other data than it was trained on. */
  async function checkSameData(record: RunRecord): Promise<void> {
    const info = await session.describeData();
    if (record.dataset.id !== info.id || (record.dataset.checksum && info.checksum && record.dataset.checksum.value !== info.checksum.value)) {
      throw new EngineError('session.otherData', { run: record.dataset.name, checksum: record.dataset.checksum?.value.slice(0, 12) ?? '–', loaded: info.name });
    }
  }

  async function modelFiles(source: ExportSource): Promise<LayersModelFiles> {
    return source.kind === 'run' ? (await checkpoint(source.runId, source.weights)).files : session.exportModel();
  }

  /** The card of what is exported: the stored run's, the held model's run, its imported card, or a plain one. */
  async function card(source: ExportSource, quantization: QuantizationReport | null, texts: BundleTexts): Promise<ModelCard> {
    if (source.kind === 'run') return cardFromRun(await loadRun(source.runId), source.weights, quantization);
    const held = session.models.state;
    if (!held) throw new EngineError('session.noModel', {});
    if (held.runId) return cardFromRun(await loadRun(held.runId), 'last', quantization);
    const imported = session.models.importedCard;
    if (imported) return { ...imported, createdAt: new Date().toISOString(), quantization };
    return {
      format: 'descent-model-card', version: 1, name: texts.importedName, createdAt: new Date().toISOString(), runId: null,
      dataset: await session.describeData(), model: held.spec, totalParams: held.summary.totalParams, hyperParameters: null,
      tuner: null, metrics: null, weights: { epoch: null, kind: 'last' }, quantization, backend: tf.getBackend(), tfjsVersion: tf.version.tfjs,
      seed: 0, generator: GENERATOR,
    };
  }

  async function quantized(source: ExportSource, dtype: QuantizeDtype | null): Promise<{ files: LayersModelFiles; report: QuantizationReport | null }> {
    const files = await modelFiles(source);
    if (!dtype) return { files, report: null };
    // The held model's measurements last as long as its weights (its version changes when they are replaced).
    const key = `${source.kind === 'session' ? `session:${session.models.state?.version}` : JSON.stringify(source)}:${dtype}`;
    const result = measured.get(key) ?? (await session.measureQuantization(files, dtype));
    measured.set(key, result);
    return result;
  }

  async function tfjsBytes(): Promise<Uint8Array> {
    if (!tfjs) {
      const response = await fetch(tfjsUrl);
      if (!response.ok) throw new EngineError('session.tfjsUnreadable', { status: response.status });
      tfjs = new Uint8Array(await response.arrayBuffer());
    }
    return tfjs;
  }

  return {
    /** Where a run that lost its backend can go on: its stored last checkpoint, or (none yet) a fresh start. */
    async fallbackPoint(runId: string): Promise<{ resume: boolean; epoch: number; step: number }> {
      const record = await loadRun(runId).catch(() => null);
      const ckpt = record ? await getCheckpoint(runId, 'last').catch(() => null) : null;
      return record && ckpt ? { resume: true, epoch: record.completedEpochs, step: record.steps } : { resume: false, epoch: 0, step: 0 };
    },

    /** Options for `Session.train` from the page's plain ones; loads a resumed run's checkpoint into the session. */
    async runOptions(options?: WorkerRunOptions): Promise<RunOptions> {
      measured.clear();
      if (!options) return {};
      if (options.resume) {
        const record = await loadRun(options.runId);
        await checkSameData(record);
        const last = await checkpoint(record.id, 'last');
        await session.loadModelFiles(last.files, record.model);
        // Early stopping goes on counting from the stored best epoch, whose weights it may restore at the end.
        const best = record.config.earlyStopping?.restoreBest && record.bestEpoch !== null ? await getCheckpoint(record.id, 'best') : undefined;
        return { resume: { record, store, best: best ? valuesFromFiles(best.files) : null } };
      }
      return { record: { id: options.runId, name: options.name, tuner: options.tuner ?? null, parent: options.parent ?? null, store }, fromCurrentWeights: options.fromCurrentWeights };
    },

    /** Makes a stored run's weights the held model (then the page evaluates it). */
    async openRun(runId: string, kind: CheckpointKind = 'last') {
      const record = await loadRun(runId);
      await checkSameData(record);
      const summary = await session.loadModelFiles((await checkpoint(runId, kind)).files, record.model, 'opened', runId);
      measured.clear();
      return summary;
    },

    /** Validates and loads a model the user brought (zip, or model.json + weights). */
    async importModel(files: UploadedFile[]) {
      const summary = await session.importModel(files);
      measured.clear();
      return summary;
    },

    /** Writes a run that could not be saved (full storage) again; true when it is stored now. */
    async retrySave(): Promise<boolean> {
      return (await session.lastRun?.retry()) ?? true;
    },

    async measureQuantization(source: ExportSource, dtype: QuantizeDtype): Promise<QuantizationReport> {
      return (await quantized(source, dtype)).report!;
    },

    /** The whole bundle as one zip in the page's `language` (bytes transferred to the page, which downloads it). */
    async exportBundle(source: ExportSource, dtype: QuantizeDtype | null, language?: BundleLanguage) {
      const { files, report } = await quantized(source, dtype);
      const [texts, { bundleFiles, bundleFolder, zipBundle }] = await Promise.all([bundleTexts(language), bundleWriter()]);
      const c = await card(source, report, texts);
      const folder = bundleFolder(c.name);
      const zip = zipBundle(folder, bundleFiles({ model: files, card: c, tfjs: await tfjsBytes(), texts }));
      return Comlink.transfer({ fileName: `${folder}.zip`, zip }, [zip.buffer]);
    },

    /** Just model.json + the weights file (optionally quantised). */
    async exportFiles(source: ExportSource, dtype: QuantizeDtype | null) {
      const { files } = await quantized(source, dtype);
      return Comlink.transfer(files, [files.weights]);
    },
  };
}
