import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { openApp, setField } from './helpers';

const FIXTURES = resolve(import.meta.dirname, '../fixtures');

/**
 * Latin words that may stay in a Chinese page: names of products, formats, algorithms and units, which
 * Chinese texts write in Latin letters too, and words of the user's data (dataset, column and file names).
 */
const ALLOWED = new Set(
  [
    'Descent', 'MNIST', 'Fashion', 'TF', 'js', 'TensorFlow', 'PyTorch', 'torchrun', 'Keras', 'Python', 'ReLU', 'Adam', 'SGD', 'RMSprop', 'Nesterov',
    'CSV', 'TSV', 'JSON', 'ZIP', 'zip', 'PNG', 'JPEG', 'WebGPU', 'WebGL', 'WebAssembly', 'WASM', 'SIMD', 'CPU', 'GPU', 'JavaScript', 'SwiftShader',
    'GB', 'MB', 'kB', 'KB', 'ms', 'UTF', 'GBK', 'GB18030', 'BOM', 'softmax', 'sigmoid', 'tanh', 'linear', 'one', 'hot', 'cycle', 'epoch', 'batch',
    'Iris', 'Wine', 'Breast', 'Cancer', 'Wisconsin', 'Diabetes', 'Digits', 'UCI', 'LeCun', 'Cortes', 'Burges', 'Zalando', 'Xiao', 'Rasul', 'Vollgraf', 'CC', 'BY', 'SA', 'MIT',
    'Rosenbrock', 'Beale', 'Himmelblau', 'Rastrigin', 'Booth', 'Matyas', 'Ackley', 'Goldstein', 'Price', 'Styblinski', 'Tang', 'Three', 'hump', 'camel',
    'setosa', 'versicolor', 'virginica', 'Chromium', 'HeadlessChrome', 'Chrome', 'IndexedDB', 'HTML', 'README', 'md', 'json', 'bin', 'py', 'train', 'torch', 'predict', 'index', 'html', 'demo', 'metadata', 'model', 'card', 'tf', 'min', 'LICENSE', 'tfjs', 'txt', 'group1', 'shard1of1',
    'Space', 'Enter', 'Esc', 'Apache', 'torchrun', 'japan', 'Windows', 'ES', 'layers', 'XOR', 'MLP', 'CNN', 'LeNet', 'Dense', 'Dropout', 'Flatten', 'Conv', 'MaxPooling', 'BatchNormalization', 'elu', 'selu', 'Li', 'R²', 'MSE', 'MAE', 'NaN', 'Inf', 'float32', 'float16', 'uint8', 'x1', 'x2', 'sha256', 'SHA',
  ].map((w) => w.toLowerCase()),
);

/** Latin words of the visible text (and of labels that are only heard) that are not allowed; `data`: words of the user's names. */
async function untranslated(page: Page, data: string[] = []): Promise<string[]> {
  // Visible text and the labels that are only heard; citations and names marked as English (lang="en") are data.
  const text = await page.evaluate(() => {
    const english = (el: Element | null) => !!el?.closest('[lang]:not([lang^="zh"])');
    const parts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || english(el) || el.closest('script,style') || !el.checkVisibility({ visibilityProperty: true } as CheckVisibilityOptions)) continue;
      parts.push(node.textContent ?? '');
    }
    // The choices of visible selects, which are not rendered until opened.
    for (const option of document.querySelectorAll('select option')) {
      if (!english(option) && option.parentElement?.closest('select')?.checkVisibility()) parts.push(option.textContent ?? '');
    }
    for (const el of document.querySelectorAll('[aria-label],[title],[placeholder]')) {
      if (!english(el)) parts.push(['aria-label', 'title', 'placeholder'].map((a) => el.getAttribute(a) ?? '').join(' '));
    }
    return parts.join('\n');
  });
  const words = text.match(/[A-Za-z][A-Za-z'’]+/g) ?? [];
  const allowed = new Set([...ALLOWED, ...data.flatMap((d) => d.match(/[A-Za-z][A-Za-z'’]+/g) ?? []).map((w) => w.toLowerCase())]);
  return [...new Set(words.filter((w) => !allowed.has(w.toLowerCase())))];
}

async function expectChinese(page: Page, view: string, shots: string[], outputPath: (name: string) => string): Promise<void> {
  const path = outputPath(`zh-${view}.png`);
  await page.screenshot({ path, fullPage: true });
  shots.push(path);
  expect(await untranslated(page), `English words in the ${view} view`).toEqual([]);
}

test.use({ locale: 'zh-CN' });

test('a first visit from a Chinese browser shows every view in Chinese; switching language keeps the run and the form', async ({ page }, info) => {
  test.setTimeout(300_000);
  const shots: string[] = [];
  const out = (name: string) => info.outputPath(name);
  await openApp(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByTestId('language')).toHaveValue('zh-CN');
  await expectChinese(page, 'train-ready', shots, out);

  // A term's explanation, by keyboard: Tab to its "?", Enter opens it, Escape closes it.
  const help = page.getByTestId('term-help').and(page.locator('[data-term="batchSize"]'));
  await help.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('term-tip')).toContainText('批大小');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('term-tip')).toHaveCount(0);

  // Train one short epoch of MNIST: the Training card, results, evaluation, health.
  await setField(page, 'epochs', 1);
  await setField(page, 'batch-size', 512);
  await page.getByTestId('train').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('test-accuracy')).toBeVisible({ timeout: 60_000 });
  await expectChinese(page, 'train-done', shots, out);

  // Auto-tuning: the learning-rate range test.
  await page.getByTestId('find-lr').click();
  await expect(page.getByTestId('lr-rule')).toBeVisible({ timeout: 120_000 });
  await expectChinese(page, 'tuned', shots, out);

  // The export dialog.
  await page.getByTestId('export-bundle').click();
  await expect(page.getByTestId('export-dialog')).toBeVisible();
  await expectChinese(page, 'export', shots, out);
  await page.keyboard.press('Escape');

  // Switch to English and back: the run, its accuracy and the form stay.
  const accuracy = await page.getByTestId('test-accuracy').getAttribute('data-value');
  await page.getByTestId('language').selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('train')).toHaveText('Train');
  await expect(page.getByTestId('test-accuracy')).toHaveAttribute('data-value', accuracy!);
  await expect(page.getByTestId('epochs')).toHaveValue('1');
  await expect(page.getByTestId('batch-size')).toHaveValue('512');
  await expect(page.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(1);
  await page.getByTestId('language').selectOption('zh-CN');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByTestId('test-accuracy')).toHaveAttribute('data-value', accuracy!);

  // Remembered in this browser: a reload stays in Chinese even though English was chosen once.
  // Runs view.
  await page.getByTestId('nav-runs').click();
  await expect(page.getByTestId('run-row').first()).toBeVisible();
  await expectChinese(page, 'runs', shots, out);

  // Lab: a few steps, the θ panel.
  await page.getByTestId('nav-lab').click();
  await page.getByTestId('lab-step').click();
  await page.getByTestId('lab-step').click();
  await expect(page.getByTestId('lab-step-count')).toHaveAttribute('data-value', '2');
  await expectChinese(page, 'lab', shots, out);

  // 2-D data: the decision boundary.
  await page.getByTestId('nav-train').click();
  await page.getByTestId('synthetic-kind').selectOption('spiral');
  await page.getByTestId('synthetic-size').fill('300');
  await page.getByTestId('synthetic-load').click();
  await expect(page.getByTestId('train')).toBeEnabled({ timeout: 30_000 });
  await setField(page, 'epochs', 2);
  await setField(page, 'batch-size', 32);
  await page.getByTestId('train').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('test-accuracy')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('landscape-compute').click();
  await expect(page.getByTestId('landscape-done')).toBeVisible({ timeout: 60_000 });
  await expectChinese(page, 'boundary-landscape', shots, out);

  // An error in words: a file in an encoding that cannot be read.
  await page.getByTestId('dataset-picker').selectOption('own-csv');
  await page.getByTestId('csv-file').setInputFiles({ name: 'japan.csv', mimeType: 'text/csv', buffer: readFileSync(resolve(FIXTURES, 'shift-jis.csv')) });
  await expect(page.getByTestId('notice-error').or(page.getByRole('alert')).first()).toContainText('UTF-8');
  await expectChinese(page, 'error', shots, out);

  // The reload: still Chinese.
  await page.reload();
  await expect(page.getByTestId('language')).toHaveValue('zh-CN');
  console.log(`screenshots:\n${shots.join('\n')}`);
});

test('a GBK CSV with Chinese headers and categories uploads with the right names, trains, and its bundle shows them', async ({ page, context }, info) => {
  test.setTimeout(180_000);
  await openApp(page);
  await page.getByTestId('dataset-picker').selectOption('own-csv');
  await page.getByTestId('csv-file').setInputFiles({ name: '鸢尾.csv', mimeType: 'text/csv', buffer: readFileSync(resolve(FIXTURES, 'chinese-gbk.csv')) });
  await expect(page.getByTestId('csv-encoding')).toHaveAttribute('data-encoding', 'gb18030');
  await expect(page.getByTestId('csv-encoding')).toContainText('GBK');
  await expect(page.getByTestId('csv-target').locator('option:checked')).toHaveText('品种');
  await expect(page.getByTestId('csv-kind-3')).toHaveValue('categorical');
  await page.getByTestId('csv-missing').selectOption('fill');
  await page.getByTestId('csv-apply').click();
  await expect(page.getByTestId('column-stats')).toContainText('花萼长度');
  await expect(page.getByTestId('class-histogram')).toContainText('维吉尼亚鸢尾');
  await setField(page, 'epochs', 10);
  await setField(page, 'batch-size', 16);
  await page.getByTestId('train').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  await expect(page.getByTestId('test-accuracy')).toBeVisible({ timeout: 60_000 });

  /** The files of the bundle the export dialog downloads, by name inside its folder. */
  async function exportZip(): Promise<Map<string, Uint8Array>> {
    await page.getByTestId('export-bundle').click();
    const download = page.waitForEvent('download');
    await page.getByTestId('download-zip').click();
    const zip = unzipSync(new Uint8Array(readFileSync(await (await download).path())));
    await page.keyboard.press('Escape');
    const folder = Object.keys(zip)[0].split('/')[0];
    return new Map(Object.entries(zip).map(([name, bytes]) => [name.slice(folder.length + 1), bytes]));
  }
  const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes!).toString('utf8');
  const files = await exportZip();
  // The bundle in the page's language: the README under the run's Chinese name, the card's words, the page's texts.
  const card = JSON.parse(text(files.get('model-card.json'))) as { name: string; language: string; model: { name: string }; dataset: { name: string; source: string; preprocessing: { description: string } } };
  expect(card.name).toMatch(/批大小 16 · 10 轮/);
  expect(card.language).toBe('zh-CN');
  expect(card.dataset.preprocessing.description).toContain('独热编码');
  const readme = text(files.get('README.md'));
  expect(readme.startsWith(`# ${card.name.replace(/[\\`*_{}[\]()<>#|!~&]/g, (c) => `\\${c}`)}\n`)).toBe(true);
  for (const words of ['## 使用方法', '| 学习率 | ', '| 批大小 | 16 |', '## 超参数', '标准化']) expect(readme).toContain(words);
  expect(readme).not.toContain('## Use it');
  const types: Record<string, string> = { html: 'text/html', js: 'text/javascript', json: 'application/json', bin: 'application/octet-stream', md: 'text/markdown', py: 'text/x-python', txt: 'text/plain' };
  await context.route('http://bundle.test/**', (route) => {
    const name = decodeURIComponent(new URL(route.request().url()).pathname.replace(/^\/iris\//, '')) || 'index.html';
    const body = files.get(name);
    if (!body) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, body: Buffer.from(body), contentType: `${types[name.split('.').pop()!] ?? 'application/octet-stream'}; charset=utf-8` });
  });
  const bundlePage = await context.newPage();
  const dialogs: string[] = [];
  bundlePage.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await bundlePage.goto('http://bundle.test/iris/index.html');
  const form = bundlePage.locator('form');
  for (const name of ['花萼长度', '花萼宽度', '花瓣长度', '颜色']) await expect(form).toContainText(name, { timeout: 30_000 });
  await expect(bundlePage.locator('select option', { hasText: '紫色' })).toHaveCount(1);
  // The demo page in Chinese: its language, every visible word but names; an error worded from predict.js's code.
  await expect(bundlePage.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(bundlePage.locator('#about')).toContainText('测试准确率');
  const numeric = bundlePage.locator('form input').first();
  await numeric.fill('abc');
  await bundlePage.getByRole('button', { name: '预测' }).click();
  await expect(bundlePage.locator('#error')).toContainText('需要一个数字，而不是“abc”');
  await bundlePage.screenshot({ path: info.outputPath('zh-bundle-demo.png'), fullPage: true });
  const names = [card.name, card.model.name, card.dataset.name, card.dataset.source, 'abc'];
  expect(await untranslated(bundlePage, names), 'English words in the exported demo page').toEqual([]);
  expect(dialogs).toEqual([]);
  await bundlePage.close();

  // The same run exported from the page in English: README, card and demo page in English.
  await page.getByTestId('language').selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  const english = await exportZip();
  const enReadme = text(english.get('README.md'));
  expect(enReadme.split('\n')[0]).toBe(readme.split('\n')[0]);
  for (const words of ['## Use it', '| Learning rate | ', '| Batch size | 16 |', '## Hyper-parameters', 'standardised']) expect(enReadme).toContain(words);
  expect(enReadme).not.toContain('## 使用方法');
  expect(JSON.parse(text(english.get('model-card.json'))).language).toBe('en');
  const enHtml = text(english.get('index.html'));
  expect(enHtml).toContain('<html lang="en">');
  expect(enHtml).toContain('Loading the model…');
  expect(enHtml).not.toContain('正在加载模型');
});
