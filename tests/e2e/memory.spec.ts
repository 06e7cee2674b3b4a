import { expect, test, type Page } from '@playwright/test';
import { estimateTrainingMemory } from '../../src/lib/engine/models/memory';
import { makePreset } from '../../src/lib/engine/models/presets';
import { inferShapes } from '../../src/lib/engine/models/shapes';
import type { LayerSpec } from '../../src/lib/engine/models/spec';
import { openApp, setField } from './helpers';

const MNIST = { inputShape: [28, 28, 1], task: 'classification' as const, numClasses: 10 };

/** Trains the current model for one epoch and expects it to finish with ≥ 90% test accuracy. */
async function trainOneEpoch(page: Page): Promise<void> {
  await setField(page, 'epochs', 1);
  await expect(page.getByTestId('train')).toBeEnabled();
  await page.getByTestId('train').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'training');
  const accuracy = page.getByTestId('test-accuracy');
  await expect(accuracy).toBeVisible({ timeout: 200_000 });
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done');
  expect(Number(await accuracy.getAttribute('data-value'))).toBeGreaterThanOrEqual(0.9);
}

test('LeNet with 100,000 filters in the first Conv2D is refused with its memory estimate, and the classic MLP then trains without a reload', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openApp(page);
  const backend = await page.getByTestId('backend-name').getAttribute('data-backend');

  await page.getByTestId('model-preset').selectOption('lenet');
  await expect(page.getByTestId('layer-0-filters')).toHaveValue('6');
  await page.getByTestId('layer-0-filters').fill('100000');

  // The estimate the page should state, from the same shapes (batch 32, Adam: the default settings).
  const lenet = makePreset('lenet', MNIST, 'lenet').layers;
  const wide = [{ ...lenet[0], filters: 100_000 } as LayerSpec, ...lenet.slice(1)];
  const bytes = estimateTrainingMemory(wide, inferShapes(wide, MNIST.inputShape).layers, MNIST.inputShape, 32, 'adam').total;
  const gb = `${+(bytes / 1024 ** 3).toFixed(1)} GB`;
  const problem = page.getByTestId('model-error');
  await expect(problem).toContainText(`The model needs about ${gb} of memory to train at batch 32`);
  await expect(problem).toContainText(backend === 'wasm' ? 'this engine (WebAssembly) can give about 2 GB' : 'can give about 1 GB');
  // Refused before anything reaches the worker: no model to train.
  await expect(page.getByTestId('train')).toBeDisabled();
  await expect(page.getByTestId('inferred-total')).toHaveText('—');

  // The check follows the batch size: 200 filters fit at batch 32 (about 0.3 GB), not at 512 (about 4.8 GB).
  await page.getByTestId('layer-0-filters').fill('200');
  await expect(problem).toBeHidden();
  await expect(page.getByTestId('train')).toBeEnabled();
  await setField(page, 'batch-size', 512);
  await expect(problem).toContainText('to train at batch 512');
  await expect(page.getByTestId('train')).toBeDisabled();
  await setField(page, 'batch-size', 32);
  await expect(problem).toBeHidden();
  await expect(page.getByTestId('train')).toBeEnabled();

  await page.getByTestId('model-preset').selectOption('classicMlp');
  await expect(problem).toBeHidden();
  await expect(page.getByTestId('total-params')).toHaveText('101,770');
  await trainOneEpoch(page);
  await expect(page.getByTestId('train-error')).toHaveCount(0);
  expect(errors).toEqual([]);
});

/**
 * Calls `testHooks.breakBackend` of the trainer worker's API through the worker's own message protocol
 * (comlink), as the page would, and returns comlink's reply. The reply is taken before it reaches the page,
 * which never asked for it.
 */
async function breakTrainerBackend(page: Page): Promise<{ thrown: boolean; message: string }> {
  const trainer = page.workers().find((w) => w.url().includes('trainer.worker'));
  if (!trainer) throw new Error(`no trainer worker among ${page.workers().map((w) => w.url()).join(', ')}`);
  return trainer.evaluate(async () => {
    const scope = self as unknown as { postMessage(message: unknown, transfer?: Transferable[]): void };
    const id = 'e2e-break-backend';
    const send = scope.postMessage.bind(scope);
    const reply = new Promise<{ type: string; name?: string; value?: unknown }>((resolve) => {
      scope.postMessage = (message, transfer) => {
        const m = message as { id?: string; type: string; name?: string; value?: unknown };
        if (m?.id !== id) return send(message, transfer);
        scope.postMessage = send;
        resolve(m);
      };
    });
    self.dispatchEvent(new MessageEvent('message', { data: { id, type: 'APPLY', path: ['testHooks', 'breakBackend'], argumentList: [] } }));
    const m = await reply;
    const thrown = m.type === 'HANDLER' && m.name === 'throw';
    const value = thrown ? (m.value as { value?: { message?: string } }).value : m.value;
    return { thrown, message: String((value as { message?: string } | undefined)?.message ?? JSON.stringify(value)) };
  });
}

test('a backend broken by a real failed allocation is rebuilt: the classic MLP trains without a reload', async ({ page }) => {
  await openApp(page);
  const backend = await page.getByTestId('backend-name').getAttribute('data-backend');
  test.skip(backend !== 'wasm', `the heap overflow needs the WASM backend (got ${backend})`);

  const broken = await breakTrainerBackend(page);
  // The worker reports the failure as an allocation failure, after it rebuilt the backend.
  expect(broken.thrown).toBe(true);
  expect(broken.message).toContain('session.allocationFailed');
  expect(broken.message).toMatch(/out of bounds/);

  await trainOneEpoch(page);
  await expect(page.getByTestId('train-error')).toHaveCount(0);
});
