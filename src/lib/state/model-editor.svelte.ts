import type { Task } from '../engine/data/dataset';
import { checkModelFits, TASK_LOSSES, type DataShape } from '../engine/models/fit';
import { makePreset, outputLayer, presetFits, type PresetId } from '../engine/models/presets';
import type { ShapeReport } from '../engine/models/shapes';
import type { LayerSpec, LayerType } from '../engine/models/spec';
import { defaultLoss, type LossName } from '../engine/train/loss-names';
import { t } from '../i18n';
import { classicMlp, type ModelSpec } from '../engine/models/spec';
import { playgroundMlp } from '../engine/models/playground';
import { app } from './app.svelte';

/** A new layer of each type, with common settings. */
export function newLayer(type: LayerType): LayerSpec {
  switch (type) {
    case 'dense':
      return { type, units: 64, activation: 'relu' };
    case 'conv2d':
      return { type, filters: 16, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' };
    case 'maxPooling2d':
      return { type, poolSize: 2, strides: 2, padding: 'valid' };
    case 'dropout':
      return { type, rate: 0.25 };
    case 'flatten':
    case 'batchNormalization':
      return { type };
  }
}

/** Keeps a hand-made model usable on new data: Flatten only for images, and an output layer that fits the task. */
function adaptLayers(layers: LayerSpec[], data: DataShape): LayerSpec[] {
  let out = layers.map((l) => ({ ...l }));
  if (data.inputShape.length === 1) while (out[0]?.type === 'flatten') out = out.slice(1);
  else if (out[0]?.type === 'dense') out = [{ type: 'flatten' }, ...out];
  if (out.at(-1)?.type === 'dense') out[out.length - 1] = outputLayer(data.task, data.numClasses);
  return out;
}

const BUILD_DELAY_MS = 250;

/**
 * The layer editor's state: a preset or a hand-edited list of layers, checked in plain TypeScript on every
 * edit (shapes, parameters, fit to the data and loss). A model that fits is sent to the worker to build;
 * one that does not leaves the page without a model, so Train stays disabled, and names the layer.
 */
export class ModelEditorState {
  preset = $state<PresetId | 'custom'>('classicMlp');
  layers = $state<LayerSpec[]>(classicMlp().layers);
  loss = $state<LossName>('sparseCategoricalCrossentropy');
  private task: Task | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  get data(): DataShape | null {
    const ds = app.dataset;
    return ds ? { inputShape: ds.inputShape, task: ds.task, numClasses: ds.numClasses } : null;
  }

  /** Shapes and parameters per layer, and the first problem with this data, if any. */
  get report(): ShapeReport | null {
    const data = this.data;
    // Also refused: a model too large for the backend's memory at the batch size of the settings.
    const setup = { batchSize: app.settings.batchSize, backend: app.backend?.name, optimizer: app.settings.optimizer };
    return data ? checkModelFits(this.layers, data, this.loss, setup) : null;
  }

  get losses(): readonly LossName[] {
    return TASK_LOSSES[this.data?.task ?? 'classification'];
  }

  choosePreset(id: PresetId | 'custom'): Promise<void> {
    this.preset = id;
    const data = this.data;
    if (id !== 'custom' && data) this.layers = makePreset(id, data, t.editor.presets[id]).layers;
    return this.apply();
  }

  /** Shows a stored or imported model's layers, as a custom model (the plan of a next run). */
  showSpec(spec: ModelSpec): Promise<void> {
    this.preset = 'custom';
    this.layers = spec.layers.map((l) => ({ ...l }));
    return this.apply();
  }

  /**
   * New data (the data state calls this after every load): presets are rebuilt for it, a hand-made model is adapted,
   * and the loss follows the task. `playground`: 2-D data gets the playground's small network, as a custom model the
   * editor can change, in the same plan (the data never shows with an interim model that Train or a link could take).
   */
  onDataset(options: { playground?: boolean } = {}): Promise<void> {
    const data = this.data;
    if (!data) return Promise.resolve();
    if (data.task !== this.task) {
      this.task = data.task;
      this.setLoss(defaultLoss(data.task));
    }
    if (options.playground && data.inputShape.join() === '2') {
      this.preset = 'custom';
      this.layers = playgroundMlp(data.numClasses).layers;
    } else if (this.preset === 'custom') this.layers = adaptLayers(this.layers, data);
    else {
      if (!presetFits(this.preset, data)) this.preset = data.task === 'regression' ? 'linear' : 'classicMlp';
      this.layers = makePreset(this.preset, data, t.editor.presets[this.preset]).layers;
    }
    return this.apply();
  }

  setLoss(loss: LossName): void {
    this.loss = loss;
    app.settings.loss = loss;
  }

  /** After any edit of a layer's settings: the model becomes custom and is rebuilt shortly. */
  edited(): void {
    this.preset = 'custom';
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.apply(), BUILD_DELAY_MS);
  }

  /** Adds a layer before the output layer (or at the end of an empty model). */
  add(type: LayerType): void {
    const at = Math.max(0, this.layers.length - 1);
    this.layers.splice(at, 0, newLayer(type));
    this.edited();
  }

  remove(index: number): void {
    this.layers.splice(index, 1);
    this.edited();
  }

  move(index: number, by: -1 | 1): void {
    const to = index + by;
    if (to < 0 || to >= this.layers.length) return;
    const [layer] = this.layers.splice(index, 1);
    this.layers.splice(to, 0, layer);
    this.edited();
  }

  /**
   * Sends a model that fits to the worker as the plan of the next run; a model that does not fit clears the
   * plan there, so Train stays disabled until it is fixed. The worker's plan is what Train builds.
   */
  async apply(): Promise<void> {
    clearTimeout(this.timer);
    const report = this.report;
    if (!report) return;
    if (report.error) {
      await app.api.model.clearPlan();
      return;
    }
    const layers = $state.snapshot(this.layers) as LayerSpec[];
    const name = this.preset === 'custom' ? t.editor.custom : t.editor.presets[this.preset];
    const plan = app.session.plan;
    const sameInput = plan?.summary.inputShape.join() === this.data?.inputShape.join();
    if (plan && sameInput && plan.spec.name === name && JSON.stringify(layers) === JSON.stringify(plan.spec.layers)) return;
    await app.setPlan({ name, layers });
  }
}

export const editor = new ModelEditorState();
