import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { bundleFiles, localizeCard } from '../../src/lib/engine/export/bundle';
import { enBundle } from '../../src/lib/i18n/en-bundle';
import { checkModelCard } from '../../src/lib/engine/export/card-schema';
import { fillTemplate, htmlText, mdCode, mdText, pyInt, pyLit, pyNum, pyStr } from '../../src/lib/engine/export/escape';
import { readModelUpload } from '../../src/lib/engine/export/import';
import type { LayersModelFiles } from '../../src/lib/engine/export/layers-format';
import { commonPy, renderCardConstants } from '../../src/lib/engine/export/python-card';
import type { ModelCard } from '../../src/lib/engine/runs/record';
import { enEngine } from '../../src/lib/i18n/en-engine';

/** Debian's Python: the one with PyTorch (scripts/ensure-python.mjs), which train_torch.py --help needs. */
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
/** The train_torch.py template as written (read from disk: the test compares the rendered script with it). */
const torchTemplate = readFileSync(join(__dirname, '../../src/lib/engine/export/assets/train_torch.py'), 'utf8');

/** Names that break out of HTML, Markdown, Python strings and String.replace patterns. */
const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  'a "quoted"\nname\r\twith \'both\' quotes',
  '"""\nimport os; print("INJ" + "ECTED-1")\n"""',
  "$' and $` and $& and {{TITLE}}",
  '[link](javascript:alert(1)) **bold** `code` | cell | # head\n# Heading\n<script>alert(1)</script>',
  '\\"); print("INJ" + "ECTED-2"); ("\u2028é😀\u0000',
];

/** A tiny hand-made model (one dense layer) so these tests need no training. */
const MODEL_JSON = {
  format: 'layers-model',
  modelTopology: { class_name: 'Sequential', config: { name: 'm', layers: [] } },
  weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'dense_1/kernel', shape: [2, 2], dtype: 'float32' }] }],
};
const MODEL: LayersModelFiles = { modelJson: JSON.stringify(MODEL_JSON), weights: new Float32Array(4).buffer, weightsFileName: 'weights.bin' };

function cleanCard(): ModelCard {
  return {
    format: 'descent-model-card',
    version: 1,
    name: 'Test run',
    createdAt: '2026-01-01T00:00:00.000Z',
    runId: 'run-1',
    dataset: {
      id: 'iris',
      name: 'Iris',
      source: 'UCI',
      task: 'classification',
      inputShape: [4],
      inputKind: 'tabular',
      numClasses: 3,
      classNames: ['setosa', 'versicolor', 'virginica'],
      featureNames: ['a', 'b', 'c', 'd'],
      trainCount: 120,
      testCount: 30,
      checksum: { algorithm: 'SHA-256', value: 'a'.repeat(64), of: 'files', files: [{ name: 'iris.csv', sha256: 'b'.repeat(64) }] },
      preprocessing: { scale: 1, normalization: { mean: [1, 2, 3, 4], std: [1, 1, 1, 1] }, description: 'Standardised columns.' },
    },
    model: { name: 'MLP', layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dropout', rate: 0.25 }, { type: 'dense', units: 3, activation: 'softmax' }] },
    totalParams: 67,
    hyperParameters: { optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 5, validationSplit: 0.1, seed: 42, earlyStopping: { patience: 3, restoreBest: true } },
    tuner: [{ parameter: 'learningRate', value: 0.001, reason: 'LR range test' }],
    metrics: { epochs: 5, steps: 20, trainLoss: 0.5, trainAccuracy: 0.8, valLoss: 0.6, valAccuracy: 0.7, testLoss: 0.6, testAccuracy: 0.75, bestEpoch: 4, seconds: 1.5 },
    weights: { epoch: 5, kind: 'last' },
    quantization: null,
    backend: 'cpu',
    tfjsVersion: '4.22.0',
    seed: 42,
    generator: 'Descent 0.1.0',
  };
}

/** The clean card with every free-text field holding a hostile name (numbers and enums untouched). */
function hostileTextCard(): ModelCard {
  const c = cleanCard();
  const h = (i: number) => HOSTILE[i % HOSTILE.length];
  return {
    ...c,
    name: h(0),
    createdAt: h(1),
    runId: h(2),
    dataset: {
      ...c.dataset,
      id: h(3),
      name: h(4),
      source: h(5),
      classNames: [h(0), h(2), h(3)],
      featureNames: HOSTILE.slice(0, 4),
      checksum: { ...c.dataset.checksum!, files: [{ name: h(1), sha256: 'b'.repeat(64) }] },
      preprocessing: { ...c.dataset.preprocessing, description: h(5) },
    },
    model: { ...c.model, name: h(4) },
    tuner: [{ parameter: h(2), value: h(3), reason: h(4) }],
    backend: h(5),
    tfjsVersion: h(0),
    generator: h(2),
  };
}

/** A table model's card: columns, categories, header and target named with `hostile` names or plain ones. */
function tableCard(hostile: boolean): ModelCard {
  const c = hostile ? hostileTextCard() : cleanCard();
  const n = (i: number, plain: string) => (hostile ? HOSTILE[i % HOSTILE.length] : plain);
  return {
    ...c,
    dataset: {
      ...c.dataset,
      inputShape: [4],
      preprocessing: {
        scale: 1,
        description: c.dataset.preprocessing.description,
        columns: [
          { column: n(0, 'height'), kind: 'numeric', mean: 170, std: 9.5 },
          { column: n(1, 'colour'), kind: 'categorical', categories: [n(2, 'blue'), n(3, 'green'), n(4, 'red')], fill: n(5, 'red') },
        ],
        missing: 'fill',
        missingValues: ['', 'na', n(2, '?')],
        header: [n(0, 'height'), n(1, 'colour'), n(3, 'outcome')],
        target: { column: n(3, 'outcome'), kind: 'classes', classes: [n(4, 'no'), n(5, 'yes'), n(0, 'maybe')] },
      },
    },
  };
}

function upload(card: unknown) {
  const zip = zipSync({ 'bundle/model.json': strToU8(MODEL_JSON_TEXT), 'bundle/group1-shard1of1.bin': new Uint8Array(16), 'bundle/model-card.json': strToU8(JSON.stringify(card)) });
  return readModelUpload([{ name: 'bundle.zip', bytes: zip }]);
}
const MODEL_JSON_TEXT = JSON.stringify(MODEL_JSON);

function bundle(card: ModelCard): Record<string, string> {
  const files = bundleFiles({ model: MODEL, card, tfjs: new Uint8Array(8), texts: enBundle });
  return Object.fromEntries(['index.html', 'README.md', 'train.py', 'train_torch.py', 'model-card.json'].map((n) => [n, strFromU8(files[n])]));
}

/**
 * Python side of the train.py checks: parses the file, lists the names of everything it calls, the
 * decoded string constants, and the token stream with every string literal replaced by one placeholder.
 */
const AST_SCRIPT = `
import ast, io, json, sys, tokenize
src = open(sys.argv[1], encoding="utf-8").read()
tree = ast.parse(src)
def name(f):
    if isinstance(f, ast.Name): return f.id
    if isinstance(f, ast.Attribute):
        inner = name(f.value)
        return inner + "." + f.attr if inner else "?." + f.attr
    return None
calls = sorted({name(n.func) or "<" + type(n.func).__name__ + ">" for n in ast.walk(tree) if isinstance(n, ast.Call)})
strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
toks = [("S" if t.type == tokenize.STRING else t.string) for t in tokenize.generate_tokens(io.StringIO(src).readline)
        if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)]
print(json.dumps({"calls": calls, "strings": strings, "tokens": toks}))
`;

function pyReport(source: string, name = 'train.py'): { calls: string[]; strings: string[]; tokens: string[]; dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'descent-hostile-'));
  writeFileSync(join(dir, name), source);
  return { ...JSON.parse(execFileSync(PYTHON, ['-c', AST_SCRIPT, join(dir, name)], { encoding: 'utf8' })), dir, path: join(dir, name) };
}

/** Every statement of the card's constants block is `NAME = <literal>`: ast.literal_eval reads each value, so none is code. */
const LITERALS_SCRIPT = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
names = []
for node in tree.body:
    assert isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name), ast.dump(node)[:200]
    ast.literal_eval(node.value)
    names.append(node.targets[0].id)
print(json.dumps(names))
`;

describe('escapers', () => {
  it('write values that Python, HTML and Markdown read back as plain text', () => {
    const literal = pyLit(HOSTILE);
    expect(literal).toMatch(/^[\x20-\x7e]*$/);
    const back = execFileSync(PYTHON, ['-c', 'import ast, json, sys; print(json.dumps(ast.literal_eval(sys.argv[1])))', literal], { encoding: 'utf8' });
    expect(JSON.parse(back)).toEqual(HOSTILE);
    expect(pyStr('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
    expect(pyNum(1e-7)).toBe('1e-7');
    expect(() => pyNum(NaN)).toThrow();
    expect(() => pyNum(Infinity)).toThrow();
    expect(() => pyNum('1; import os' as unknown as number)).toThrow();
    expect(() => pyInt(1.5)).toThrow();
    expect(htmlText('<a href="x">\'&')).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;');
    expect(mdText('[x](y) *a* `c` | # h\n<b> 1.5')).toBe('\\[x\\]\\(y\\) \\*a\\* \\`c\\` \\| \\# h \\<b\\> 1.5');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x')).toBe('`` `x ``');
  });

  it('fill templates without replacement patterns and without filling values again', () => {
    expect(fillTemplate('<t>{{TITLE}}</t>{{X}}', { TITLE: "$' $` $& {{X}}", X: 'x' })).toBe("<t>$' $` $& {{X}}</t>x");
    expect(() => fillTemplate('{{MISSING}}', {})).toThrow();
  });
});

describe('imported model cards', () => {
  it('accept the card the app writes', () => {
    expect(checkModelCard(cleanCard())).toEqual(cleanCard());
    const back = upload(cleanCard());
    expect(back.card).toEqual(cleanCard());
    expect(back.notes).toEqual([]);
  });

  const CODE = "__import__('os').system('echo INJECTED')";
  const numeric: [string, (c: Record<string, any>) => void][] = [
    ['seed', (c) => (c.seed = CODE)],
    ['hyperParameters.seed', (c) => (c.hyperParameters.seed = CODE)],
    ['hyperParameters.learningRate', (c) => (c.hyperParameters.learningRate = CODE)],
    ['hyperParameters.batchSize', (c) => (c.hyperParameters.batchSize = CODE)],
    ['hyperParameters.epochs', (c) => (c.hyperParameters.epochs = CODE)],
    ['hyperParameters.validationSplit', (c) => (c.hyperParameters.validationSplit = '0.1')],
    ['hyperParameters.earlyStopping.patience', (c) => (c.hyperParameters.earlyStopping.patience = CODE)],
    ['hyperParameters.optimizer', (c) => (c.hyperParameters.optimizer = CODE)],
    ['hyperParameters.loss', (c) => (c.hyperParameters.loss = CODE)],
    ['model.layers[0].units', (c) => (c.model.layers[0].units = CODE)],
    ['model.layers[0].activation', (c) => (c.model.layers[0].activation = CODE)],
    ['model.layers[1].rate', (c) => (c.model.layers[1].rate = CODE)],
    ['model.layers[1].units', (c) => (c.model.layers[1].units = 4)],
    ['model.layers[2].type', (c) => (c.model.layers[2].type = CODE)],
    ['dataset.inputShape[0]', (c) => (c.dataset.inputShape = [CODE])],
    ['dataset.numClasses', (c) => (c.dataset.numClasses = CODE)],
    ['dataset.preprocessing.scale', (c) => (c.dataset.preprocessing.scale = CODE)],
    ['dataset.preprocessing.normalization.mean[2]', (c) => (c.dataset.preprocessing.normalization.mean[2] = CODE)],
    ['dataset.checksum.value', (c) => (c.dataset.checksum.value = CODE)],
    ['dataset.classNames[1]', (c) => (c.dataset.classNames[1] = 7)],
    ['dataset.task', (c) => (c.dataset.task = CODE)],
    ['generator', (c) => (c.generator = { toString: CODE })],
    ['dataset', (c) => delete c.dataset],
    ['model', (c) => delete c.model],
    ['model', (c) => (c.model = null)],
    ['model.layers', (c) => (c.model.layers = 'dense')],
    ['metrics.testAccuracy', (c) => (c.metrics.testAccuracy = CODE)],
  ];

  it.each(numeric)('refuse a card whose %s holds the wrong kind of value, naming the field', (path, spoil) => {
    const card = cleanCard() as unknown as Record<string, any>;
    spoil(card);
    expect(() => checkModelCard(card)).toThrow(expect.objectContaining({ code: 'import.cardField', params: expect.objectContaining({ path }) }));
    // The model itself still imports; the card is left out with a note that names the field.
    const back = upload(card);
    expect(back.card).toBeNull();
    expect(back.notes).toEqual([{ code: 'import.cardUnreadable', params: { problem: expect.objectContaining({ code: 'import.cardField', params: expect.objectContaining({ path }) }) } }]);
    const note = back.notes[0].params as { problem: { params: Parameters<(typeof enEngine)['import.cardField']>[0] } };
    expect(enEngine['import.cardField'](note.problem.params)).toContain(`model-card.json: ${path} should be `);
  });

  it('accept hostile text in text fields (it is escaped on export)', () => {
    expect(upload(hostileTextCard()).card).toEqual(hostileTextCard());
  });
});

describe('a bundle exported from a card with hostile names', () => {
  it('escapes them in the demo page', () => {
    const html = bundle(hostileTextCard())['index.html'];
    const clean = bundle(cleanCard())['index.html'];
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<script>alert/);
    // The page is the clean template with only the title text changed, and that text is escaped.
    expect(html.split(htmlText(HOSTILE[0])).join('Test run')).toBe(clean);
    expect(html).toContain(`<title>${htmlText(HOSTILE[0])}</title>`);
  });

  it('escapes them in the README: no raw HTML, links, headings or table cells from the data', () => {
    const readme = bundle(hostileTextCard())['README.md'];
    // `\\<img` is escaped (Markdown shows it as text); a bare `<img` would be raw HTML.
    expect(readme).not.toMatch(/(^|[^\\])<(img|script)/m);
    expect(readme).not.toContain('](javascript');
    expect(readme).not.toMatch(/^# Heading/m);
    expect(readme).not.toMatch(/^import os/m);
    expect(readme).toContain(`| Name | ${mdText(HOSTILE[4])} |`);
    expect(readme).toContain(`# ${mdText(HOSTILE[0])}\n`);
    // Every table row still has exactly its two cells (unescaped pipes would add more).
    for (const row of readme.split('\n').filter((l) => l.startsWith('| '))) expect(row.replace(/\\\|/g, '').split('|').length).toBe(4);
  });

  it('writes train.py with the names only inside string literals, and --help runs none of them', () => {
    let script = '';
    for (const [cleanOne, hostileOne] of [[cleanCard(), hostileTextCard()], [tableCard(false), tableCard(true)]]) {
      const clean = pyReport(bundle(cleanOne)['train.py']);
      const hostile = pyReport(bundle(hostileOne)['train.py']);
      script = hostile.path;
      // Same code: the token streams match once string literals are set aside, and no call is new.
      expect(hostile.tokens).toEqual(clean.tokens);
      expect(hostile.calls.filter((c) => !clean.calls.includes(c))).toEqual([]);
      for (const name of HOSTILE.slice(0, 4)) expect(hostile.strings.some((s) => s.includes(name))).toBe(true);
    }
    // train.py imports Keras only inside main(), so --help runs with numpy alone.
    const help = execFileSync(PYTHON, [script, '--help'], { encoding: 'utf8' });
    expect(help).toContain('usage:');
    expect(help).not.toContain('INJECTED');
  });

  it('writes train_torch.py with the names only inside literals: no call beyond the template\'s own, and --help runs nothing else', () => {
    // The calls are exactly those of the template and the shared data code as written (placeholders parse as expressions).
    const template = [pyReport(torchTemplate, 'template.py'), pyReport(commonPy, 'common.py')].flatMap((r) => r.calls);
    for (const [cleanOne, hostileOne] of [[cleanCard(), hostileTextCard()], [tableCard(false), tableCard(true)]]) {
      const clean = pyReport(bundle(cleanOne)['train_torch.py'], 'train_torch.py');
      const hostile = pyReport(bundle(hostileOne)['train_torch.py'], 'train_torch.py');
      expect(hostile.tokens).toEqual(clean.tokens);
      expect(hostile.calls.filter((c) => !template.includes(c))).toEqual([]);
      for (const name of HOSTILE.slice(0, 4)) expect(hostile.strings.some((s) => s.includes(name))).toBe(true);
      // The card's block holds assignments of literals only.
      const constants = pyReport(renderCardConstants(hostileOne), 'constants.py');
      const names = JSON.parse(execFileSync(PYTHON, ['-c', LITERALS_SCRIPT, constants.path], { encoding: 'utf8' }));
      expect(names).toEqual(expect.arrayContaining(['MODEL_NAME', 'COLUMNS', 'TARGET', 'HEADER', 'LAYERS']));
      expect(constants.calls).toEqual([]);
    }
    const hostile = pyReport(bundle(tableCard(true))['train_torch.py'], 'train_torch.py');
    const help = execFileSync(PYTHON, [hostile.path, '--help'], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } });
    expect(help).toContain('usage:');
    expect(help).toContain('torchrun --nproc_per_node=4 train_torch.py');
    expect(help).not.toContain('INJECTED');
    expect(readdirSync(hostile.dir)).toEqual(['train_torch.py']);
  });

  it('survives an import of its own card and a second export unchanged', () => {
    const first = bundle(hostileTextCard());
    const back = upload(JSON.parse(first['model-card.json']));
    expect(back.card).toEqual(localizeCard(hostileTextCard(), enBundle));
    expect(bundle(back.card!)['train.py']).toBe(first['train.py']);
    expect(bundle(back.card!)['train_torch.py']).toBe(first['train_torch.py']);
  });
});
