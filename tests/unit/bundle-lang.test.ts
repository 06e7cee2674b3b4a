/**
 * The export bundle in the page's language (issue 13): README.md, the card's words and the demo page in
 * English or Simplified Chinese from the same card; machine fields the same in both, so predict.js and
 * import read either; names from the data escaped in both.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { strFromU8, strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { rowToInput } from '../../src/lib/engine/export/assets/predict.js';
import { bundleFiles, localizeCard } from '../../src/lib/engine/export/bundle';
import { checkModelCard } from '../../src/lib/engine/export/card-schema';
import { htmlText, mdText } from '../../src/lib/engine/export/escape';
import { readModelUpload } from '../../src/lib/engine/export/import';
import type { LayersModelFiles } from '../../src/lib/engine/export/layers-format';
import type { ModelCard } from '../../src/lib/engine/runs/record';
import { enBundle, type BundleTexts } from '../../src/lib/i18n/en-bundle';
import { zhBundle } from '../../src/lib/i18n/zh-bundle';

const MODEL_JSON = {
  format: 'layers-model',
  modelTopology: { class_name: 'Sequential', config: { name: 'm', layers: [] } },
  weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'dense_1/kernel', shape: [2, 2], dtype: 'float32' }] }],
};
const MODEL: LayersModelFiles = { modelJson: JSON.stringify(MODEL_JSON), weights: new Float32Array(4).buffer, weightsFileName: 'weights.bin' };

/** A table model on Chinese column names, tuned by Auto, quantised: every section of the README has words. */
function card(names = { height: '花萼长度', colour: '颜色', target: '品种', model: '鸢尾分类器', dataset: '鸢尾' }): ModelCard {
  return {
    format: 'descent-model-card',
    version: 1,
    name: names.model,
    createdAt: '2026-01-01T00:00:00.000Z',
    runId: 'run-1',
    dataset: {
      id: 'csv:iris',
      name: names.dataset,
      source: 'iris.csv',
      task: 'classification',
      inputShape: [4],
      inputKind: 'tabular',
      numClasses: 2,
      classNames: ['山鸢尾', '维吉尼亚鸢尾'],
      featureNames: [names.height, names.colour],
      trainCount: 120,
      testCount: 30,
      checksum: { algorithm: 'SHA-256', value: 'a'.repeat(64), of: 'files', files: [{ name: 'iris.csv', sha256: 'b'.repeat(64) }] },
      preprocessing: {
        scale: 1,
        description: 'numeric columns are standardised (recorded in English)',
        columns: [
          { column: names.height, kind: 'numeric', mean: 5.8, std: 0.8 },
          { column: names.colour, kind: 'categorical', categories: ['紫色', '白色', '蓝色'], fill: '紫色' },
        ],
        missing: 'fill',
        missingValues: ['', 'na'],
        header: [names.height, names.colour, names.target],
        target: { column: names.target, kind: 'classes', classes: ['山鸢尾', '维吉尼亚鸢尾'] },
      },
    },
    model: { name: 'MLP', layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] },
    totalParams: 58,
    hyperParameters: {
      optimizer: 'adam',
      learningRate: 0.003,
      batchSize: 32,
      epochs: 5,
      validationSplit: 0.1,
      seed: 42,
      earlyStopping: { patience: 3, restoreBest: true },
      tuning: {
        batch: { chosen: 32, noiseScale: 400, reason: 'Batch 32 has the highest throughput', rows: [{ batchSize: 16, samplesPerSec: 900 }, { batchSize: 32, samplesPerSec: 1500 }] },
        learningRate: { rule: 'valley', value: 0.003, valley: 0.003, steepest: 0.01 },
        schedule: 'one-cycle',
        tunerSeconds: 2.5,
      },
    },
    tuner: [
      { parameter: 'batchSize', value: 32, reason: 'Batch 32 has the highest throughput' },
      { parameter: 'learningRate', value: 0.003, reason: 'range test, valley rule (valley 0.0030, steepest 0.010)' },
      { parameter: 'schedule', value: 'one-cycle', reason: 'one-cycle: warm-up to the peak over 25% of the steps, cosine down to peak/1e4' },
      { parameter: 'tunerSeconds', value: 2.5, reason: 'time spent tuning, before training' },
    ],
    metrics: { epochs: 5, steps: 20, trainLoss: 0.5, trainAccuracy: 0.8, valLoss: 0.6, valAccuracy: 0.7, testLoss: 0.6, testAccuracy: 0.75, bestEpoch: 4, seconds: 1.5 },
    weights: { epoch: 5, kind: 'last' },
    quantization: { dtype: 'float16', bytesBefore: 1000, bytesAfter: 500, testAccuracyBefore: 0.75, testAccuracyAfter: 0.74, testLossBefore: 0.6, testLossAfter: 0.61, testCount: 30 },
    backend: 'wasm',
    tfjsVersion: '4.22.0',
    seed: 42,
    generator: 'Descent 0.1.0',
  };
}

function bundle(c: ModelCard, texts: BundleTexts): Record<string, string> {
  const files = bundleFiles({ model: MODEL, card: c, tfjs: new Uint8Array(8), texts });
  return Object.fromEntries(['index.html', 'README.md', 'model-card.json', 'demo.js', 'predict.js'].map((n) => [n, strFromU8(files[n])]));
}

/**
 * Latin words a Chinese README may hold outside code: names of products, formats, files, layers and
 * activations (which Chinese texts keep in Latin letters), and the identifiers of the card it lists.
 */
const ALLOWED = new Set(
  [
    'Descent', 'TF', 'js', 'TensorFlow', 'TensorFlow.js', 'PyTorch', 'Keras', 'Python', 'GPU', 'CPU', 'ES', 'CSV', 'MNIST', 'idx', 'DATA', 'SHA',
    'Teachable', 'Machine', 'ml5', 'layers', 'Apache', 'License', 'Google', 'LLC', 'Error', 'HTTP', 'MLP', 'kB', 'MB', 'float16', 'wasm', 'adam',
    'dense', 'units', 'activation', 'relu', 'softmax', 'batch', 'torchrun', 'DistributedDataParallel', 'x',
    // File names outside code spans (model.json, model-card.json, predict.js).
    'model', 'card', 'json', 'predict',
  ].map((w) => w.toLowerCase()),
);

/** The README's prose: without fenced code, code spans, link targets, and the card's own names. */
function prose(readme: string, c: ModelCard): string {
  let text = readme.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`]*`/g, ' ').replace(/\]\([^)]*\)/g, ']');
  // Longest first, so a name inside another ('鸢尾' in '山鸢尾') leaves nothing behind.
  const names = [c.createdAt, c.name, c.dataset.name, c.dataset.source, c.dataset.id, c.model.name, ...c.dataset.classNames].sort((a, b) => b.length - a.length);
  for (const name of names) text = text.split(mdText(name)).join(' ');
  return text;
}
const latinWords = (text: string) => [...new Set(text.match(/[A-Za-z][A-Za-z0-9]*/g) ?? [])];
const han = /\p{Script=Han}/u;

/** The Avoid column of docs/GLOSSARY.md: words no Chinese file may use. */
function avoidWords(): string[] {
  const text = readFileSync(resolve(__dirname, '../../docs/GLOSSARY.md'), 'utf8');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('|') || line.startsWith('|---')) continue;
    const cells = line.split('|').map((c) => c.trim());
    // | Key | English | 中文 | Avoid | Note | in the first table, | English | 中文 | Avoid | Note | in the second.
    const avoid = cells.length >= 7 ? cells[4] : cells[3];
    if (avoid && avoid !== 'Avoid') out.push(...avoid.split('、').map((w) => w.trim()).filter((w) => han.test(w)));
  }
  return out;
}

describe('README in the page language', () => {
  const en = bundle(card(), enBundle)['README.md'];
  const zh = bundle(card(), zhBundle)['README.md'];

  it('writes the Chinese README with the glossary terms and no English prose', () => {
    expect(zh.startsWith('# 鸢尾分类器\n')).toBe(true);
    for (const term of ['学习率', '批大小', '轮数', '验证集比例', '标准化', '独热编码', '超参数', '优化器', '早停', '随机种子', '量化', '测试集', '自动调参', '预处理']) expect(zh).toContain(term);
    // The same code in both: loading, the row with the card's own column names.
    for (const code of ["import { loadDescentModel } from './predict.js';", 'model.predictRow({ "花萼长度": "5.8", "颜色": "紫色" })', 'torchrun --nproc_per_node=4 train_torch.py']) {
      expect(zh).toContain(code);
      expect(en).toContain(code);
    }
    expect(latinWords(prose(zh, card())).filter((w) => !ALLOWED.has(w.toLowerCase()))).toEqual([]);
    for (const word of avoidWords()) expect(zh, word).not.toContain(word);
    // Tuner reasons from the recorded tuning, in Chinese.
    expect(zh).toContain('梯度噪声尺度');
    expect(zh).toContain('学习率范围测试');
  });

  it('writes the English README in English, with the Chinese names of the data intact', () => {
    expect(en.startsWith('# 鸢尾分类器\n')).toBe(true);
    for (const text of ['| Learning rate | 0.003 |', '| Batch size | 32 |', 'one-hot', 'standardised', '58 parameters', 'Batch 32 has the highest throughput', '紫色']) expect(en).toContain(text);
    // No Chinese outside the data's own names.
    const chinese = prose(en, card()).replace(/花萼长度|颜色|品种|紫色|白色|蓝色/g, ' ');
    expect(chinese.match(/\p{Script=Han}+/gu)).toBeNull();
  });

  it('documents the error codes of predict.js, each one predict.js can throw, in both languages', () => {
    const predictJs = bundle(card(), enBundle)['predict.js'];
    const codes = [...predictJs.matchAll(/fail\('(\w+)'/g)].map((m) => m[1]);
    expect(new Set(codes).size).toBe(14);
    for (const texts of [enBundle, zhBundle]) {
      expect(Object.keys(texts.readme.errors).sort()).toEqual([...new Set(codes)].sort());
      expect(Object.keys(texts.demo.errors).sort()).toEqual([...new Set(codes)].sort());
    }
    for (const code of codes) {
      expect(en).toContain(`- \`${code}\`:`);
      expect(zh).toContain(`- \`${code}\`：`);
    }
  });
});

describe('the model card in the page language', () => {
  it('has a language field and its words in it; machine fields are the same, so predict.js reads both alike', () => {
    const en = JSON.parse(bundle(card(), enBundle)['model-card.json']) as ModelCard;
    const zh = JSON.parse(bundle(card(), zhBundle)['model-card.json']) as ModelCard;
    expect(en.language).toBe('en');
    expect(zh.language).toBe('zh-CN');
    expect(zh.dataset.preprocessing.description).toContain('独热编码');
    expect(zh.dataset.preprocessing.description).toContain('标准化');
    expect(en.dataset.preprocessing.description).toContain('one-hot');
    expect(zh.tuner!.map((t) => [t.parameter, t.value])).toEqual(en.tuner!.map((t) => [t.parameter, t.value]));
    const machine = (c: ModelCard) => ({ ...c, language: null, tuner: c.tuner!.map(({ parameter, value }) => ({ parameter, value })), dataset: { ...c.dataset, preprocessing: { ...c.dataset.preprocessing, description: null } } });
    expect(machine(zh)).toEqual(machine(en));
    const row = { 花萼长度: '6.1', 颜色: '白色' };
    expect(Array.from(rowToInput(zh, row))).toEqual(Array.from(rowToInput(en, row)));
    expect(Array.from(rowToInput(zh, row))).toEqual([(6.1 - 5.8) / 0.8, 0, 1, 0].map((v) => Math.fround(v)));
  });

  it('imports a Chinese card: the schema accepts it, the upload reads it back as written', () => {
    const files = bundleFiles({ model: MODEL, card: card(), tfjs: new Uint8Array(8), texts: zhBundle });
    const written = JSON.parse(strFromU8(files['model-card.json']));
    expect(checkModelCard(written)).toEqual(localizeCard(card(), zhBundle));
    const zip = zipSync({ m: Object.fromEntries(Object.entries(files).map(([n, b]) => [n, b])) });
    const back = readModelUpload([{ name: 'm.zip', bytes: zip }]);
    expect(back.card).toEqual(written);
    expect(back.card!.language).toBe('zh-CN');
    // A language the schema does not know is refused, naming the field.
    expect(() => checkModelCard({ ...written, language: 'fr' })).toThrow(/language/);
    const refused = readModelUpload([{ name: 'x.zip', bytes: zipSync({ 'm/model.json': files['model.json'], 'm/group1-shard1of1.bin': files['group1-shard1of1.bin'], 'm/model-card.json': strToU8(JSON.stringify({ ...written, language: 'fr' })) }) }]);
    expect(refused.card).toBeNull();
  });
});

describe('the demo page in the page language', () => {
  /** The JSON block demo.js reads its words from. */
  const textsOf = (html: string) => JSON.parse(/<script type="application\/json" id="texts">([^<]*)<\/script>/.exec(html)![1]);

  it('sets <html lang>, writes its static words and hands demo.js its texts as data', () => {
    const zh = bundle(card(), zhBundle)['index.html'];
    const en = bundle(card(), enBundle)['index.html'];
    expect(zh).toContain('<html lang="zh-CN">');
    expect(en).toContain('<html lang="en">');
    for (const word of [zhBundle.demo.loading, zhBundle.demo.clear, zhBundle.demo.upload, zhBundle.demo.predict, zhBundle.demo.sees, zhBundle.demo.pad]) expect(zh).toContain(word);
    expect(zh).toContain('完全在本页面中用 TensorFlow.js 运行（<code>tf.min.js</code>，Apache 2.0）。模型详情：<a href="README.md">README.md</a>、<a href="model-card.json">model-card.json</a>。');
    expect(en).toContain('<p class="muted">Runs entirely in this page with TensorFlow.js (<code>tf.min.js</code>, Apache 2.0). Model details: <a href="README.md">README.md</a>, <a href="model-card.json">model-card.json</a>.</p>');
    expect(textsOf(zh)).toEqual(zhBundle.demo);
    expect(textsOf(en)).toEqual(enBundle.demo);
    // The page's visible words outside the JSON block: Chinese, but for names.
    const visible = zh.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<style[\s\S]*?<\/style>/g, ' ').replace(/<[^>]*>/g, ' ').replace(/&#\d+;/g, ' ');
    expect(latinWords(visible).filter((w) => !ALLOWED.has(w.toLowerCase()) && !['README', 'md', 'json', 'model', 'card', 'tf', 'min', 'Apache'].includes(w))).toEqual([]);
    // The CSP allows no inline script: the block is data, and the page still loads only its own files.
    expect(zh).toContain("script-src 'self' 'unsafe-eval'");
    expect(zh).toContain('<script type="module" src="demo.js"></script>');
  });

  it('escapes hostile names in Chinese as in English, and no text can end the JSON block', () => {
    const hostile = '</script><img src=x onerror=alert(1)>{{TEXTS}}';
    const c = card({ height: hostile, colour: '颜色 | `x`', target: '# 目标', model: hostile, dataset: '[链接](javascript:alert(1))' });
    const zh = bundle(c, zhBundle);
    expect(zh['index.html']).toContain(`<title>${htmlText(hostile)}</title>`);
    expect(zh['index.html'].match(/<\/script>/g)!.length).toBe(3);
    expect(zh['index.html']).not.toContain('<img');
    expect(zh['README.md']).not.toMatch(/(^|[^\\])<(img|script|\/script)/m);
    expect(zh['README.md']).not.toContain('](javascript');
    expect(zh['README.md'].startsWith(`# ${mdText(hostile)}\n`)).toBe(true);
    for (const row of zh['README.md'].split('\n').filter((l) => l.startsWith('| '))) expect(row.replace(/\\\|/g, '').split('|').length).toBe(4);
    // The names stay intact in the card and in the code sample (a JS string literal).
    expect((JSON.parse(zh['model-card.json']) as ModelCard).dataset.preprocessing.columns![0].column).toBe(hostile);
    expect(zh['README.md']).toContain('"\\u003c/script>\\u003cimg src=x onerror=alert(1)>{{TEXTS}}": "5.8"');
  });

  it('throws predict.js errors with a code and params that the demo texts word in both languages', () => {
    const c = localizeCard(card(), zhBundle);
    const caught = (row: Record<string, string>) => {
      try {
        rowToInput(c, row);
      } catch (err) {
        return err as Error & { code: string; params: Record<string, unknown> };
      }
      throw new Error('no error');
    };
    const missing = caught({ 颜色: '紫色' });
    expect([missing.code, missing.params]).toEqual(['missingField', { column: '花萼长度' }]);
    expect(missing.message).toBe('The row has no field "花萼长度".');
    const unknown = caught({ 花萼长度: '5', 颜色: '绿色' });
    expect([unknown.code, unknown.params]).toEqual(['unknownCategory', { column: '颜色', value: '绿色', categories: ['紫色', '白色', '蓝色'] }]);
    const nan = caught({ 花萼长度: 'abc', 颜色: '紫色' });
    expect([nan.code, nan.params]).toEqual(['notANumber', { column: '花萼长度', value: 'abc' }]);
    // demo.js's `say`: placeholders filled once, lists joined with the language's separator.
    const say = (t: BundleTexts, template: string, params: Record<string, unknown>) =>
      template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? (Array.isArray(params[key]) ? (params[key] as string[]).join(t.demo.listSeparator) : String(params[key])) : whole));
    expect(say(zhBundle, zhBundle.demo.errors.unknownCategory, unknown.params)).toBe('“颜色” = “绿色”不是模型训练时见过的取值：紫色、白色、蓝色。');
    expect(say(enBundle, enBundle.demo.errors.unknownCategory, unknown.params)).toBe('“颜色” = “绿色” is not one of the values the model was trained on: 紫色, 白色, 蓝色.');
    // demo.js words every error it shows through these texts.
    const demoJs = bundle(card(), zhBundle)['demo.js'];
    expect(demoJs).toContain("JSON.parse($('texts').textContent)");
    expect(demoJs).not.toMatch(/textContent = '[A-Z]/);
  });
});
