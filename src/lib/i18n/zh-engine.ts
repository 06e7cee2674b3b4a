/**
 * 每个引擎代码（错误、提示、通知）的简体中文文本，与 en-engine.ts 一一对应。以 `EngineTexts` 为类型，
 * 因此缺少某个代码的文本、或多出一个没有代码的文本，都会导致编译错误。
 */
import type { EngineMessage, LayerRef } from '../engine/errors';
import type { BinaryFormat } from '../engine/data/sniff';
import type { EngineTexts } from './en-engine';
import { zhDataMessages } from './zh-data';
import { zhModelMessages } from './zh-model';

/** 字节数，按 `formatBytes` 的方式（二进制）换算，单位用中文用户熟悉的写法。 */
const bytesText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${+(bytes / (1024 * 1024)).toFixed(1)} MB` : bytes >= 1024 ? `${+(bytes / 1024).toFixed(1)} KB` : `${bytes} 字节`;
/** 内存检查所说的字节数：超过 1 GB 时以 GB 表示。 */
const gigabytes = (bytes: number) => (bytes >= 1024 ** 3 ? `${+(bytes / 1024 ** 3).toFixed(1)} GB` : bytesText(bytes));
const engineNames: Record<string, string> = { wasm: '该引擎（WebAssembly）', cpu: '该引擎（纯 JavaScript）', webgl: '该引擎（WebGL）', webgpu: '该引擎（WebGPU）' };

const q = (s: string) => `“${s.length > 40 ? `${s.slice(0, 40)}…` : s}”`;
const n = (v: number) => v.toLocaleString('zh-CN');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const shape = (s: readonly (number | null)[]) => `[${s.join(', ')}]`;
const kindNames = zhDataMessages.dataErrors.kindNames;
const losses = zhModelMessages.editor.losses;
const tasks = { classification: '分类', regression: '回归' } as const;
const layer = (p: LayerRef) => `第 ${p.layer} 层（${zhModelMessages.layerNames[p.type]}）`;
const formats: Record<BinaryFormat, string> = {
  png: 'PNG 图像',
  jpeg: 'JPEG 图像',
  gif: 'GIF 图像',
  webp: 'WEBP 图像',
  bmp: 'BMP 图像',
  zip: 'zip 压缩包（Excel 的 .xlsx 文件也是）',
  gzip: 'gzip 压缩数据',
  pdf: 'PDF 文档',
  office: '旧版 Excel/Word 文档',
};
const looksLike = (format: BinaryFormat | null) => (format ? `：它看起来是${formats[format]}` : '');
const shapeFields = { units: '单元数', filters: '卷积核数', kernelSize: '卷积核大小', poolSize: '池化窗口大小', strides: '步幅' } as const;
const undecodable = (p: { file: string; reason: string }) => `${p.file} 无法解码为图像（${p.reason}）；文件可能已损坏或不完整。`;
const withFailures = (first: string, failures: { file: string; reason: string }[]) => [first, ...failures.slice(0, 5).map(undecodable)].join('');
const best = (b: { loss: number; epoch: number } | null) => (b ? `（最佳为第 ${b.epoch} 轮的 ${b.loss.toFixed(4)}）` : '');
const restoredText = (b: { epoch: number } | null, restored: boolean) => (restored && b ? `已恢复第 ${b.epoch} 轮的权重。` : '');
const missingFeatures = {
  webgpu: '此浏览器不支持 WebGPU',
  webgpuAdapter: '没有可用的 WebGPU 适配器',
  offscreenCanvas: 'Worker 中没有 OffscreenCanvas',
  webgl2: 'Worker 中无法创建 WebGL2 上下文',
  webassembly: '不支持 WebAssembly',
} as const;
const jobs = {
  training: '已有一次运行正在进行。',
  tuning: '自动调参正在运行；请等待它完成或取消它。',
  landscape: '正在计算损失地形；请先取消它。',
  evaluating: '正在测试集上评估模型；请稍候。',
  recovering: '引擎正在从一次失败的内存分配中恢复；请稍候。',
};

/** 嵌套消息（失败中的失败）的中文文本。 */
function say(m: EngineMessage): string {
  return (zhEngine[m.code] as (p: EngineMessage['params']) => string)(m.params);
}

export const zhEngine: EngineTexts = {
  // 会话
  'session.noDataset': () => '请先加载数据集。',
  'session.noModel': () => '还没有模型：请选择一个模型并训练它。',
  'session.busy': (p) => jobs[p.job],
  'session.superseded': () => '此请求已被一个更新的请求取代。',
  'session.noEvaluation': () => '请先在测试集上评估模型。',
  'session.not2d': () => '决策边界需要有两个输入特征的分类数据。',
  'session.invalidConfig': (p) => `设置无效：${p.problems.map(say).join('；')}。`,
  'session.notSequential': () => '这里只能训练顺序模型（层与层依次相连）。',
  'session.backendReset': (p) => `${p.backend} 后端已重置；模型已从 ${p.restored} 恢复。`,
  'session.allocationFailed': (p) => `${p.backend} 内存不足（${p.detail}）；后端已重启，并已恢复上一个正常的模型。请尝试更小的批大小或模型。`,
  'session.importCannotBuild': (p) => `model.json 通过了检查，但 TF.js 无法构建它：${p.detail}`,
  'session.importUnsupportedLayers': (p) => `Descent 无法重建这些层（train.py 也不能）：${p.layers.join('、')}。`,
  'session.runNotStored': () => '该运行已不再保存（已被删除）。',
  'session.checkpointMissing': (p) => `该运行的${p.kind === 'best' ? '最佳' : '最后'}权重未保存（为释放空间已被删除，或从未保存）。`,
  'session.otherData': (p) => `该运行是在 ${p.run}（校验和 ${p.checksum}…）上训练的，而不是当前加载的 ${p.loaded}：请先加载它的数据。`,
  'session.tfjsUnreadable': (p) => `无法读取 tf.min.js（HTTP ${p.status}）。`,
  // 数据
  'data.tooLarge': (p) => zhDataMessages.dataErrors.tooLarge(p.file, bytesText(p.bytes), bytesText(p.limit), kindNames[p.kind]),
  'data.badGzip': (p) => `${p.file}：gzip 数据已损坏或不完整（${p.detail}）。`,
  'data.noTable': () => '请先选择一个 CSV 文件。',
  'data.targetMissing': (p) => `已略去 ${n(p.count)} 行缺少目标值的数据。`,
  'data.droppedRows': (p) => `已删除 ${n(p.count)} 行含缺失值的数据。`,
  'data.filled': (p) => `已填充 ${n(p.count)} 个缺失值：数值用训练集均值，类别用最常见的取值。`,
  'data.unseenCategories': (p) => `验证集或测试集的行中有 ${n(p.count)} 个取值属于训练集中从未出现过的类别（编码为全零）。`,
  'data.badValidationSplit': (p) => `验证集比例必须在 [0, 1) 内，实际为 ${p.value}`,
  'data.badTestFraction': (p) => `测试集比例必须在 (0, 1) 内，实际为 ${p.value}`,
  'data.badSyntheticSize': (p) => `点数必须是 ${p.min} 到 ${p.max} 之间的整数，实际为 ${p.count}`,
  'data.badSyntheticClasses': (p) => `类别数必须在 ${p.min} 到 ${p.max} 之间，实际为 ${p.classes}`,
  'data.checksumMismatch': (p) => `${p.file}：收到的文件与发布的文件不一致（SHA-256 为 ${String(p.actual).slice(0, 12)}…，应为 ${String(p.expected).slice(0, 12)}…）。请重新选择该数据集以重新加载。`,
  'data.streamFailed': (p) => `${p.file} 传输中断（${p.detail}）。请重新选择该数据集以重新加载。`,
  // CSV
  'csv.notText': (p) =>
    `${p.file} 不是 CSV 或 TSV 文本文件${p.format ? looksLike(p.format) : '：它包含二进制数据'}。请将表格导出为 CSV（以逗号或制表符分隔的文本）后重试。`,
  'csv.encoding': (p) =>
    `${p.file} 使用了 Descent 无法读取的文本编码：它既不是 UTF-8（带或不带 BOM）、带 BOM 的 UTF-16，也不是 GBK/GB18030 或 Windows-1252。请另存为“CSV UTF-8”后重试。`,
  'csv.empty': (p) => `${p.file} 是空文件：没有任何行。`,
  'csv.headerOnly': (p) => `${p.file} 只有表头行，没有数据行。`,
  'csv.noHeader': (p) =>
    `${p.file} 没有表头行：第 1 行（${q(p.first)}）是数据而不是列名，因此这 ${p.columns} 列被命名为“第 1 列”到“第 ${p.columns} 列”。只有在判断有误时，才取消勾选“首行为列名”。`,
  'csv.ragged': (p) => `${p.file}，第 ${p.line} 行：有 ${p.got} 个字段，但表头有 ${p.expected} 列。每一行的每一列都需要一个值。`,
  'csv.badQuotes': (p) => `${p.file}，第 ${p.line} 行：有一个带引号的字段没有闭合（缺少一个 “"”）。`,
  'csv.nonNumeric': (p) =>
    `${p.file}，第 ${p.line} 行，列 ${q(p.column)}：${q(p.value)} 不是数字，但这一列的其他 ${n(p.others)} 个值都是数字。请修正该值，或将该列设为“类别”或“忽略”。`,
  'csv.targetNotNumeric': (p) =>
    `${p.file}，第 ${p.line} 行：目标列 ${q(p.column)} 的值为 ${q(p.value)}，不是数字，因此无法用回归预测。请将任务切换为分类。`,
  'csv.oneClass': (p) =>
    `${p.file}：目标列 ${q(p.column)} 在全部 ${n(p.rows)} 行中只有一个取值（${q(p.value)}）；分类器至少需要两个类别。请选择其他目标列。`,
  'csv.tooManyClasses': (p) =>
    `${p.file}：目标列 ${q(p.column)} 有 ${n(p.count)} 个不同的取值，超过了允许的 ${p.max} 个类别。如果它是一个数量，请将任务切换为回归；否则请选择其他目标列。`,
  'csv.noFeatures': (p) => `${p.file}：除目标列外没有剩余的输入列。请至少将一列设为数值或类别。`,
  'csv.targetIgnored': (p) => `目标列 ${q(p.column)} 被设为“忽略”；请选择其他目标列或列类型。`,
  'csv.tooFewRows': (p) =>
    `${p.file}：只有 ${n(p.rows)} 行可用${p.dropped ? `（${n(p.dropped)} 行因缺失值被删除）` : ''}；至少需要 ${p.min} 行。请改为填充缺失值而不是删除行，或使用更多数据。`,
  'csv.targetGuess': (p) =>
    `目标列：${q(p.column)}，${p.why === 'name' ? '根据列名选出' : p.why === 'y' ? '因为它名为“y”，且没有名为 target、label 或 class 的列' : '即最后一列，因为没有名为 target、label、class 或 y 的列'}。如果这不是要预测的内容，请另选一列。`,
  // 图像
  'images.notImage': (p) => `${p.file} 不是图像${looksLike(p.format)}。请使用 PNG、JPEG、GIF、WebP 或 BMP 文件，或它们的 zip 压缩包。`,
  'images.undecodable': undecodable,
  'images.notZip': (p) => `${p.file} 不是 zip 压缩包${looksLike(p.format)}。`,
  'images.badZip': (p) => `${p.file} 无法解压（${p.reason}）；压缩包可能已损坏。`,
  'images.none': (p) => `${p.source} 中没有图像（PNG、JPEG、GIF、WebP 或 BMP）。`,
  'images.notInFolders': (p) =>
    `${p.source}：有 ${n(p.count)} 张图像不在类别文件夹中（例如 ${p.example}）；请把每个类别的图像放进以该类别命名的子文件夹。`,
  'images.oneClass': (p) => `${p.source}：全部 ${n(p.count)} 张图像都属于同一个类别（${q(p.name)}）；分类器至少需要两个类别，每个类别一个文件夹。`,
  'images.tooManyClasses': (p) => `${p.source} 有 ${n(p.count)} 个类别文件夹，超过了允许的 ${p.max} 个类别。`,
  'images.tooMany': (p) => `${p.source} 包含 ${n(p.count)} 张图像，超过了单个数据集允许的 ${n(p.max)} 张。`,
  'images.emptyClass': (p) => withFailures(zhDataMessages.dataErrors.emptyClass(p.name), p.failures),
  'images.allUndecodable': (p) => withFailures(`${n(p.count)} 张图像都无法解码；详见下方信息。`, p.failures),
  'images.skipped': ({ files }) => `已跳过 ${files.length} 个非图像文件：${files.slice(0, 5).join('、')}${files.length > 5 ? '、…' : ''}。`,
  'images.badResize': (p) => `无法将 ${p.width}×${p.height} 的图像缩放为 ${p.size}×${p.size}`,
  'images.unpacksTooLarge': (p) =>
    `${p.file} 解压后至少有 ${bytesText(p.bytes)}，超过了单个图像 zip 包允许的 ${bytesText(p.limit)}，因此未解压。请使用更少或更小的图像。`,
  // idx
  'idx.tooShort': (p) => `${p.file}：${p.bytes} 字节太短，不足以构成 idx 文件头（至少需要 4 字节）。`,
  'idx.badMagic': (p) => `${p.file}：魔数 ${p.magic}（0x${p.magic.toString(16).padStart(8, '0')}）错误；uint8 的 idx 文件应以 2049（标签）或 2051（图像）开头。`,
  'idx.wrongRank': (p) => `${p.file}：有 ${p.rank} 个维度（魔数 ${p.magic}），但应为 ${p.expected} 个；图像文件和标签文件是否弄反了？`,
  'idx.truncatedHeader': (p) => `${p.file}：文件头不完整（${p.bytes} / ${p.needed} 字节）。`,
  'idx.truncated': (p) => `${p.file}：数据不完整：文件头声明有 ${p.dims.join('×')} = ${p.count} 字节数据，但后面只有 ${p.available} 字节。`,
  'idx.labelCount': (p) => `${p.file}：有 ${p.labels} 个标签，但 ${p.imageFile} 中有 ${p.images} 张图像。`,
  'idx.labelRange': (p) => `${p.file}：索引 ${p.index} 处的标签 ${p.label} 不在 0..${p.max} 范围内。`,
  'idx.sizeMismatch': (p) => `训练图像为 ${p.train[0]}×${p.train[1]}，而测试图像为 ${p.test[0]}×${p.test[1]}。`,
  'idx.tooLarge': (p) => `${p.file}：文件头声明有 ${p.dims.join('×')} 个值，超过内置文件允许的 ${bytesText(p.limit)}。`,
  // 形状检查
  'shape.empty': () => '模型没有任何层：请至少添加一层。',
  'shape.needsImage': (p) =>
    `${layer(p)}需要图像输入 [高, 宽, 通道]，但得到的是 ${shape(p.shape)}。${p.first ? '这些数据不是图像：请使用 Dense 层。' : '请把它放在所有 Flatten 或 Dense 层之前。'}`,
  'shape.needsFlat': (p) => `${layer(p)}得到的是 ${shape(p.shape)}：请在它之前添加一个 Flatten 层。`,
  'shape.alreadyFlat': (p) => `${layer(p)}得到的是 ${shape(p.shape)}，已经是一维的：请删除这一层。`,
  'shape.tooSmall': (p) =>
    `${layer(p)}得到的是 ${shape(p.shape)}，比它的 ${p.window}×${p.window} 窗口还小：请使用“same”填充、更小的窗口，或在它之前减少池化层。`,
  'shape.badInteger': (p) => `${layer(p)}：${shapeFields[p.field]}必须是 1 到 ${p.max} 之间的整数，实际为 ${p.value}。`,
  'shape.badRate': (p) => `${layer(p)}：Dropout 比例必须不小于 0 且小于 1，实际为 ${p.value}。`,
  'shape.outputClasses': (p) =>
    `${layer(p)}是最后一层，输出 ${shape(p.shape)}，但数据有 ${p.classes} 个类别：它必须输出 [${p.classes}]（一个有 ${p.classes} 个单元的 Dense 层）。`,
  'shape.outputRegression': (p) => `${layer(p)}是最后一层，输出 ${shape(p.shape)}，但回归只预测一个数：它必须输出 [1]（一个只有 1 个单元的 Dense 层）。`,
  'shape.needsSoftmax': (p) => `${layer(p)}是最后一层，使用的是“${p.activation}”，但交叉熵需要类别概率：请在最后一层使用 softmax。`,
  'shape.lastNotDense': (p) => `${layer(p)}是最后一层，但输出必须来自 Dense 层（分类用 softmax，回归用线性激活）。`,
  'shape.softmaxRegression': (p) => `${layer(p)}使用了 softmax，而单个单元的 softmax 输出恒为 1：要预测一个数，请使用线性激活。`,
  'shape.lossTask': (p) => `损失函数“${losses[p.loss]}”不适用于${tasks[p.task]}任务：请使用${p.fits.map((l) => losses[l]).join('或')}。`,
  // 模型
  'model.empty': () => '模型没有任何层。',
  'model.badUnits': (p) => `第 ${p.layer} 层（Dense）：单元数必须是正整数，实际为 ${p.units}。`,
  'model.badRate': (p) => `第 ${p.layer} 层（Dropout）：比例必须在 [0, 1) 内，实际为 ${p.rate}。`,
  'model.doesNotFit': (p) => `模型与形状为 ${shape(p.shape)} 的数据不匹配：${p.detail}`,
  'model.outputClasses': (p) => `最后一层（${p.name}）的输出形状为 ${shape(p.shape)}，但数据有 ${p.classes} 个类别：它必须输出 [${p.classes}]。`,
  'model.inputShape': (p) => `该模型的输入形状为 ${shape(p.modelShape)}，但 ${p.dataset} 的样本形状为 ${shape(p.dataShape)}。请加载它训练时所用的数据。`,
  'model.notBuildable': (p) => `TF.js 无法根据 model.json 构建模型：${p.detail}`,
  // 导入
  'import.noFiles': () => '请选择一个模型：导出的 .zip，或 model.json 及其权重文件。',
  'import.fileTooLarge': (p) => `${p.file} 大小为 ${mb(p.bytes)}；Descent 可导入的单个文件最大为 ${mb(p.limit)}。`,
  'import.notZip': (p) => `${p.file} 不是 zip 压缩包（文件开头不像 zip）。`,
  'import.tooManyEntries': (p) => `${p.file} 包含超过 ${p.max} 个文件：它不是导出的模型。`,
  'import.unpacksTooLarge': (p) => `${p.file} 解压后超过 ${mb(p.limit)}，这是 Descent 可导入的上限。`,
  'import.badZip': (p) => `${p.file} 不是可读取的 zip 压缩包（${p.detail}）。`,
  'import.badJson': (p) => `${p.file} 不是有效的 JSON，因此无法作为模型${p.as === 'card' ? '卡片' : ''}读取（${p.detail}）。`,
  'import.manyModelJson': (p) => `找到 ${p.count} 个名为 model.json 的文件：请一次只导入一个模型。`,
  'import.noModelJson': (p) => `${p.files.join('、') || '所选文件'}中没有 model.json：请选择导出的 .zip，或 model.json 及其权重文件。`,
  'import.modelJsonTooLarge': (p) => `${p.file} 大小为 ${mb(p.bytes)}：作为模型描述文件太大了（上限为 ${mb(p.limit)}）。`,
  'import.isCard': (p) => `${p.file} 是 Descent 的模型卡片，而不是模型：请选择 model.json 及其权重文件，或整个 .zip。`,
  'import.notObject': (p) => `${p.file} 不是 TF.js 模型：它包含的是${p.holds === 'list' ? '一个列表' : ` ${p.holds}`}，而不是含 modelTopology 和 weightsManifest 的对象。`,
  'import.graphModel': (p) => `${p.file} 是 TF.js 图模型（由 SavedModel 转换而来）：这里只能评估和训练 layers 模型。`,
  'import.missingKey': (p) => `${p.file} 不是 TF.js layers 模型：它没有 ${p.key}（其中包含：${p.keys.join(', ') || '无'}）。`,
  'import.noClassName': (p) => `${p.file}：modelTopology 中没有 class_name，因此它描述的不是 Keras/TF.js layers 模型。`,
  'import.emptyManifest': (p) => `${p.file}：weightsManifest 必须是非空的权重组列表。`,
  'import.badGroup': (p) => `${p.file}：清单中的第 ${p.group} 个权重组需要一个路径列表和一个权重列表。`,
  'import.specNoName': (p) => `${p.file}：第 ${p.group} 组的第 ${p.weight} 个权重没有名称：权重清单已损坏。`,
  'import.specShape': (p) => `${p.file}：第 ${p.group} 组的第 ${p.weight} 个权重（'${p.name}'）：形状必须是非负整数列表，实际为 ${p.shape}。`,
  'import.specDtype': (p) =>
    `${p.file}：第 ${p.group} 组的第 ${p.weight} 个权重（'${p.name}'）：不支持数据类型 '${p.dtype}'（支持 float32、int32、bool；量化的 uint8、uint16、float16）。`,
  'import.specQuantisation': (p) => `${p.file}：第 ${p.group} 组的第 ${p.weight} 个权重（'${p.name}'）：${p.dtype} 量化需要数值型的 scale 和 min。`,
  'import.missingWeights': (p) => `model.json 需要权重文件 '${p.name}'，但它不在所选文件中。`,
  'import.weightsSize': (p) =>
    `权重文件 ${p.files.join('、')} 共有 ${n(p.actual)} 字节，但 model.json ${p.group === null ? '' : `在第 ${p.group} 组中`}描述的权重为 ${n(p.expected)} 字节：文件不完整，或属于另一个模型。`,
  'import.weightsTooLarge': (p) => `权重占用 ${mb(p.bytes)}；Descent 最多可导入 ${mb(p.limit)}。`,
  'import.cardIgnored': () => 'model-card.json 不是 Descent 的模型卡片，已忽略。',
  'import.cardUnreadable': (p) => `${say(p.problem)}已忽略该文件。`,
  'import.cardField': (p) => {
    const range = p.min !== null && p.max !== null ? `（${p.min} 到 ${p.max}）` : p.min !== null ? `（至少 ${p.min}）` : p.max !== null ? `（至多 ${p.max}）` : '';
    const want = {
      object: '一个对象',
      text: `文本${p.max !== null ? `（至多 ${p.max} 个字符）` : ''}`,
      number: `一个数${range}`,
      integer: `一个整数${range}`,
      boolean: 'true 或 false',
      choice: `${p.choices.join('、')} 之一`,
      list: `一个列表${p.max !== null ? `（至多 ${p.max} 项）` : ''}`,
      hex: '一个 SHA-256 摘要（64 位小写十六进制数字）',
      absent: '空：这种层类型没有此设置',
      value: '文本、数字或 true/false',
    }[p.want];
    return `model-card.json：${p.path} 应为${want}。`;
  },
  // 导出
  'export.noWeights': () => '模型没有可保存的权重',
  // 训练设置
  'config.learningRate': (p) => `学习率必须在 (${p.min}, ${p.max}] 内，实际为 ${p.value}`,
  'config.batchSize': (p) => `批大小必须是正整数，实际为 ${p.value}`,
  'config.batchTooLarge': (p) => `批大小 ${p.batch} 超过了训练样本数 ${p.examples}`,
  'config.epochs': (p) => `轮数必须是 ${p.min} 到 ${p.max} 之间的整数，实际为 ${p.value}`,
  'config.validationSplit': (p) => `验证集比例必须在 [${p.min}, ${p.max}] 内，实际为 ${p.value}`,
  'config.seed': (p) => `随机种子必须是整数，实际为 ${p.value}`,
  'config.patience': (p) => `早停的耐心值必须是 ${p.min} 到 ${p.max} 之间的整数，实际为 ${p.value}`,
  'config.earlyStoppingNeedsValidation': () => '早停依据的是验证损失：请将验证集比例设为大于 0',
  // 训练运行
  'train.badLearningRate': (p) => `学习率必须是正数，实际为 ${p.value}`,
  'train.diverged': (p) =>
    `在学习率 ${p.lr.toPrecision(2)} 下，${p.exploded ? '损失发生爆炸（其滑动平均超过了最佳值的 4 倍）' : '损失变成了 NaN 或无穷大'}：步长过大，权重发散了。请尝试把学习率降低为原来的 1/10。`,
  'train.nonFiniteGradient': (p) => `第 ${p.step} 步时，层 ${p.layer} 的梯度变成了 NaN 或无穷大：更新发散了。请尝试更低的学习率或更小的模型。`,
  'train.nonFiniteWeights': (p) => `第 ${p.epoch} 轮之后，层 ${p.layer} 的权重中出现了 NaN 或无穷大。请尝试更低的学习率。`,
  'train.leak': (p) =>
    `内存泄漏：在最近 ${p.epochs} 轮中，每轮结束时的张量数都在增加（${p.counts.join(' → ')}）。持续分配内存的运行会耗尽内存，因此已被停止；这是训练代码的缺陷，请报告它。`,
  'train.earlyStopped': (p) => `在第 ${p.epoch} 轮后提前停止：验证损失已连续 ${p.patience} 轮没有改善${best(p.best)}。${restoredText(p.best, p.restored)}`,
  'train.finishedAll': (p) => `已完成全部轮次${best(p.best)}。${restoredText(p.best, p.restored)}`,
  'train.storageFull': (p) => `浏览器存储已满：本次运行的第 ${p.epoch} 轮尚未保存。请在“运行记录”中删除旧的运行（或它们的权重）；下一轮会重试。`,
  'train.saveFailed': (p) => `保存运行失败：${p.detail}`,
  'train.fusedAdamHeap': () => '融合 Adam：有张量不在 WASM 堆上',
  'train.fusedAdamCpu': () => '融合 Adam：有张量不在 CPU 后端的内存中',
  // 后端
  'backend.startTimeout': (p) => `${p.backend} 未能在 ${p.seconds} 秒内启动`,
  'backend.initFailed': () => '初始化失败',
  'backend.notIncluded': (p) => `${p.backend}：本版本未包含该后端`,
  'backend.unavailable': (p) => `${p.backend}：${p.problem ? say(p.problem) : '在此设备上不可用'}`,
  'backend.softwareGpu': (p) => `${p.backend}：已跳过，GPU 由软件模拟（${p.detail}），比 WASM 更慢`,
  'backend.startFailed': (p) => `${p.backend}：${say(p.problem)}`,
  'backend.noneStarted': (p) => `没有任何 TF.js 后端能够启动：${p.notices.map(say).join('；')}`,
  'backend.noneTrained': (p) => `没有任何后端能够训练该模型：${p.failures.map((f) => `${f.backend}：${say(f.problem)}`).join('；')}`,
  'backend.chosenByYou': (p) => `${p.backend}：由你选择`,
  'backend.firstThatWorks': (p) => `${p.backend}：${p.order.join(' → ')} 中第一个能在此运行的后端`,
  'backend.fastestKind': (p) => `${p.backend}：此处可用的最快一类后端`,
  'backend.channelsLastOnly': () => 'Conv2DBackpropFilter（WASM）：只支持通道在后（channels-last）的数据。',
  'bench.firstStepTooSlow': (p) => `它的第一个训练步用时超过 ${p.seconds.toFixed(1)} 秒`,
  // 调参
  'tune.batchTooLarge': (p) => `批大小 ${p.batch} 超过了样本数 ${p.examples}`,
  'tune.noBatchMeasured': (p) => `无法测量任何批大小：${say(p.why)}`,
  'tune.planLimit': (p) => `已达到训练计划允许的最大批大小（${p.batch}）`,
  'tune.triedLimit': (p) => `已达到尝试范围内的最大批大小（${p.batch}）`,
  'tune.batchFailed': (p) => `批大小 ${p.batch} 在该后端上失败（${say(p.problem)}）`,
  'tune.stepTooSlow': (p) => `批大小为 ${p.batch} 时一步用时 ${p.ms.toFixed(0)} 毫秒（预算 ${p.budget} 毫秒）`,
  'tune.smallGain': (p) => `翻倍到 ${p.batch} 后吞吐量提升不足 5%`,
  'tune.chosenNoNoise': (p) => `无法估计梯度噪声，因此按吞吐量选择了批大小 ${p.batch}（${Math.round(p.samplesPerSec)} 样本/秒）。`,
  'tune.chosenFastest': (p) =>
    `批大小 ${p.batch} 的吞吐量最高（${Math.round(p.samplesPerSec)} 样本/秒），且相对梯度噪声尺度（${Math.round(p.noiseScale)}）仍然较小，因此能最快达到目标。`,
  'tune.chosenBelowNoise': (p) =>
    `批大小 ${p.fastest} 每秒能处理更多样本，但超过梯度噪声尺度（${Math.round(p.noiseScale)}）后，更大的批需要成比例地更多样本，因此批大小 ${p.batch} 能最快达到目标。`,
  'tune.noiseScaleInput': () => '需要样本，且满足 0 < 小批 < 大批',
  // 损失地形、决策边界
  'landscape.badSize': (p) => `网格大小必须是 ${p.min} 到 ${p.max} 之间的整数，实际为 ${p.value}`,
  'landscape.badRange': (p) => `范围必须为正数，实际为 ${p.value}`,
  'landscape.pcaNeedsEpochs': (p) => `PCA 方向至少需要两轮的权重；本次运行只有 ${p.epochs} 轮。请训练更久，或使用随机方向。`,
  'landscape.pcaFlat': () => '训练轨迹至少需要两个与最终权重不同的快照。',
  'boundary.badSize': (p) => `网格大小必须是 ${p.min} 到 ${p.max} 之间的整数，实际为 ${p.value}`,
  // 通用
  'engine.failed': (p) => p.detail,
  'run.heldElsewhere': (p) => `运行“${p.name}”已在另一个标签页中打开并由其保存；此标签页无法写入它。`,
  'race.contenders': (p) => `一场竞速需要 ${p.min} 到 ${p.max} 个参赛者，而不是 ${p.count} 个。`,
  'shape.tooLarge': (p) =>
    `以批大小 ${n(p.batchSize)} 训练该模型约需 ${gigabytes(p.bytes)} 内存；${engineNames[p.backend] ?? '该引擎'}约能提供 ${gigabytes(p.budget)}。请减少卷积核数或单元数、更早进行池化，或使用更小的批大小。`,
  'backend.missingFeature': (p) => missingFeatures[p.feature],
  'backend.softwareNotTimed': (p) => `由软件模拟（${p.detail}），远慢于 WASM；未计时`,
};
