/**
 * train_torch.py of an exported bundle: continues training the model in PyTorch (one process, or
 * DistributedDataParallel under torchrun) from the exported weights, on the same data with the same
 * preprocessing and hyper-parameters, and writes the result back as a TF.js layers model Descent imports.
 * The script is a readable template (assets/train_torch.py) filled with the card's constants and the
 * shared data code; nothing from the card is code.
 */
import type { ModelCard } from '../runs/record';
import torchPy from './assets/train_torch.py?raw';
import { fillTemplate } from './escape';
import { commonPy, renderCardConstants } from './python-card';

/** The whole train_torch.py for a card (Python 3.9+, PyTorch 1.13 or 2.x, numpy; Pillow for image folders). */
export function renderTrainTorchPy(card: ModelCard): string {
  return fillTemplate(torchPy, { CONSTANTS: renderCardConstants(card), COMMON: commonPy.trimEnd() });
}
