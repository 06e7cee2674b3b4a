/** English strings of the layer editor, its shape checks and the evaluation views (issue 5). Spread into `en`. */
const shape = (s: number[]) => `[${s.join(', ')}]`;

export const modelMessages = {
  layerNames: {
    dense: 'Dense',
    conv2d: 'Conv2D',
    maxPooling2d: 'MaxPooling2D',
    flatten: 'Flatten',
    dropout: 'Dropout',
    batchNormalization: 'BatchNormalization',
  },
  shapeErrors: {
    layer: (index: number, type: string) => `Layer ${index} (${type})`,
    empty: 'The model has no layers: add at least one.',
    needsImage: (layer: string, s: number[], first: boolean) =>
      `${layer} needs an image input [height, width, channels] but gets ${shape(s)}. ${first ? 'This data is not a set of images: use Dense layers.' : 'Put it before any Flatten or Dense layer.'}`,
    needsFlat: (layer: string, s: number[]) => `${layer} gets ${shape(s)}: add a Flatten layer before it.`,
    alreadyFlat: (layer: string, s: number[]) => `${layer} gets ${shape(s)}, which is already flat: remove this layer.`,
    tooSmall: (layer: string, s: number[], window: number) =>
      `${layer} gets ${shape(s)}, smaller than its ${window}×${window} window: use “same” padding, a smaller window, or fewer pooling layers before it.`,
    badInteger: (layer: string, field: string, value: number, max: number) => `${layer}: ${field} must be a whole number from 1 to ${max}, got ${value}.`,
    badRate: (layer: string, value: number) => `${layer}: the dropout rate must be at least 0 and below 1, got ${value}.`,
    outputClasses: (layer: string, s: number[], classes: number) =>
      `${layer} is the last layer and outputs ${shape(s)}, but the data has ${classes} classes: it must output [${classes}] (a Dense layer with ${classes} units).`,
    outputRegression: (layer: string, s: number[]) => `${layer} is the last layer and outputs ${shape(s)}, but regression predicts one number: it must output [1] (a Dense layer with 1 unit).`,
    needsSoftmax: (layer: string, activation: string) =>
      `${layer} is the last layer and uses “${activation}”, but cross-entropy needs class probabilities: use softmax on the last layer.`,
    lastNotDense: (layer: string) => `${layer} is the last layer, but the output must come from a Dense layer (with softmax for classes, linear for regression).`,
    softmaxRegression: (layer: string) => `${layer} uses softmax, which always outputs 1 for one unit: use a linear activation to predict a number.`,
    lossTask: (loss: string, task: string, fits: string) => `The loss “${loss}” does not fit a ${task} task: use ${fits}.`,
  },
  editor: {
    title: 'Model',
    preset: 'Preset',
    custom: 'Custom',
    presets: {
      classicMlp: 'Classic MLP (Keras MNIST)',
      deepMlp: 'Deeper MLP with dropout',
      lenet: 'LeNet-style CNN (28×28)',
      fashionCnn: 'Small CNN (Fashion-MNIST)',
      logistic: 'Logistic regression',
      linear: 'Linear regression',
    },
    layers: 'Layers',
    input: 'Input',
    output: 'Output',
    params: 'Params',
    total: 'Total',
    units: 'units',
    activation: 'activation',
    filters: 'filters',
    kernel: 'kernel',
    pool: 'pool',
    stride: 'stride',
    padding: 'padding',
    rate: 'rate',
    moveUp: (label: string) => `Move ${label} up`,
    moveDown: (label: string) => `Move ${label} down`,
    remove: (label: string) => `Remove ${label}`,
    add: 'Add layer',
    addType: 'Layer type',
    addHint: 'New layers go before the output layer.',
    loss: 'Loss',
    losses: { sparseCategoricalCrossentropy: 'Cross-entropy (classes)', meanSquaredError: 'Mean squared error', meanAbsoluteError: 'Mean absolute error' },
    refused: 'This model cannot train on this data:',
    tfCheck: (tfTotal: number) => `TF.js built it: ${tfTotal.toLocaleString('en')} parameters.`,
  },
};
