import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, type BrowserContext, type Page } from '@playwright/test';

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

/** Collects every download of `page` into a temporary folder, by file name. */
export function collectDownloads(page: Page): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'descent-export-'));
  const downloads: Record<string, string> = {};
  page.on('download', async (d) => {
    const path = join(dir, d.suggestedFilename());
    await d.saveAs(path);
    downloads[d.suggestedFilename()] = path;
  });
  return downloads;
}

/**
 * Accuracy of exported model files on the whole MNIST test set, computed in a fresh page with stock TF.js
 * (no code of the app): the test files are the shipped ones, decompressed and scaled there.
 */
export async function stockAccuracy(context: BrowserContext, modelJson: string, weights: string): Promise<number> {
  const page = await context.newPage();
  const files: Record<string, { body: Buffer; type: string }> = {
    '/index.html': { body: Buffer.from('<!doctype html><script src="tf.min.js"></script>'), type: 'text/html' },
    '/tf.min.js': { body: readFileSync(STOCK_TFJS), type: 'text/javascript' },
    '/model.json': { body: readFileSync(modelJson), type: 'application/json' },
    '/model.weights.bin': { body: readFileSync(weights), type: 'application/octet-stream' },
    '/images.gz': { body: readFileSync(resolve(ROOT, 'public/data/mnist/t10k-images-idx3-ubyte.gz')), type: 'application/octet-stream' },
    '/labels.gz': { body: readFileSync(resolve(ROOT, 'public/data/mnist/t10k-labels-idx1-ubyte.gz')), type: 'application/octet-stream' },
  };
  await page.route('http://stock.test/**', (route) => {
    const file = files[new URL(route.request().url()).pathname];
    return file ? route.fulfill({ body: file.body, contentType: file.type }) : route.fulfill({ status: 404 });
  });
  await page.goto('http://stock.test/index.html');
  const accuracy = await page.evaluate(async () => {
    const tf = (window as unknown as { tf: typeof import('@tensorflow/tfjs') }).tf;
    const gunzip = async (url: string) => new Uint8Array(await new Response((await fetch(url)).body!.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
    const [images, labels] = await Promise.all([gunzip('/images.gz'), gunzip('/labels.gz')]);
    const model = await tf.loadLayersModel('http://stock.test/model.json');
    const n = 10000;
    let correct = 0;
    for (let start = 0; start < n; start += 1000) {
      const pixels = Float32Array.from(images.subarray(16 + start * 784, 16 + (start + 1000) * 784), (v) => v / 255);
      const pred = tf.tidy(() => (model.predict(tf.tensor(pixels, [1000, 28, 28, 1])) as import('@tensorflow/tfjs').Tensor).argMax(1));
      const classes = await pred.data();
      pred.dispose();
      for (let i = 0; i < 1000; i++) if (classes[i] === labels[8 + start + i]) correct++;
    }
    return correct / n;
  });
  await page.close();
  return accuracy;
}
