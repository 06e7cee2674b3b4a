import type { BundleTexts } from './bundle-texts';
import type { LayerSpec } from '../models/spec';
import type { ModelCard } from '../runs/record';
import { DEFAULT_CONFIG } from '../train/config';
import { mdCode, mdText } from './escape';

/** The README's words: the `readme` part of the bundle texts (i18n/en-bundle.ts, zh-bundle.ts). */
type ReadmeTexts = BundleTexts['readme'];

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(2)}%`);
const num = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(4));

function layerLine(layer: LayerSpec, i: number): string {
  const { type, ...rest } = layer as { type: string } & Record<string, unknown>;
  const args = Object.entries(rest).map(([k, v]) => `${mdText(k)} ${mdText(JSON.stringify(v))}`).join(', ');
  return `${i + 1}. ${mdText(type)}${args ? ` (${args})` : ''}`;
}

/** A two-column table; the values must already be Markdown (mdText escapes `|` with the rest). */
function table(rows: [string, string][]): string {
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

function quantizationSection(card: ModelCard, r: ReadmeTexts): string {
  const q = card.quantization;
  if (!q) return r.noQuantisation;
  const acc = q.testAccuracyBefore === null || q.testAccuracyAfter === null ? r.quantNotMeasured : r.quantAccuracy(q.testAccuracyBefore, q.testAccuracyAfter, q.testCount);
  return r.quantStored(mdText(q.dtype), q.bytesBefore, q.bytesAfter, acc);
}

/** A comment inside the JS sample: no line break, and no `*` followed by `/` that would end a block comment. */
const comment = (s: string) => s.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/\*\//g, '* /');

/** A ten-line example of predict.js with this model's own columns, in a fenced block (names escaped as JS strings). */
function usage(card: ModelCard, r: ReadmeTexts): string {
  const u = r.usage;
  const d = card.dataset;
  const cols = d.preprocessing.columns ?? [];
  const example = (c: (typeof cols)[number]) => (c.kind === 'numeric' ? String(+c.mean.toPrecision(4)) : c.categories[0] ?? c.fill);
  const row = cols.slice(0, 6).map((c) => `${jsString(c.column)}: ${jsString(example(c))}`).join(', ') + (cols.length > 6 ? `, /* ${comment(u.everyColumn)} */` : '');
  const call = d.preprocessing.image
    ? `const result = await model.predictImage(document.querySelector('canvas')); // ${comment(u.image(d.inputShape.join('×')))}`
    : `const result = await model.predictRow({ ${row || `/* ${comment(u.columnValue)} */`} }); // ${comment(u.row)}`;
  const out = d.task === 'classification' ? `console.log(result.label, result.probabilities); // ${comment(u.classes)}` : `console.log(result.value); // ${comment(u.value)}`;
  return [
    '```js',
    `// ${comment(u.load)}`,
    "import { loadDescentModel } from './predict.js';",
    `const model = await loadDescentModel(new URL('./', import.meta.url)); // ${comment(u.folder)}`,
    call,
    out,
    `const results = await model.predictBatch([/* ${comment(u.rows)} */]); // ${comment(u.batch)}`,
    `// ${comment(u.errors)}`,
    'model.dispose();',
    '```',
  ].join('\n');
}

/** A JavaScript string literal (JSON's escaping), safe inside a fenced code block: no backticks can close it. */
function jsString(s: string): string {
  return JSON.stringify(s).replace(/`/g, '\\u0060').replace(/</g, '\\u003c');
}

/** The error codes of predict.js with their parameters, as the README documents them. */
function errorCodes(r: ReadmeTexts): string {
  return [r.errorsIntro, '', ...Object.entries(r.errors).map(([code, what]) => `- ${mdCode(code)}${r.colon}${what}`)].join('\n');
}

/**
 * README.md of an exported bundle in the language of `texts`: what the model is, how it was trained, how to
 * use the files. Every value from the card is escaped here (mdText/mdCode) before a text function sees it.
 */
export function renderReadme(card: ModelCard, fileNames: string[], texts: BundleTexts): string {
  const r = texts.readme;
  const d = card.dataset;
  const m = card.metrics;
  const h = card.hyperParameters ?? DEFAULT_CONFIG;
  const rows = r.datasetRows;
  const hr = r.hyperRows;
  const rr = r.resultRows;
  const checksum = d.checksum
    ? `SHA-256 ${mdCode(d.checksum.value)}${r.paren(r.checksumOf(d.checksum.of))}` +
      (d.checksum.files ? '\n\n' + d.checksum.files.map((f) => `- ${mdCode(f.sha256)}  ${mdText(f.name)}`).join('\n') : '')
    : r.notRecorded;
  const norm = d.preprocessing.normalization
    ? `\n\n${r.normalisation}\n\n- ${r.mean}: ${mdCode(JSON.stringify(d.preprocessing.normalization.mean))}\n- ${r.std}: ${mdCode(JSON.stringify(d.preprocessing.normalization.std))}`
    : '';
  const tuner = card.tuner?.length ? card.tuner.map((t) => `- **${r.tunerParameters[t.parameter] ?? mdText(t.parameter)}** = ${mdCode(String(t.value))}${r.colon}${mdText(t.reason)}`).join('\n') : r.byHand;
  const loss = h.loss ?? (d.task === 'classification' ? 'sparseCategoricalCrossentropy' : 'meanSquaredError');
  const lossName = r.lossNames[loss] ? `${r.lossNames[loss]}${r.paren(mdCode(loss))}` : mdText(loss);
  const task = mdText(texts.task[d.task] ?? d.task);
  const weights = card.weights.kind === 'best' ? r.bestWeights(card.weights.epoch) : r.lastWeights(card.weights.epoch);
  return `# ${mdText(card.name)}

${r.intro(task, mdText(d.name))}
${r.exported(mdText(card.createdAt), weights)}

## ${r.useIt}

${r.useItList(d.inputKind === 'image', d.inputShape.join(', '), r.ownCodeAnchor, r.torchAnchor)}

## ${r.ownCode}

${usage(card, r)}

${r.metadataNote}

### ${r.errorsTitle}

${errorCodes(r)}

## ${r.torch}

${r.torchIntro}

\`\`\`sh
pip install torch numpy pillow
python3 train_torch.py --data DATA --epochs 5 --out trained            # ${comment(r.torchComments.one)}
torchrun --nproc_per_node=4 train_torch.py --data DATA --out trained   # ${comment(r.torchComments.ddp)}
\`\`\`

${r.torchAfter}

## ${r.dataset}

${table([
    [rows.name, mdText(d.name)],
    [rows.id, mdText(d.id)],
    [rows.source, mdText(d.source)],
    [rows.examples, r.examples(d.trainCount, d.testCount)],
    [rows.inputShape, `[${d.inputShape.join(', ')}]${r.paren(mdText(texts.inputKind[d.inputKind] ?? d.inputKind))}`],
    [rows.classes, d.task === 'classification' ? d.classNames.map(mdText).join(r.listSeparator) : r.regressionClasses],
  ])}

${r.checksum}${r.colon}${checksum}

## ${r.preprocessing}

${mdText(d.preprocessing.description)}${norm}

## ${r.model}

${r.params(mdText(card.model.name), card.totalParams)}

${card.model.layers.map(layerLine).join('\n')}

## ${r.hyperParameters}

${card.hyperParameters ? '' : `${r.unknownHyper}\n\n`}${table([
    [hr.optimizer, mdText(h.optimizer)],
    [hr.learningRate, String(h.learningRate)],
    [hr.batchSize, String(h.batchSize)],
    [hr.epochs, String(h.epochs)],
    [hr.validationSplit, String(h.validationSplit)],
    [hr.loss, lossName],
    [hr.earlyStopping, h.earlyStopping ? r.earlyStopping(h.earlyStopping.patience, h.earlyStopping.restoreBest) : r.off],
    [hr.seed, String(card.seed)],
  ])}

### ${r.tuner}

${tuner}

## ${r.results}

${m
    ? table([
        [rr.epochs, String(m.epochs)],
        [rr.steps, String(m.steps)],
        [rr.train, `${num(m.trainLoss)} / ${pct(m.trainAccuracy)}`],
        [rr.val, `${num(m.valLoss)} / ${pct(m.valAccuracy)}`],
        [rr.test, `${num(m.testLoss)} / ${pct(m.testAccuracy)}`],
        [rr.best, m.bestEpoch === null ? '–' : String(m.bestEpoch)],
        [rr.time, r.seconds(m.seconds)],
      ])
    : r.noMetrics}

${r.trainedOn(mdText(card.backend), mdText(card.tfjsVersion))}

## ${r.quantisation}

${quantizationSection(card, r)}

## ${r.files}

${fileNames.map((f) => `- ${mdCode(f)}`).join('\n')}

${r.tfjsNote(mdText(card.tfjsVersion))}
${r.datasetLicence(mdText(d.source))}
`;
}
