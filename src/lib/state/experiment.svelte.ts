import { untrack } from 'svelte';
import { CATALOG } from '../engine/data/catalog';
import { defaultClasses } from '../engine/data/synthetic';
import { defaultLoss } from '../engine/train/loss-names';
import { t, withLanguage } from '../i18n';
import { app } from './app.svelte';
import { data } from './data.svelte';
import { decodeExperiment, encodeExperiment, isExperimentLink, type Experiment } from './experiment-link';
import { editor } from './model-editor.svelte';
import { router } from './router.svelte';

/** The experiment on screen: the data, the model, the loss and the settings (null for the user's own files). */
export function currentExperiment(): Experiment | null {
  const entry = CATALOG.find((e) => e.id === data.choice);
  if (!entry) return null;
  const { tuning: _tuning, ...config } = $state.snapshot(app.settings);
  const g = $state.snapshot(data.generator);
  const task = app.dataset?.task;
  return {
    data: entry.id,
    generator: entry.kind === 'generator' ? { kind: entry.synth, count: g.count, noise: g.noise, seed: g.seed, classes: g.classes } : undefined,
    model: editor.preset === 'custom' ? { layers: $state.snapshot(editor.layers) } : { preset: editor.preset },
    loss: task && editor.loss !== defaultLoss(task) ? editor.loss : undefined,
    config,
  };
}

/** The address of the experiment on screen, in the page's language, or null when it cannot be linked. */
export function experimentHref(): string | null {
  const e = currentExperiment();
  if (!e) return null;
  const url = new URL(window.location.href);
  url.hash = `#/train?${encodeExperiment(e)}`;
  return withLanguage(url.toString());
}

/**
 * Opens the experiment of a `#/train?data=…` link: the forms take its values before the engine starts, so the
 * first load is already the link's data and model (a loss other than the task's default is set once the data is
 * there). Bad values are named in notices and keep their defaults.
 */
function openFromLink(params: URLSearchParams): void {
  const defaults = currentExperiment();
  if (!defaults) return;
  const { experiment: e, errors } = decodeExperiment(params, defaults);
  data.choice = e.data;
  if (e.generator) Object.assign(data.generator, { ...e.generator, classes: e.generator.classes ?? defaultClasses(e.generator.kind) });
  const { schedule, earlyStopping, ...config } = e.config;
  Object.assign(app.settings, config);
  if (schedule) app.settings.schedule = schedule;
  else delete app.settings.schedule;
  if (earlyStopping) app.settings.earlyStopping = earlyStopping;
  else delete app.settings.earlyStopping;
  if ('preset' in e.model) editor.preset = e.model.preset;
  else {
    editor.preset = 'custom';
    editor.layers = e.model.layers;
  }
  for (const err of errors) app.notify('warning', () => t.lab.link.bad(err.param, err.value));
  app.notify('info', () => t.classroom.experimentOpened);
  if (e.loss) setLossWhenLoaded(e.loss);
}

/** The editor sets the task's default loss on the first data; a link's own loss follows once the plan is there. */
function setLossWhenLoaded(loss: NonNullable<Experiment['loss']>): void {
  const stop = $effect.root(() => {
    $effect(() => {
      if (!app.dataset || !app.model) return;
      untrack(() => {
        editor.setLoss(loss);
        void editor.apply();
        stop();
      });
    });
  });
}

if (typeof window !== 'undefined' && router.view === 'train' && isExperimentLink(router.params)) openFromLink(router.params);
