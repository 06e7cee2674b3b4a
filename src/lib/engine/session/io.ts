import * as tf from '../tf';
import type { Dataset } from '../data/dataset';
import { EngineError, toEngineMessage, type EngineMessage } from '../errors';
import { readModelUpload, type UploadedFile } from '../export/import';
import type { LayersModelFiles } from '../export/layers-format';
import { loadForDataset, measureQuantization, specFromModel } from '../export/model-io';
import type { ModelSpec, ModelSummary } from '../models/spec';
import type { DatasetInfo, ModelCard, QuantizeDtype } from '../runs/record';

/** What an imported model turned out to be, for the page's import card. */
export interface ImportSummary {
  card: ModelCard | null;
  notes: EngineMessage[];
  /** The model's layers when it fits the loaded dataset (it is then the held model), else null. */
  model: ModelSummary | null;
  spec: ModelSpec;
  /** Why it cannot be evaluated or trained on the loaded data, when it cannot. */
  mismatch: EngineMessage | null;
  /**
   * How the card's dataset relates to the loaded one: the same data (same name and checksum), the same
   * name with other bytes (edited, re-exported or differently preprocessed), another dataset, or unknown
   * (no card, no data loaded, or a card without a checksum).
   */
  data: DataMatch;
}

export type DataMatch = 'same' | 'changed' | 'other' | 'unknown';

/** Compares a card's dataset with the loaded one by id and, where both have one, by checksum. */
export function matchData(card: ModelCard | null, loaded: DatasetInfo | null): DataMatch {
  if (!card || !loaded) return 'unknown';
  if (card.dataset.id !== loaded.id) return 'other';
  const a = card.dataset.checksum;
  const b = loaded.checksum;
  if (!a || !b || a.of !== b.of) return 'unknown';
  return a.value === b.value ? 'same' : 'changed';
}

/**
 * Validates uploaded files (a bundle .zip, or model.json + weights), derives their spec, and hands them to
 * `hold` (which checks them against the data and makes them the held model); a model that does not fit the
 * data is described, not held.
 */
export async function importModelFiles(
  uploaded: UploadedFile[],
  hold: (files: LayersModelFiles, spec: ModelSpec, card: ModelCard | null) => Promise<ModelSummary>,
  loaded: () => Promise<DatasetInfo | null>,
): Promise<ImportSummary> {
  const imported = readModelUpload(uploaded);
  const probe = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: JSON.parse(imported.files.modelJson).modelTopology })).catch((err: Error) => {
    throw new EngineError('session.importCannotBuild', { detail: err.message });
  });
  const derived = specFromModel(probe, imported.card?.name ?? 'Imported model');
  probe.dispose();
  const spec = imported.card?.model ?? derived.spec;
  const notes: EngineMessage[] = [...imported.notes];
  if (derived.unsupported.length) notes.push({ code: 'session.importUnsupportedLayers', params: { layers: derived.unsupported } });
  const data = matchData(imported.card, await loaded());
  try {
    const model = await hold(imported.files, spec, imported.card);
    return { card: imported.card, notes, model, spec, mismatch: null, data };
  } catch (err) {
    return { card: imported.card, notes, model: null, spec, mismatch: toEngineMessage(err), data };
  }
}

/** Quantises model files and measures size and test accuracy before and after, on `dataset` when they fit it. */
export async function quantizationReport(files: LayersModelFiles, dtype: QuantizeDtype, dataset: Dataset) {
  let fits: Dataset | null = dataset;
  try {
    (await loadForDataset(files, dataset)).dispose();
  } catch {
    fits = null;
  }
  return measureQuantization(files, dtype, fits);
}
