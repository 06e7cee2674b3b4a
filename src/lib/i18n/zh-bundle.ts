/**
 * 导出包的简体中文文本：README.md、模型卡片中的说明文字和演示页面，与 en-bundle.ts 一一对应（类型为
 * `BundleTexts`）。术语以 docs/GLOSSARY.md 为准；代码示例与英文版相同，只翻译其中的注释。
 */
import type { Preprocessing, TunerDecision } from '../engine/runs/record';
import type { TuningRecord } from '../engine/train/config';
import type { BundleLanguage, BundleTexts } from '../engine/export/bundle-texts';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(2)}%`);
const size = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} kB`);
const n = (v: number) => v.toLocaleString('zh-CN');

function preprocessing(pre: Preprocessing): string {
  if (pre.columns) {
    const t = pre.target;
    const target = t && t.kind === 'numeric' ? `；目标列“${t.column}”也经过标准化：值 = 输出 × ${t.std} + ${t.mean}` : '';
    return (
      '数值列用训练样本（不含验证集）的均值和标准差做标准化，(x − 均值) / 标准差；' +
      `类别列按词表顺序做独热编码（每个类别一列）；缺失的单元格${pre.missing === 'fill' ? '用均值（数值列）或出现最多的类别（类别列）填充' : '不被接受（含缺失值的行已被丢弃）'}${target}。` +
      '下面的各列记录了这些常数；predict.js 会把它们用于原始行。'
    );
  }
  const scaled = pre.scale === 1 ? '原始值直接使用' : `原始值乘以 ${pre.scale}（1/${Math.round(1 / pre.scale)}）`;
  const norm = pre.normalization ? '；然后每个特征用下面的常数做标准化：(x − 均值) / 标准差' : '';
  return `${scaled}${norm}。`;
}

/** 自动调参决定的理由：由卡片中记录的调参数据重新写成中文；没有这些数据时保留卡片原文。 */
function tunerReason(d: TunerDecision, tuning: TuningRecord | undefined): string | null {
  if (!tuning) return null;
  switch (d.parameter) {
    case 'batchSize': {
      const b = tuning.batch;
      if (!b || !b.rows.length) return null;
      const chosen = b.rows.find((r) => r.batchSize === b.chosen);
      const fastest = b.rows.reduce((a, r) => (r.samplesPerSec > a.samplesPerSec ? r : a));
      if (b.noiseScale === null) return `无法估计梯度噪声，因此按吞吐量选择了批大小 ${b.chosen}${chosen ? `（${Math.round(chosen.samplesPerSec)} 样本/秒）` : ''}。`;
      if (fastest.batchSize === b.chosen)
        return `批大小 ${b.chosen} 的吞吐量最高（${Math.round(fastest.samplesPerSec)} 样本/秒），且相对梯度噪声尺度（${Math.round(b.noiseScale)}）仍然较小，因此能最快达到目标。`;
      return `批大小 ${fastest.batchSize} 每秒能处理更多样本，但超过梯度噪声尺度（${Math.round(b.noiseScale)}）后，更大的批需要成比例地更多样本，因此批大小 ${b.chosen} 能最快达到目标。`;
    }
    case 'learningRate': {
      const l = tuning.learningRate;
      if (!l) return null;
      const rules: Record<string, string> = { valley: '谷底', steepest: '最陡下降', edge: '边缘', cycle: '单周期', manual: '手动' };
      return `学习率范围测试，按“${rules[l.rule] ?? l.rule}”规则（谷底 ${l.valley.toPrecision(2)}，最陡下降 ${l.steepest.toPrecision(2)}）`;
    }
    case 'optimizer':
      return tuning.optimizer ? `${tuning.optimizer.from} 没有动量，无法在单周期调度中让动量循环（0.95 → 0.85 → 0.95）` : null;
    case 'schedule': {
      const rounds = tuning.rounds && tuning.rounds.length > 1;
      return `单周期调度：在前 25% 的步数内预热到峰值，再按余弦下降到峰值的万分之一${rounds ? '；较短的第一轮训练先得到可用的模型，之后的每一轮从它重新开始，以谷底学习率继续细化' : ''}`;
    }
    case 'tunerSeconds':
      return '训练前用于自动调参的时间（秒）';
    default:
      return null;
  }
}

export const zhBundle: BundleTexts = {
  language: 'zh-CN' as BundleLanguage,
  importedName: '导入的模型',
  task: { classification: '分类', regression: '回归' },
  inputKind: { image: '图像', tabular: '表格' },
  card: { preprocessing, tunerReason },
  readme: {
    colon: '：',
    paren: (s: string) => `（${s}）`,
    listSeparator: '、',
    intro: (task: string, dataset: string) => `一个在 **${dataset}** 上训练的${task}模型：用 Descent 在浏览器中训练，以 TF.js layers 格式导出。`,
    exported: (date: string, weights: string) => `导出于 ${date}（${weights}）。`,
    bestWeights: (epoch: number | null) => `最佳轮次的权重，第 ${epoch ?? '–'} 轮`,
    lastWeights: (epoch: number | null) => `第 ${epoch ?? '–'} 轮之后的权重`,
    useIt: '使用方法',
    useItList: (image: boolean, shape: string, ownCodeAnchor: string, torchAnchor: string) =>
      [
        '- **在网页中：** 用任意静态服务器提供这个文件夹（`python3 -m http.server`），然后打开 `index.html`。',
        `  ${image ? '画一个数字或上传一张图像' : '填写表单'}，页面就会用标准的 TF.js 对它进行预测（已包含 \`tf.min.js\`，无需联网）。`,
        '- **在你自己的代码中：** `predict.js` 是一个 ES 模块，它加载这个文件夹，并自行完成下面所述的预处理',
        `  （见[在你自己的代码中使用](${ownCodeAnchor})）。裸模型为 \`tf.loadLayersModel('model.json')\`，输入形状为`,
        `  \`[batch, ${shape}]\`，且须已经过预处理。`,
        '- **在 Python/Keras 中：** `python3 train.py --data DATA` 会重建同一个模型、加载这些权重，并用相同的',
        '  超参数在你的 GPU 上继续训练（`--from-scratch` 表示从新的权重开始）。',
        '- **在 PyTorch 中：** `train_torch.py` 做同样的事，还能把训练分配到多块 GPU 或多个进程上；见',
        `  [在 PyTorch 中继续训练](${torchAnchor})。`,
      ].join('\n'),
    ownCode: '在你自己的代码中使用',
    ownCodeAnchor: '#在你自己的代码中使用',
    usage: {
      load: '在页面的模块脚本中、tf.min.js 之后使用（或把 @tensorflow/tfjs 的 { tf } 作为第二个参数传入）：',
      folder: "或 'https://example.com/models/this-folder/'",
      image: (shape: string) => `img 或 canvas 元素、ImageData，或 ${shape} 个 0–255 的像素值`,
      row: '与 CSV 中相同的原始值',
      everyColumn: '… 每一列',
      columnValue: '列名: 原始值',
      classes: '{ label, index, probabilities: { 类别: 概率 } }',
      value: '单位与目标列相同',
      rows: '多行',
      batch: '每行一个结果',
      errors: '缺少某一列或遇到未知类别时，会抛出带有 `code` 和 `params` 的 Error（见下文）。',
    },
    errorsTitle: 'predict.js 的错误',
    errorsIntro: 'predict.js 抛出的 `Error` 中，`message` 是给开发者看的英文说明，`code` 和 `params` 则供你用自己的语言表述（演示页面就用本包的语言显示它们）：',
    errors: {
      missingField: '这一行没有字段 `params.column`',
      missingValue: '`params.column` 的值缺失，而模型训练时不接受缺失值',
      notANumber: '`params.column` 需要一个数字，而不是 `params.value`',
      unknownCategory: '`params.value` 不是模型训练时见过的 `params.column` 的取值之一（`params.categories`）',
      rowLength: '以列表形式给出的一行有 `params.cells` 个单元格，而 CSV 有 `params.columns` 列（`params.header`）',
      noHeader: '一行以列表形式给出，但模型卡片中没有 CSV 表头',
      rowType: '一行既不是对象也不是列表',
      notTable: '把表格行交给了输入为 `params.kind` 的模型',
      notImage: '把图像交给了输入为 `params.kind` 的模型',
      imageSize: '图像为 `params.width`×`params.height`，而模型需要 `params.modelWidth`×`params.modelHeight`',
      noPixels: '图像还没有像素（尚未加载完成）',
      pixelCount: '像素值有 `params.got` 个，而模型需要 `params.size` 个',
      noTf: '没有加载 TensorFlow.js',
      cardUnreadable: '无法读取 `model-card.json`（`params.status`）',
    },
    metadataNote: '`metadata.json` 按输出顺序列出类别标签（与 Teachable Machine 和 ml5 的导出包相同）。',
    torch: '在 PyTorch 中继续训练',
    torchAnchor: '#在-pytorch-中继续训练',
    torchIntro: [
      '`train_torch.py` 逐层重建模型、加载这些权重，对同一个数据文件（DATA：CSV 文件、含 MNIST idx 文件的文件夹，',
      '或每个类别一个图像子文件夹的文件夹）做下面所述的预处理，并用相同的超参数训练。',
      '结果写成 Descent 可以导入的 TF.js 模型。',
    ].join('\n'),
    torchComments: { one: '单进程，CPU 或一块 GPU', ddp: '用 DistributedDataParallel 在 4 个进程上训练' },
    torchAfter: '然后在 Descent 中用 **导入模型** 导入 `trained` 中的文件（model.json、它的权重和 model-card.json）。\n`python3 train_torch.py --help` 列出所有选项。',
    dataset: '数据集',
    datasetRows: { name: '名称', id: '标识', source: '来源', examples: '样本数', inputShape: '输入形状', classes: '类别' },
    examples: (train: number, test: number) => `训练集 ${n(train)} 个，测试集 ${n(test)} 个`,
    regressionClasses: '一个输出（回归）',
    checksum: '校验和',
    checksumOf: (of: 'files' | 'content') => (of === 'files' ? '针对加载时的文件' : '针对解析后的数据'),
    notRecorded: '未记录',
    preprocessing: '预处理',
    normalisation: '标准化常数：',
    mean: '均值',
    std: '标准差',
    model: '模型',
    params: (name: string, count: number) => `${name}，共 ${n(count)} 个参数：`,
    hyperParameters: '超参数',
    unknownHyper: '未知（模型导入时没有模型卡片）；train.py 使用以下默认值：',
    hyperRows: {
      optimizer: '优化器',
      learningRate: '学习率',
      batchSize: '批大小',
      epochs: '轮数',
      validationSplit: '验证集比例',
      loss: '损失函数',
      earlyStopping: '早停',
      seed: '随机种子',
    },
    lossNames: { sparseCategoricalCrossentropy: '交叉熵', meanSquaredError: '均方误差', meanAbsoluteError: '平均绝对误差' },
    earlyStopping: (patience: number, restoreBest: boolean) => `耐心值 ${patience}，${restoreBest ? '恢复' : '不恢复'}最佳权重`,
    off: '关闭',
    tuner: '自动调参',
    tunerParameters: { batchSize: '批大小', learningRate: '学习率', optimizer: '优化器', schedule: '学习率调度', tunerSeconds: '调参用时（秒）' },
    byHand: '超参数为手动设置（没有运行自动调参）。',
    results: '结果',
    resultRows: {
      epochs: '已训练轮数',
      steps: '步数',
      train: '训练损失 / 准确率（最后一轮）',
      val: '验证集损失 / 准确率',
      test: '测试集损失 / 准确率',
      best: '最佳轮次（验证损失最低）',
      time: '训练用时',
    },
    seconds: (s: number) => `${s.toFixed(1)} 秒`,
    noMetrics: '没有记录指标。',
    trainedOn: (backend: string, version: string) => `在 TF.js 的 **${backend}** 后端上训练，TF.js ${version}。`,
    quantisation: '量化',
    noQuantisation: '无：权重以 32 位浮点数存储。',
    quantNotMeasured: '没有测量准确率的变化（当时没有加载数据集）。',
    quantAccuracy: (before: number, after: number, count: number) =>
      `测试准确率量化前 ${pct(before)}，量化后 ${pct(after)}（${((after - before) * 100).toFixed(2)} 个百分点，基于 ${n(count)} 个测试样本）。`,
    quantStored: (dtype: string, before: number, after: number, accuracy: string) =>
      `权重以 **${dtype}** 存储：${size(before)} → ${size(after)}。TF.js 加载模型时会把它们转换回 32 位浮点数。${accuracy}`,
    files: '文件',
    tfjsNote: (version: string) => `\`tf.min.js\` 是 TensorFlow.js ${version}（Apache License 2.0，© Google LLC；见 \`LICENSE-tfjs.txt\`）。`,
    datasetLicence: (source: string) => `数据集沿用其自身的许可（${source}）。`,
  },
  demo: {
    loading: '正在加载模型…',
    pad: '画板：用鼠标、触控笔或手指书写',
    clear: '清除',
    upload: '或上传一张图像',
    sees: '模型看到的图像：',
    predict: '预测',
    footer: '完全在本页面中用 TensorFlow.js 运行（{tfjs}，Apache 2.0）。模型详情：{readme}、{card}。',
    about: '{model}，在 {dataset} 上训练（{task}，输入 {shape}）。',
    aboutAccuracy: '{model}，在 {dataset} 上训练（{task}，输入 {shape}），测试准确率 {accuracy}%。',
    tasks: { classification: '分类', regression: '回归' },
    kinds: { image: '图像', tabular: '表格行' },
    trainingRange: '训练样本：{mean} ± {std}',
    loadFailed: '无法加载模型：{message}（请通过 Web 服务器打开本页面，例如 `python3 -m http.server`，不要直接打开文件）。',
    badImage: '{file} 不是这个浏览器能读取的图像。',
    listSeparator: '、',
    errors: {
      missingField: '这一行没有字段“{column}”。',
      missingValue: '“{column}”缺失；这个模型训练时不接受含缺失值的行。',
      notANumber: '“{column}”需要一个数字，而不是“{value}”。',
      unknownCategory: '“{column}” = “{value}”不是模型训练时见过的取值：{categories}。',
      rowLength: '这一行有 {cells} 个单元格，而 CSV 有 {columns} 列（{header}）。',
      noHeader: '这个模型卡片没有 CSV 表头：请以对象 { 列名: 值 } 的形式给出一行。',
      rowType: '一行应当是对象 { 列名: 值 } 或单元格列表。',
      notTable: '这个模型卡片没有表格列：{dataset} 的输入是{kind}。',
      notImage: '这个模型的输入是{kind}，不是图像。',
      imageSize: '图像为 {width}×{height}，而模型需要 {modelWidth}×{modelHeight}。',
      noPixels: '图像还没有像素（请等它加载完成）。',
      pixelCount: '一张图像需要 {size} 个像素值（{height}×{width}×{channels}），而不是 {got} 个。',
      noTf: '没有加载 TensorFlow.js：这个文件夹中缺少 tf.min.js。',
      cardUnreadable: '无法读取 {url}（HTTP {status}）。',
    },
  },
};
