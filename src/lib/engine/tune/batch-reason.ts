import type { EngineMessage } from '../errors';

/** The three ways the batch finder explains its pick (`decide` in batch-finder.ts). */
export type BatchReason = EngineMessage<'tune.chosenNoNoise'> | EngineMessage<'tune.chosenFastest'> | EngineMessage<'tune.chosenBelowNoise'>;

/**
 * The batch decision in English, for stored run records and exported files (model card, README) only: those
 * hold plain text today. The page words the code through i18n (`tune.chosen*` in en-engine.ts, which says
 * the same; a unit test keeps the two equal). Apart from the finder so that the page, which imports
 * auto.ts, does not load TF.js.
 */
export function batchReasonText(reason: BatchReason): string {
  switch (reason.code) {
    case 'tune.chosenNoNoise': {
      const p = reason.params;
      return `The gradient noise could not be estimated, so batch ${p.batch} was chosen for its throughput (${Math.round(p.samplesPerSec)} samples/s).`;
    }
    case 'tune.chosenFastest': {
      const p = reason.params;
      return `Batch ${p.batch} has the highest throughput (${Math.round(p.samplesPerSec)} samples/s) and is still small next to the gradient noise scale (${Math.round(p.noiseScale)}), so it reaches the target soonest.`;
    }
    case 'tune.chosenBelowNoise': {
      const p = reason.params;
      return `Batch ${p.fastest} would process more samples/s, but above the gradient noise scale (${Math.round(p.noiseScale)}) larger batches need proportionally more examples, so batch ${p.batch} reaches the target soonest.`;
    }
  }
}
