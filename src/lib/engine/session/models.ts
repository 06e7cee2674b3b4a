import * as tf from '../tf';
import type { Dataset } from '../data/dataset';
import { EngineError } from '../errors';
import { saveLayersModel, type LayersModelFiles } from '../export/layers-format';
import { checkModelFitsData, loadForDataset } from '../export/model-io';
import { buildModel, checkOutputFits, summarize } from '../models/build';
import { checkModelFits } from '../models/fit';
import { ModelSpecError, type ModelSpec, type ModelSummary } from '../models/spec';
import type { ModelCard } from '../runs/record';
import type { ModelOrigin, ModelState } from './snapshot';

interface Held {
  net: tf.Sequential;
  state: ModelState;
  /** The card an imported model came with (exported again with it). */
  importedCard: ModelCard | null;
}

/**
 * The session's models: the plan (the spec the next run builds, checked against the data) and the held
 * model (the weights that are evaluated, drawn and exported). Choosing a plan never replaces weights that were
 * trained, opened or imported; only a new run, an open or an import does. Tuning builds scratch copies.
 */
export class ModelSlot {
  plan: { spec: ModelSpec; summary: ModelSummary } | null = null;
  private held: Held | null = null;
  private version = 0;
  /** The held model's weights as files, taken whenever they settle: what a broken backend is restored from. */
  private lastGood: { files: LayersModelFiles; state: ModelState; importedCard: ModelCard | null } | null = null;

  get net(): tf.Sequential | undefined {
    return this.held?.net;
  }

  get state(): ModelState | null {
    return this.held?.state ?? null;
  }

  get importedCard(): ModelCard | null {
    return this.held?.importedCard ?? null;
  }

  require(): tf.Sequential {
    if (!this.held) throw new EngineError('session.noModel', {});
    return this.held.net;
  }

  requirePlan(): ModelSpec {
    if (!this.plan) throw new EngineError('session.noModel', {});
    return this.plan.spec;
  }

  /**
   * Checks `spec` against `dataset` and makes it the plan. The held model is replaced by the fresh build only
   * when it holds nothing a user made (no model yet, or an untrained one).
   */
  setPlan(spec: ModelSpec, dataset: Dataset, seed: number): ModelSummary {
    const fit = checkModelFits(spec.layers, dataset);
    if (fit.error) throw new ModelSpecError(fit.error.code, fit.error.params);
    const net = buildModel(spec, dataset.inputShape, seed);
    try {
      checkOutputFits(net, dataset.numClasses);
    } catch (err) {
      net.dispose();
      throw err;
    }
    const summary = summarize(net, dataset.inputShape);
    this.plan = { spec, summary };
    if (!this.held || this.held.state.origin === 'initial') this.hold(net, spec, 'initial', null);
    else net.dispose();
    return summary;
  }

  /** A fresh model of the plan from `seed` that the caller owns (tuning, measuring): the held one is untouched. */
  scratch(dataset: Dataset, seed: number): tf.Sequential {
    return buildModel(this.requirePlan(), dataset.inputShape, seed);
  }

  /** A new run starts: a fresh model of the plan replaces the held one. */
  startFresh(dataset: Dataset, seed: number, runId: string | null): tf.Sequential {
    const spec = this.requirePlan();
    return this.hold(buildModel(spec, dataset.inputShape, seed), spec, 'trained', runId).net;
  }

  /** The held weights go on training in a new run (an opened or imported model): they now belong to that run. */
  continueAs(runId: string | null): tf.Sequential {
    const held = this.held;
    if (!held) throw new EngineError('session.noModel', {});
    held.state = { ...held.state, version: ++this.version, origin: 'trained', runId };
    held.importedCard = null;
    return held.net;
  }

  /** Stored or imported weights become the held model (checked against the data). */
  async load(files: LayersModelFiles, dataset: Dataset, spec: ModelSpec, origin: ModelOrigin, runId: string | null, importedCard: ModelCard | null = null): Promise<ModelSummary> {
    const loaded = await loadForDataset(files, dataset);
    if (!(loaded instanceof tf.Sequential)) {
      loaded.dispose();
      throw new EngineError('session.notSequential', {});
    }
    const held = this.hold(loaded, spec, origin, runId);
    held.importedCard = importedCard;
    return held.state.summary;
  }

  /** New data: a plan or a held model that does not fit it is dropped (the page sends a plan that fits). */
  onDataset(dataset: Dataset): void {
    if (this.plan && checkModelFits(this.plan.spec.layers, dataset).error) this.plan = null;
    if (this.held) {
      try {
        checkModelFitsData(this.held.net, dataset);
      } catch {
        this.drop();
      }
    }
  }

  /** Keeps a copy of the held weights outside the backend (after a run, an open or an import). */
  async settle(): Promise<void> {
    const held = this.held;
    this.lastGood = held ? { files: await saveLayersModel(held.net), state: held.state, importedCard: held.importedCard } : null;
  }

  /** After a backend was rebuilt: the last settled weights come back (their tensors died with the old backend). */
  async restore(dataset: Dataset): Promise<ModelState | null> {
    this.held = null;
    const good = this.lastGood;
    if (!good) return null;
    const loaded = await loadForDataset(good.files, dataset);
    this.held = { net: loaded as tf.Sequential, state: { ...good.state }, importedCard: good.importedCard };
    return this.held.state;
  }

  /** Forgets the held model without disposing (its backend is gone), e.g. before a restore. */
  forgetBroken(): void {
    this.held = null;
  }

  async exportFiles(): Promise<LayersModelFiles> {
    return saveLayersModel(this.require());
  }

  private hold(net: tf.Sequential, spec: ModelSpec, origin: ModelOrigin, runId: string | null): Held {
    this.drop();
    const inputShape = (net.inputs[0].shape.slice(1) as number[]).map((d) => d ?? -1);
    this.held = { net, state: { version: ++this.version, spec, summary: summarize(net, inputShape), origin, runId }, importedCard: null };
    return this.held;
  }

  private drop(): void {
    this.held?.net.dispose();
    this.held = null;
  }
}
