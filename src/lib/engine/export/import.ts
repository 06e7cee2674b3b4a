/**
 * Reads a model the user brings back: an exported .zip, or model.json with its weight file(s). Validates
 * sizes, the JSON's shape and that the weights match the manifest, with a message that says what is wrong.
 * Pure (no TF.js): the worker loads the result with `loadLayersModelFromFiles`.
 */
import { unzipSync } from 'fflate';
import { EngineError, toEngineMessage, type EngineCode, type EngineCodes, type EngineMessage, type WeightRef } from '../errors';
import { isModelCard, type ModelCard } from '../runs/record';
import { checkModelCard } from './card-schema';
import type { LayersModelFiles } from './layers-format';
import { specBytes, type ModelJson, type WeightSpec } from './quantize';

export const IMPORT_LIMITS = {
  /** Any one chosen file (a zip or a weights file). */
  fileBytes: 300 * 1024 * 1024,
  modelJsonBytes: 20 * 1024 * 1024,
  /** All weights together, and everything inside a zip once unpacked. */
  weightsBytes: 256 * 1024 * 1024,
  zipEntries: 500,
};

/** A model upload that cannot be imported: a code (`import.*`) and its parameters. */
export class ImportError<K extends EngineCode = EngineCode> extends EngineError<K> {
  override name = 'ImportError';
}

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export interface ImportedModel {
  /** model.json rewritten to one weights file holding all shards in order. */
  files: LayersModelFiles;
  card: ModelCard | null;
  /** Things the user should know that did not stop the import. */
  notes: EngineMessage[];
  totalWeights: number;
}

const baseName = (path: string) => path.split('/').pop() ?? path;
const dirName = (path: string) => path.slice(0, path.length - baseName(path).length);
const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

function unzip(file: UploadedFile, limits: typeof IMPORT_LIMITS): UploadedFile[] {
  let entries = 0;
  let total = 0;
  let contents: Record<string, Uint8Array>;
  try {
    contents = unzipSync(file.bytes, {
      filter: (f) => {
        if (++entries > limits.zipEntries) throw new ImportError('import.tooManyEntries', { file: file.name, max: limits.zipEntries });
        total += f.originalSize;
        if (total > limits.weightsBytes) throw new ImportError('import.unpacksTooLarge', { file: file.name, limit: limits.weightsBytes });
        return !f.name.endsWith('/');
      },
    });
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw new ImportError('import.badZip', { file: file.name, detail: (err as Error).message });
  }
  return Object.entries(contents).map(([name, bytes]) => ({ name, bytes }));
}

function parseJson(file: UploadedFile, as: 'model' | 'card'): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(file.bytes));
  } catch (err) {
    throw new ImportError('import.badJson', { file: file.name, as, detail: (err as Error).message });
  }
}

function checkSpec(spec: unknown, where: WeightRef): WeightSpec {
  const s = spec as Partial<WeightSpec> | null;
  if (!s || typeof s !== 'object' || typeof s.name !== 'string') throw new ImportError('import.specNoName', where);
  if (!Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ImportError('import.specShape', { ...where, name: s.name, shape: String(JSON.stringify(s.shape)) });
  }
  if (!Number.isFinite(specBytes(s as WeightSpec))) {
    throw new ImportError('import.specDtype', { ...where, name: s.name, dtype: String(s.quantization?.dtype ?? s.dtype) });
  }
  const q = s.quantization;
  if (q && q.dtype !== 'float16' && !(Number.isFinite(q.scale) && Number.isFinite(q.min))) {
    throw new ImportError('import.specQuantisation', { ...where, name: s.name, dtype: q.dtype });
  }
  return s as WeightSpec;
}

/** Checks that `json` is a TF.js layers model and returns its manifest. */
export function checkModelJson(json: unknown, fileName: string): ModelJson {
  const j = json as Partial<ModelJson> & { format?: string };
  if (isModelCard(json)) throw new ImportError('import.isCard', { file: fileName });
  if (!j || typeof j !== 'object' || Array.isArray(j)) throw new ImportError('import.notObject', { file: fileName, holds: Array.isArray(j) ? 'list' : typeof j });
  if (j.format === 'graph-model') throw new ImportError('import.graphModel', { file: fileName });
  if (!j.modelTopology || !j.weightsManifest) {
    throw new ImportError('import.missingKey', { file: fileName, key: !j.modelTopology ? 'modelTopology' : 'weightsManifest', keys: Object.keys(j).slice(0, 5) });
  }
  const topology = j.modelTopology as { class_name?: unknown; model_config?: { class_name?: unknown } };
  if (typeof topology !== 'object' || (typeof topology.class_name !== 'string' && typeof topology.model_config?.class_name !== 'string')) {
    throw new ImportError('import.noClassName', { file: fileName });
  }
  if (!Array.isArray(j.weightsManifest) || j.weightsManifest.length === 0) throw new ImportError('import.emptyManifest', { file: fileName });
  j.weightsManifest.forEach((g, i) => {
    if (!g || !Array.isArray(g.paths) || !g.paths.every((p) => typeof p === 'string') || !Array.isArray(g.weights)) {
      throw new ImportError('import.badGroup', { file: fileName, group: i + 1 });
    }
    g.weights.forEach((w, k) => checkSpec(w, { file: fileName, weight: k + 1, group: i + 1 }));
  });
  return j as ModelJson;
}

function findModelJson(files: UploadedFile[]): UploadedFile {
  const named = files.filter((f) => baseName(f.name) === 'model.json');
  if (named.length > 1) throw new ImportError('import.manyModelJson', { count: named.length });
  if (named.length === 1) return named[0];
  const json = files.filter((f) => f.name.endsWith('.json') && baseName(f.name) !== 'model-card.json');
  if (json.length === 1) return json[0];
  throw new ImportError('import.noModelJson', { files: files.map((f) => baseName(f.name)) });
}

function readCard(files: UploadedFile[], notes: EngineMessage[]): ModelCard | null {
  const file = files.find((f) => baseName(f.name) === 'model-card.json');
  if (!file) return null;
  try {
    const card = parseJson(file, 'card');
    // Checked field by field: the card's values go into the README, the demo page and train.py of the next export.
    if (isModelCard(card)) return checkModelCard(card);
    notes.push({ code: 'import.cardIgnored', params: {} });
  } catch (err) {
    notes.push({ code: 'import.cardUnreadable', params: { problem: toEngineMessage(err) } });
  }
  return null;
}

/** Validates the chosen files and returns one model (weights joined in manifest order) and its card, if any. */
export function readModelUpload(uploaded: UploadedFile[], limits = IMPORT_LIMITS): ImportedModel {
  if (uploaded.length === 0) throw new ImportError('import.noFiles', {});
  for (const f of uploaded) {
    if (f.bytes.length > limits.fileBytes) throw new ImportError('import.fileTooLarge', { file: f.name, bytes: f.bytes.length, limit: limits.fileBytes });
  }
  const files = uploaded.flatMap((f) => (isZip(f.bytes) ? unzip(f, limits) : f.name.toLowerCase().endsWith('.zip') ? bad('import.notZip', { file: f.name }) : [f]));
  const modelFile = findModelJson(files);
  if (modelFile.bytes.length > limits.modelJsonBytes) throw new ImportError('import.modelJsonTooLarge', { file: modelFile.name, bytes: modelFile.bytes.length, limit: limits.modelJsonBytes });
  const json = checkModelJson(parseJson(modelFile, 'model'), baseName(modelFile.name));
  const dir = dirName(modelFile.name);
  const notes: EngineMessage[] = [];
  const parts: Uint8Array[] = [];
  json.weightsManifest.forEach((group, i) => {
    const shardFiles = group.paths.map((p) => {
      const name = p.replace(/^\.\//, '');
      const f = files.find((x) => x.name === dir + name) ?? files.find((x) => baseName(x.name) === baseName(name));
      if (!f) throw new ImportError('import.missingWeights', { name });
      return f;
    });
    const expected = group.weights.reduce((s, w) => s + specBytes(w), 0);
    const actual = shardFiles.reduce((s, f) => s + f.bytes.length, 0);
    if (actual !== expected) {
      throw new ImportError('import.weightsSize', {
        files: shardFiles.map((f) => baseName(f.name)),
        actual,
        expected,
        group: json.weightsManifest.length > 1 ? i + 1 : null,
      });
    }
    parts.push(...shardFiles.map((f) => f.bytes));
  });
  const total = parts.reduce((s, p) => s + p.length, 0);
  if (total > limits.weightsBytes) throw new ImportError('import.weightsTooLarge', { bytes: total, limit: limits.weightsBytes });
  const weights = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    weights.set(p, at);
    at += p.length;
  }
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const modelJson = JSON.stringify({ ...json, weightsManifest: [{ paths: ['./model.weights.bin'], weights: specs }] });
  return { files: { modelJson, weights: weights.buffer, weightsFileName: 'model.weights.bin' }, card: readCard(files, notes), notes, totalWeights: specs.length };
}

function bad<K extends EngineCode>(code: K, params: EngineCodes[K]): never {
  throw new ImportError(code, params);
}
