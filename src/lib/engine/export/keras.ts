/**
 * train.py of an exported bundle: a Keras script that rebuilds the same model, loads the exported weights and
 * trains it with the same hyper-parameters on the same data file with the same preprocessing, for users who
 * move to their own GPUs. Generated from the model card; the layer mapping below is the one place that must
 * follow new layer types. The data and weight reading is the numpy code train_torch.py shares
 * (assets/train_common.py), so both scripts read the data as the app does.
 */
import type { LayerSpec } from '../models/spec';
import type { ModelCard } from '../runs/record';
import { DEFAULT_CONFIG, type OptimizerName } from '../train/config';
import { pyInt, pyLit as py, pyNum, pyStr } from './escape';
import { commonPy, renderCardConstants } from './python-card';

/** One Keras layer per spec layer, named as Descent names its TF.js layers. */
function kerasLayer(layer: LayerSpec, index: number): string {
  const name = `name=${py(`${layer.type}_${index + 1}`)}`;
  switch (layer.type) {
    case 'flatten':
      return `layers.Flatten(${name})`;
    case 'dense':
      return `layers.Dense(${pyInt(layer.units)}, activation=${pyStr(layer.activation)}, ${name})`;
    case 'dropout':
      return `layers.Dropout(${pyNum(layer.rate)}, ${name})`;
    case 'conv2d':
      return `layers.Conv2D(${pyInt(layer.filters)}, ${pyInt(layer.kernelSize)}, strides=${pyInt(layer.strides)}, padding=${pyStr(layer.padding)}, activation=${pyStr(layer.activation)}, ${name})`;
    case 'maxPooling2d':
      return `layers.MaxPooling2D(pool_size=${pyInt(layer.poolSize)}, strides=${pyInt(layer.strides)}, padding=${pyStr(layer.padding)}, ${name})`;
    case 'batchNormalization':
      // TF.js's defaults, which are Keras' too: stated so a change of defaults on either side shows.
      return `layers.BatchNormalization(momentum=0.99, epsilon=0.001, ${name})`;
  }
}

function kerasOptimizer(name: OptimizerName, learningRate: number): string {
  const lr = pyNum(learningRate);
  switch (name) {
    case 'sgd':
      return `keras.optimizers.SGD(learning_rate=${lr})`;
    case 'momentum':
      return `keras.optimizers.SGD(learning_rate=${lr}, momentum=0.9)`;
    case 'rmsprop':
      return `keras.optimizers.RMSprop(learning_rate=${lr}, rho=0.9, epsilon=1e-7)`;
    case 'adam':
      return `keras.optimizers.Adam(learning_rate=${lr}, beta_1=0.9, beta_2=0.999, epsilon=1e-7)`;
  }
}

/** The whole train.py for a card (Python 3.9+, Keras 3 or tf.keras 2.x). */
export function renderTrainPy(card: ModelCard): string {
  const d = card.dataset;
  const h = card.hyperParameters ?? DEFAULT_CONFIG;
  const layers = card.model.layers.map((l, i) => `        ${kerasLayer(l, i)},`).join('\n');
  const early = h.earlyStopping
    ? `[keras.callbacks.EarlyStopping(monitor="val_loss", patience=${pyInt(h.earlyStopping.patience)}, restore_best_weights=${py(h.earlyStopping.restoreBest)})]`
    : '[]';
  return `#!/usr/bin/env python3
"""Rebuild this Descent model in Keras, load its exported weights and train it with the same hyper-parameters.

The model's name, dataset and settings are the constants below (from model-card.json).${card.hyperParameters ? '' : '\nThe hyper-parameters of this model were not known (it was imported without a card): these are Descent\'s defaults.'}

    pip install tensorflow numpy pillow     # or Keras 3 on another backend: pip install keras jax numpy
    python3 train.py --data DATA            # continue from the exported TF.js weights in this folder
    python3 train.py --data DATA --from-scratch
    python3 train.py                        # MNIST and Fashion-MNIST: Keras downloads them

DATA is what the model was trained on: the CSV file, a folder with MNIST's four idx files, a folder with one
sub-folder of images per class, or an .npz with raw x_train, y_train, x_test, y_test. The preprocessing of
model-card.json is applied as in the app; a CSV or an image folder is split into training and test rows as
the app split it (defaults --test-fraction 0.2 --split-seed 1, the app's), and so is the validation split.

Differences from the browser run: Keras shuffles with its own random numbers and also trains on the last
partial batch of an epoch; a learning-rate schedule is not applied (train_torch.py applies it).
"""
import argparse
import csv
import gzip
import hashlib
import io
import json
import math
import os
import re
import struct

import numpy as np

${renderCardConstants(card)}
KERAS_LOSS = {"sparseCategoricalCrossentropy": "sparse_categorical_crossentropy", "meanSquaredError": "mean_squared_error",
              "meanAbsoluteError": "mean_absolute_error"}[LOSS]

${commonPy.trimEnd()}


# ---- Keras ----

def build_model(keras):
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=INPUT_SHAPE),
${layers}
    ], name="descent_model")


def make_optimizer(keras):
    return ${kerasOptimizer(h.optimizer, h.learningRate)}


# Keras' order of each layer's weights; TF.js lists batch norm's moving statistics after all trainable weights.
KERAS_WEIGHT_ORDER = ["kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance"]


def load_tfjs_weights(model, folder):
    """Loads model.json + weight shards written by TF.js (float32, or quantised float16/uint8) into the layers in order.

    TF.js and Keras share the layout: Dense kernels [in, out], Conv2D kernels [kh, kw, in, out], channels last.
    """
    _, named = read_tfjs_model(folder)
    groups = weights_by_layer(named)
    weighted = [layer for layer in model.layers if layer.weights]
    if len(weighted) != len(groups):
        raise DataProblem("model.json holds weights for %d layers, the Keras model has %d" % (len(groups), len(weighted)))
    for layer, (_, weights) in zip(weighted, groups):
        keys = sorted(weights, key=lambda k: KERAS_WEIGHT_ORDER.index(k) if k in KERAS_WEIGHT_ORDER else len(KERAS_WEIGHT_ORDER))
        layer.set_weights([weights[k] for k in keys])


def load_data(args):
    """The data preprocessed as in the app; MNIST-style datasets come from Keras when no --data is given."""
    if args.data or COLUMNS is not None or DATASET_ID not in ("mnist", "fashion-mnist"):
        return load_dataset(args.data, args.test_fraction, args.split_seed, args.encoding)
    import keras
    source = keras.datasets.mnist if DATASET_ID == "mnist" else keras.datasets.fashion_mnist
    (x_train, y_train), (x_test, y_test) = source.load_data()
    return {"x_train": preprocess_raw(x_train), "y_train": y_train.astype(np.int64), "x_test": preprocess_raw(x_test),
            "y_test": y_test.astype(np.int64), "files": [], "notes": []}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", metavar="PATH", help="the CSV, the idx folder, the image folder or an .npz (see above)")
    parser.add_argument("--init-weights", metavar="FOLDER", default=here, help="folder with the exported model.json and weights (default: this script's folder)")
    parser.add_argument("--from-scratch", action="store_true", help="start from Keras' own initial weights")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--test-fraction", type=float, default=DEFAULT_TEST_FRACTION, help="CSV and image folders: the app's test share")
    parser.add_argument("--split-seed", type=int, default=DEFAULT_SPLIT_SEED, help="CSV and image folders: the app's split seed")
    parser.add_argument("--encoding", help="text encoding of the CSV (default: UTF-8, or UTF-16 with a byte-order mark)")
    parser.add_argument("--out", default="model.keras")
    args = parser.parse_args()

    try:
        data = load_data(args)
    except DataProblem as err:
        raise SystemExit("train.py: %s" % err)
    for note in data["notes"]:
        print(note)
    import keras
    keras.utils.set_random_seed(SEED)
    x_train, y_train, x_test, y_test = data["x_train"], data["y_train"], data["x_test"], data["y_test"]
    train_idx, val_idx = split_indices(len(x_train), VALIDATION_SPLIT, SEED)

    model = build_model(keras)
    if not args.from_scratch:
        try:
            load_tfjs_weights(model, args.init_weights)
        except DataProblem as err:
            raise SystemExit("train.py: %s" % err)
    model.compile(optimizer=make_optimizer(keras), loss=KERAS_LOSS,
                  metrics=${d.task === 'classification' ? '["accuracy"]' : '["mean_absolute_error"]'})
    model.summary()
    model.fit(x_train[train_idx], y_train[train_idx], batch_size=BATCH_SIZE, epochs=args.epochs, shuffle=True,
              validation_data=(x_train[val_idx], y_train[val_idx]) if len(val_idx) else None,
              callbacks=${early})
    print("test loss, metric:", model.evaluate(x_test, y_test, batch_size=1000, verbose=0))
    model.save(args.out)
    print("saved", args.out)


if __name__ == "__main__":
    main()
`;
}
