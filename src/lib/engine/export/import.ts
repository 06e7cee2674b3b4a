/**
 * Reads a model the user brings back: an exported .zip, or model.json with its weight file(s). Validates
 * sizes, the JSON's shape and that the weights match the manifest, with a message that says what is wrong.
 * Pure (no TF.js): the worker loads the result with `loadLayersModelFromFiles`.
 */
import { unzipSync } from 'fflate';
import { isModelCard, type ModelCard } from '../runs/record';
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

export class ImportError extends Error {
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
  notes: string[];
  totalWeights: number;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
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
        if (++entries > limits.zipEntries) throw new ImportError(`${file.name} holds more than ${limits.zipEntries} files: it is not an exported model.`);
        total += f.originalSize;
        if (total > limits.weightsBytes) throw new ImportError(`${file.name} unpacks to more than ${mb(limits.weightsBytes)}, the most Descent imports.`);
        return !f.name.endsWith('/');
      },
    });
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw new ImportError(`${file.name} is not a readable zip archive (${(err as Error).message}).`);
  }
  return Object.entries(contents).map(([name, bytes]) => ({ name, bytes }));
}

function parseJson(file: UploadedFile, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(file.bytes));
  } catch (err) {
    throw new ImportError(`${file.name} is not valid JSON, so it cannot be ${what} (${(err as Error).message}).`);
  }
}

function checkSpec(spec: unknown, where: string): WeightSpec {
  const s = spec as Partial<WeightSpec> | null;
  if (!s || typeof s !== 'object' || typeof s.name !== 'string') throw new ImportError(`${where} has no name: the weights manifest is damaged.`);
  if (!Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ImportError(`${where} ('${s.name}'): its shape must be a list of non-negative integers, got ${JSON.stringify(s.shape)}.`);
  }
  if (!Number.isFinite(specBytes(s as WeightSpec))) {
    throw new ImportError(`${where} ('${s.name}'): dtype '${s.quantization?.dtype ?? s.dtype}' is not supported (float32, int32, bool; quantised uint8, uint16, float16).`);
  }
  const q = s.quantization;
  if (q && q.dtype !== 'float16' && !(Number.isFinite(q.scale) && Number.isFinite(q.min))) {
    throw new ImportError(`${where} ('${s.name}'): ${q.dtype} quantisation needs numeric scale and min.`);
  }
  return s as WeightSpec;
}

/** Checks that `json` is a TF.js layers model and returns its manifest. */
export function checkModelJson(json: unknown, fileName: string): ModelJson {
  const j = json as Partial<ModelJson> & { format?: string };
  if (isModelCard(json)) throw new ImportError(`${fileName} is a Descent model card, not a model: choose model.json and its weights file(s), or the whole .zip.`);
  if (!j || typeof j !== 'object' || Array.isArray(j)) throw new ImportError(`${fileName} is not a TF.js model: it holds ${Array.isArray(j) ? 'a list' : typeof j}, not an object with modelTopology and weightsManifest.`);
  if (j.format === 'graph-model') throw new ImportError(`${fileName} is a TF.js graph model (converted from a SavedModel): only layers models can be evaluated and trained here.`);
  if (!j.modelTopology || !j.weightsManifest) {
    const keys = Object.keys(j).slice(0, 5).join(', ') || 'nothing';
    throw new ImportError(`${fileName} is not a TF.js layers model: it has no ${!j.modelTopology ? 'modelTopology' : 'weightsManifest'} (it holds ${keys}).`);
  }
  const topology = j.modelTopology as { class_name?: unknown; model_config?: { class_name?: unknown } };
  if (typeof topology !== 'object' || (typeof topology.class_name !== 'string' && typeof topology.model_config?.class_name !== 'string')) {
    throw new ImportError(`${fileName}: modelTopology has no class_name, so it does not describe a Keras/TF.js layers model.`);
  }
  if (!Array.isArray(j.weightsManifest) || j.weightsManifest.length === 0) throw new ImportError(`${fileName}: weightsManifest must be a non-empty list of weight groups.`);
  j.weightsManifest.forEach((g, i) => {
    if (!g || !Array.isArray(g.paths) || !g.paths.every((p) => typeof p === 'string') || !Array.isArray(g.weights)) {
      throw new ImportError(`${fileName}: weight group ${i + 1} of the manifest needs a list of paths and a list of weights.`);
    }
    g.weights.forEach((w, k) => checkSpec(w, `${fileName}: weight ${k + 1} of group ${i + 1}`));
  });
  return j as ModelJson;
}

function findModelJson(files: UploadedFile[]): UploadedFile {
  const named = files.filter((f) => baseName(f.name) === 'model.json');
  if (named.length > 1) throw new ImportError(`Found ${named.length} files named model.json: import one model at a time.`);
  if (named.length === 1) return named[0];
  const json = files.filter((f) => f.name.endsWith('.json') && baseName(f.name) !== 'model-card.json');
  if (json.length === 1) return json[0];
  throw new ImportError(`No model.json among ${files.map((f) => baseName(f.name)).join(', ') || 'the chosen files'}: choose the exported .zip, or model.json with its weights file(s).`);
}

function readCard(files: UploadedFile[], notes: string[]): ModelCard | null {
  const file = files.find((f) => baseName(f.name) === 'model-card.json');
  if (!file) return null;
  try {
    const card = parseJson(file, 'read as a model card');
    if (isModelCard(card)) return card;
    notes.push('model-card.json is not a Descent model card; it was ignored.');
  } catch (err) {
    notes.push(`${(err as Error).message} It was ignored.`);
  }
  return null;
}

/** Validates the chosen files and returns one model (weights joined in manifest order) and its card, if any. */
export function readModelUpload(uploaded: UploadedFile[], limits = IMPORT_LIMITS): ImportedModel {
  if (uploaded.length === 0) throw new ImportError('Choose a model: the exported .zip, or model.json with its weights file(s).');
  for (const f of uploaded) {
    if (f.bytes.length > limits.fileBytes) throw new ImportError(`${f.name} is ${mb(f.bytes.length)}; the largest file Descent imports is ${mb(limits.fileBytes)}.`);
  }
  const files = uploaded.flatMap((f) => (isZip(f.bytes) ? unzip(f, limits) : f.name.toLowerCase().endsWith('.zip') ? bad(`${f.name} is not a zip archive (it does not start like one).`) : [f]));
  const modelFile = findModelJson(files);
  if (modelFile.bytes.length > limits.modelJsonBytes) throw new ImportError(`${modelFile.name} is ${mb(modelFile.bytes.length)}: too large for a model description (the limit is ${mb(limits.modelJsonBytes)}).`);
  const json = checkModelJson(parseJson(modelFile, 'read as a model'), baseName(modelFile.name));
  const dir = dirName(modelFile.name);
  const notes: string[] = [];
  const parts: Uint8Array[] = [];
  json.weightsManifest.forEach((group, i) => {
    const shardFiles = group.paths.map((p) => {
      const name = p.replace(/^\.\//, '');
      const f = files.find((x) => x.name === dir + name) ?? files.find((x) => baseName(x.name) === baseName(name));
      if (!f) throw new ImportError(`model.json needs the weights file '${name}', which is not among the chosen files.`);
      return f;
    });
    const expected = group.weights.reduce((s, w) => s + specBytes(w), 0);
    const actual = shardFiles.reduce((s, f) => s + f.bytes.length, 0);
    if (actual !== expected) {
      throw new ImportError(
        `The weights file${shardFiles.length > 1 ? 's' : ''} ${shardFiles.map((f) => baseName(f.name)).join(', ')} hold${shardFiles.length > 1 ? '' : 's'} ${actual.toLocaleString('en')} bytes, but model.json describes ${expected.toLocaleString('en')} bytes of weights${json.weightsManifest.length > 1 ? ` in group ${i + 1}` : ''}: the files are truncated, or belong to another model.`,
      );
    }
    parts.push(...shardFiles.map((f) => f.bytes));
  });
  const total = parts.reduce((s, p) => s + p.length, 0);
  if (total > limits.weightsBytes) throw new ImportError(`The weights take ${mb(total)}; the most Descent imports is ${mb(limits.weightsBytes)}.`);
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

function bad(message: string): never {
  throw new ImportError(message);
}
