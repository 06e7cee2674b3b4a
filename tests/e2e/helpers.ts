import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, type Page } from '@playwright/test';

const ROOT = resolve(import.meta.dirname, '../..');

/** The first `n` MNIST test images, scaled to [0, 1], read from the shipped files (not from the app). */
export function mnistTestImages(n: number): number[][] {
  const raw = gunzipSync(readFileSync(resolve(ROOT, 'public/data/mnist/t10k-images-idx3-ubyte.gz')));
  const images: number[][] = [];
  for (let i = 0; i < n; i++) images.push(Array.from(raw.subarray(16 + i * 784, 16 + (i + 1) * 784), (v) => v / 255));
  return images;
}

export const STOCK_TFJS = resolve(ROOT, 'node_modules/@tensorflow/tfjs/dist/tf.min.js');

/** Opens the app and waits until the default dataset and model are ready to train. */
export async function openApp(page: Page): Promise<void> {
  await page.goto('./');
  await expect(page.getByTestId('total-params')).toHaveText('101,770', { timeout: 60_000 });
  await expect(page.getByTestId('backend-name')).toBeVisible();
  await expect(page.getByTestId('train')).toBeEnabled();
}

/** Sets a number field of the hyper-parameter form. */
export async function setField(page: Page, testId: string, value: number): Promise<void> {
  await page.getByTestId(testId).fill(String(value));
}
