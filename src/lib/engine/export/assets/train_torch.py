#!/usr/bin/env python3
"""Continue training this Descent model in PyTorch: the same layers, the exported weights, the same
preprocessing of the same data file, the same hyper-parameters; the result is written back as a TF.js
layers model that Descent imports (Import a model).

    pip install torch numpy pillow                                     # pillow only for image folders
    python3 train_torch.py --data DATA                                 # one process: CPU or one GPU
    torchrun --nproc_per_node=4 train_torch.py --data DATA             # DistributedDataParallel, 4 processes
    python3 train_torch.py --data DATA --epochs 3 --out trained        # then import trained/ into Descent
    python3 train_torch.py --data DATA --predict predictions.json      # only predict the test examples

DATA is what the model was trained on: the CSV file, a folder with MNIST's four idx files (.gz or not),
or a folder with one sub-folder of images per class (or an .npz with raw x_train, y_train, x_test, y_test).
A CSV or an image folder is split into training and test rows as the app split it (seeded and stratified;
the app's defaults are --test-fraction 0.2 --split-seed 1), and the validation rows are the app's too.

How it matches the browser run:
- Layers are rebuilt one for one (Dense, Conv2D with TF's 'same' padding, MaxPooling2D, BatchNormalization
  with TF.js's momentum 0.99 and epsilon 1e-3, Dropout, Flatten). Images enter channels-last as in TF.js and
  run channels-first inside; Flatten flattens in TF.js's channels-last order, so the exported Dense weights
  apply unchanged. Conv kernels [kh, kw, in, out] become PyTorch's [out, in, kh, kw], Dense kernels are
  transposed; writing back converts them again.
- Every epoch shuffles with Descent's own RNG and seed and drops the last partial batch, as the app does,
  so one process sees the app's batches. With N processes each global batch of --batch-size examples is
  split over the processes and the gradients are averaged (DistributedDataParallel, gloo on CPU, NCCL on
  CUDA): the hyper-parameters stay those of the browser run. Batch normalisation then normalises over each
  process's share of the batch, and the moving statistics are taken from process 0 after every epoch.
- Optimizers use TF.js's constants (Adam and RMSprop epsilon 1e-7, momentum 0.9, RMSprop rho 0.9); RMSprop
  is TF.js's own update (epsilon inside the square root), written out below. The learning-rate schedule
  and early stopping are the app's. Dropout masks come from PyTorch's RNG, not the browser's.
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
import sys
import time
import warnings
from datetime import datetime, timezone

import numpy as np

try:
    import torch
    import torch.distributed as dist
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    raise SystemExit("train_torch.py needs PyTorch (1.13 or newer) and numpy: pip install torch numpy")

{{CONSTANTS}}

{{COMMON}}

# ---- The model ----

ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    # TF.js takes the softmax over the last axis: the features, or an image's channels (axis 1 here).
    "softmax": lambda x: torch.softmax(x, dim=1),
    "elu": F.elu,
    "selu": F.selu,
}


def same_padding(size, window, stride):
    """TF's 'same' padding along one axis: output ceil(size / stride), the odd pixel padded after."""
    total = max((-(-size // stride) - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def window_out(size, window, stride, padding):
    return -(-size // stride) if padding == "same" else (size - window) // stride + 1


class Dense(nn.Module):
    tf_weights = ("kernel", "bias")

    def __init__(self, spec, shape):
        super().__init__()
        if len(shape) != 1:
            raise DataProblem("A Dense layer needs flat input, not %s: add a Flatten before it." % (shape,))
        self.linear = nn.Linear(shape[0], spec["units"])
        self.activation = spec["activation"]
        self.out_shape = [spec["units"]]

    def forward(self, x):
        return ACTIVATIONS[self.activation](self.linear(x))

    def to_tf(self):
        return {"kernel": self.linear.weight.t(), "bias": self.linear.bias}

    def from_tf(self, w):
        self.linear.weight.copy_(torch.as_tensor(w["kernel"]).t())
        self.linear.bias.copy_(torch.as_tensor(w["bias"]))

    def reset(self):
        nn.init.xavier_uniform_(self.linear.weight)
        nn.init.zeros_(self.linear.bias)


class Conv2D(nn.Module):
    tf_weights = ("kernel", "bias")

    def __init__(self, spec, shape):
        super().__init__()
        if len(shape) != 3:
            raise DataProblem("A Conv2D layer needs an image [height, width, channels], not %s." % (shape,))
        h, w, c = shape
        k, s = spec["kernelSize"], spec["strides"]
        self.conv = nn.Conv2d(c, spec["filters"], k, stride=s)
        self.activation = spec["activation"]
        self.pad = same_padding(w, k, s) + same_padding(h, k, s) if spec["padding"] == "same" else None
        self.out_shape = [window_out(h, k, s, spec["padding"]), window_out(w, k, s, spec["padding"]), spec["filters"]]

    def forward(self, x):
        if self.pad:
            x = F.pad(x, self.pad)
        return ACTIVATIONS[self.activation](self.conv(x))

    def to_tf(self):
        return {"kernel": self.conv.weight.permute(2, 3, 1, 0), "bias": self.conv.bias}

    def from_tf(self, w):
        self.conv.weight.copy_(torch.as_tensor(w["kernel"]).permute(3, 2, 0, 1))
        self.conv.bias.copy_(torch.as_tensor(w["bias"]))

    def reset(self):
        nn.init.xavier_uniform_(self.conv.weight)
        nn.init.zeros_(self.conv.bias)


class MaxPooling2D(nn.Module):
    tf_weights = ()

    def __init__(self, spec, shape):
        super().__init__()
        if len(shape) != 3:
            raise DataProblem("A MaxPooling2D layer needs an image [height, width, channels], not %s." % (shape,))
        h, w, c = shape
        self.size, self.stride = spec["poolSize"], spec["strides"]
        self.pad = same_padding(w, self.size, self.stride) + same_padding(h, self.size, self.stride) if spec["padding"] == "same" else None
        self.out_shape = [window_out(h, self.size, self.stride, spec["padding"]), window_out(w, self.size, self.stride, spec["padding"]), c]

    def forward(self, x):
        if self.pad:
            x = F.pad(x, self.pad, value=-math.inf)  # TF ignores the padding: it never wins the maximum
        return F.max_pool2d(x, self.size, self.stride)


class BatchNormalization(nn.Module):
    """TF.js's BatchNormalization over the channels (axis 1 here, the last axis in TF.js).

    Training normalises with the batch's mean and biased variance and moves the statistics by 1 - 0.99,
    with the biased variance too (torch.nn.BatchNorm keeps the unbiased one): the app's arithmetic.
    """
    tf_weights = ("gamma", "beta", "moving_mean", "moving_variance")

    def __init__(self, spec, shape):
        super().__init__()
        channels = shape[-1]
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))
        self.momentum, self.eps = 0.99, 1e-3
        self.out_shape = list(shape)

    def forward(self, x):
        dims = [0] + list(range(2, x.dim()))
        view = [1, -1] + [1] * (x.dim() - 2)
        if self.training:
            mean = x.mean(dims)
            var = ((x - mean.view(view)) ** 2).mean(dims)
            with torch.no_grad():
                self.running_mean.mul_(self.momentum).add_(mean.detach(), alpha=1 - self.momentum)
                self.running_var.mul_(self.momentum).add_(var.detach(), alpha=1 - self.momentum)
        else:
            mean, var = self.running_mean, self.running_var
        return (x - mean.view(view)) * torch.rsqrt(var.view(view) + self.eps) * self.weight.view(view) + self.bias.view(view)

    def to_tf(self):
        return {"gamma": self.weight, "beta": self.bias, "moving_mean": self.running_mean, "moving_variance": self.running_var}

    def from_tf(self, w):
        for tensor, key in ((self.weight, "gamma"), (self.bias, "beta"), (self.running_mean, "moving_mean"), (self.running_var, "moving_variance")):
            tensor.copy_(torch.as_tensor(w[key]))

    def reset(self):
        for tensor, value in ((self.weight, 1), (self.bias, 0), (self.running_mean, 0), (self.running_var, 1)):
            nn.init.constant_(tensor, value)


class Dropout(nn.Dropout):
    tf_weights = ()

    def __init__(self, spec, shape):
        super().__init__(spec["rate"])
        self.out_shape = list(shape)


class Flatten(nn.Module):
    """TF.js flattens channels-last: back to [batch, height, width, channels] first."""
    tf_weights = ()

    def __init__(self, spec, shape):
        super().__init__()
        self.out_shape = [int(np.prod(shape))]

    def forward(self, x):
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        return x.reshape(x.shape[0], -1)


LAYER_CLASSES = {"dense": Dense, "conv2d": Conv2D, "maxPooling2d": MaxPooling2D, "batchNormalization": BatchNormalization,
                 "dropout": Dropout, "flatten": Flatten}


class DescentModel(nn.Module):
    """The card's layers in order. Input: [batch, *INPUT_SHAPE], images channels-last as the app feeds them."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList()
        shape = list(INPUT_SHAPE)
        for i, spec in enumerate(LAYERS):
            if spec["type"] not in LAYER_CLASSES:
                raise DataProblem("Layer %d is a %s, which train_torch.py cannot build." % (i + 1, spec["type"]))
            self.layers.append(LAYER_CLASSES[spec["type"]](spec, shape))
            shape = self.layers[-1].out_shape

    def forward(self, x):
        if x.dim() == 4:
            x = x.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW: PyTorch's convolutions run channels-first
        for layer in self.layers:
            x = layer(x)
        return x


def bind_manifest(model, named):
    """Pairs each weight of model.json's manifest with a layer of the model: [(name, layer, weight)] in manifest order."""
    groups = weights_by_layer(named)
    weighted = [layer for layer in model.layers if layer.tf_weights]
    if len(groups) != len(weighted):
        raise DataProblem("model.json holds weights for %d layers, the model has %d layers with weights." % (len(groups), len(weighted)))
    where = {}
    for layer, (prefix, weights) in zip(weighted, groups):
        if set(weights) != set(layer.tf_weights):
            raise DataProblem("model.json: layer %s holds %s, a %s holds %s." % (prefix, ", ".join(weights), type(layer).__name__, ", ".join(layer.tf_weights)))
        expected = layer.to_tf()
        for key, value in weights.items():
            if value is not None and list(value.shape) != list(expected[key].shape):
                raise DataProblem("model.json: %s/%s has the shape %s; the model needs %s." % (prefix, key, list(value.shape), list(expected[key].shape)))
            where[prefix + "/" + key] = (layer, key)
    return [(name,) + where[name] for name, _ in named]


def load_weights(model, named):
    bound = bind_manifest(model, named)
    values = dict(named)
    with torch.no_grad():
        for layer in {id(l): l for _, l, _ in bound}.values():
            layer.from_tf({key: values[name] for name, l, key in bound if l is layer})
    return bound


def tf_arrays(bound):
    """The model's weights in TF.js layout and manifest order, as float32 arrays."""
    return [(name, layer.to_tf()[key].detach().cpu().numpy().astype(np.float32)) for name, layer, key in bound]


# ---- Training ----

class TfjsRMSprop(torch.optim.Optimizer):
    """TF.js's RMSprop: ms = rho*ms + (1-rho)*g^2; mom = momentum*mom + lr*g/sqrt(ms + eps); w -= mom.

    torch.optim.RMSprop adds epsilon outside the square root, which changes the first steps.
    """

    def __init__(self, params, lr, rho=0.9, momentum=0.0, eps=1e-7):
        super().__init__(params, dict(lr=lr, rho=rho, momentum=momentum, eps=eps))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["ms"], state["mom"] = torch.zeros_like(p), torch.zeros_like(p)
                state["ms"].mul_(group["rho"]).addcmul_(p.grad, p.grad, value=1 - group["rho"])
                state["mom"].mul_(group["momentum"]).add_(p.grad / (state["ms"] + group["eps"]).sqrt(), alpha=group["lr"])
                p.sub_(state["mom"])


def make_optimizer(params, lr):
    if OPTIMIZER == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if OPTIMIZER == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if OPTIMIZER == "rmsprop":
        return TfjsRMSprop(params, lr=lr)
    # PyTorch's Adam equals TF.js's while beta1 is constant; under a one-cycle schedule (beta1 moves) TF.js
    # corrects the bias with the product of the past beta1 values, PyTorch with the current one.
    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-7)


def set_rates(optimizer, lr, momentum):
    for group in optimizer.param_groups:
        group["lr"] = lr
        if momentum is not None and OPTIMIZER == "momentum":
            group["momentum"] = momentum
        elif momentum is not None and OPTIMIZER == "adam":
            group["betas"] = (momentum, group["betas"][1])


def loss_of(out, y):
    """The app's losses: cross-entropy on probabilities clipped to [1e-7, 1 - 1e-7], or MSE/MAE on one output."""
    if LOSS == "sparseCategoricalCrossentropy":
        picked = out.gather(1, y.view(-1, 1)).squeeze(1)
        return -torch.log(picked.clamp(1e-7, 1 - 1e-7)).mean()
    diff = out.reshape(-1) - y
    return (diff ** 2).mean() if LOSS == "meanSquaredError" else diff.abs().mean()


@torch.no_grad()
def evaluate(model, x, y, chunk=1024):
    """Mean loss and accuracy (None for regression) in inference mode."""
    was_training = model.training
    model.eval()
    loss, correct = 0.0, 0
    for start in range(0, len(x), chunk):
        out = model(x[start:start + chunk])
        loss += float(loss_of(out, y[start:start + chunk])) * len(out)
        if TASK == "classification":
            correct += int((out.argmax(1) == y[start:start + chunk]).sum())
    model.train(was_training)
    n = max(1, len(x))
    return loss / n, (correct / n if TASK == "classification" else None)


def weights_hash(bound):
    digest = hashlib.sha256()
    for _, values in tf_arrays(bound):
        digest.update(values.astype("<f4").tobytes())
    return digest.hexdigest()


def fit(model, net, data, args, ctx):
    """Trains `net` (the model, or its DistributedDataParallel wrapper); returns the run's numbers."""
    world, rank, device = ctx["world"], ctx["rank"], ctx["device"]
    x = torch.from_numpy(data["x_train"]).to(device)
    y = torch.from_numpy(data["y_train"]).to(device)
    train_idx, val_idx = split_indices(len(x), VALIDATION_SPLIT, SEED)
    if not len(train_idx):
        raise DataProblem("No training examples are left after the validation split of %d examples." % len(x))
    batch = min(args.batch_size, len(train_idx))
    if batch < world:
        raise DataProblem("A batch of %d examples cannot be split over %d processes." % (batch, world))
    steps_per_epoch = len(train_idx) // batch
    total = steps_per_epoch * args.epochs
    lo, hi = rank * batch // world, (rank + 1) * batch // world
    # DDP averages the processes' gradients: weighting each share by its size makes that the global batch's mean.
    share = (hi - lo) * world / batch
    x_val, y_val = x[torch.from_numpy(val_idx).to(device)], y[torch.from_numpy(val_idx).to(device)]
    optimizer = make_optimizer(model.parameters(), args.learning_rate)
    rng = Mulberry32(SEED)
    history, best, step, t0 = [], None, 0, time.time()
    say(ctx, "%d training and %d validation examples, batch %d%s, %d steps an epoch, %s on %s."
        % (len(train_idx), len(val_idx), batch, " (%d per process)" % (hi - lo) if world > 1 else "", steps_per_epoch, OPTIMIZER, device))
    net.train()
    for epoch in range(args.epochs):
        start = time.time()
        order = torch.from_numpy(train_idx[np.array(rng.permutation(len(train_idx)), dtype=np.int64)]).to(device)
        sums = torch.zeros(3, dtype=torch.float64, device=device)
        for s in range(steps_per_epoch):
            set_rates(optimizer, learning_rate_at(step, total, total / args.epochs, args.learning_rate), momentum_at(step, total, total / args.epochs))
            idx = order[s * batch + lo:s * batch + hi]
            out = net(x[idx])
            loss = loss_of(out, y[idx])
            optimizer.zero_grad()
            (loss * share).backward()
            optimizer.step()
            correct = (out.argmax(1) == y[idx]).sum() if TASK == "classification" else 0
            sums += torch.stack([loss.detach().double() * len(idx), torch.as_tensor(correct, dtype=torch.float64, device=device),
                                 torch.tensor(float(len(idx)), dtype=torch.float64, device=device)])
            step += 1
        if world > 1:
            dist.all_reduce(sums)
            for buffer in model.buffers():
                dist.broadcast(buffer, 0)  # batch norm's moving statistics: process 0's, on every process
        train_loss = float(sums[0] / sums[2]) if steps_per_epoch else math.nan
        train_acc = float(sums[1] / sums[2]) if steps_per_epoch and TASK == "classification" else None
        val_loss, val_acc = evaluate(model, x_val, y_val) if len(val_idx) else (None, None)
        history.append(dict(epoch=epoch + 1, trainLoss=train_loss, trainAccuracy=train_acc, valLoss=val_loss, valAccuracy=val_acc))
        say(ctx, "epoch %d/%d  loss %.4f%s%s  %.1f s" % (epoch + 1, args.epochs, train_loss,
            "  accuracy %.4f" % train_acc if train_acc is not None else "",
            "  val_loss %.4f%s" % (val_loss, "  val_accuracy %.4f" % val_acc if val_acc is not None else "") if val_loss is not None else "",
            time.time() - start))
        if not math.isfinite(train_loss):
            say(ctx, "The loss is no longer a finite number: stopping (try a smaller --learning-rate).")
            break
        if EARLY_STOPPING and val_loss is not None:
            if best is None or val_loss < best["loss"]:
                snapshot = {k: v.detach().clone() for k, v in model.state_dict().items()} if EARLY_STOPPING["restoreBest"] else None
                best = dict(loss=val_loss, epoch=epoch + 1, wait=0, state=snapshot)
            else:
                best["wait"] += 1
                if best["wait"] >= EARLY_STOPPING["patience"]:
                    say(ctx, "Early stopping: no better validation loss for %d epochs." % best["wait"])
                    break
    restored = bool(best and best["state"] is not None and best["epoch"] != len(history))
    if restored:
        model.load_state_dict(best["state"])
        say(ctx, "Restored the weights of epoch %d (lowest validation loss)." % best["epoch"])
    return dict(history=history, steps=step, seconds=time.time() - t0, best_epoch=best["epoch"] if best else None, restored=restored)


# ---- Writing back ----

SHARD_BYTES = 4 * 1024 * 1024


def write_tfjs(folder, model_json, bound):
    """model.json with the exported topology and the new float32 weights in the same manifest order, in shards."""
    os.makedirs(folder, exist_ok=True)
    arrays = tf_arrays(bound)
    blob = b"".join(values.astype("<f4").tobytes() for _, values in arrays)
    count = max(1, -(-len(blob) // SHARD_BYTES))
    paths = ["group1-shard%dof%d.bin" % (i + 1, count) for i in range(count)]
    for i, path in enumerate(paths):
        with open(os.path.join(folder, path), "wb") as f:
            f.write(blob[i * SHARD_BYTES:(i + 1) * SHARD_BYTES])
    out = dict(model_json)
    out["weightsManifest"] = [{"paths": paths, "weights": [{"name": n, "shape": list(v.shape), "dtype": "float32"} for n, v in arrays]}]
    out["convertedBy"] = "train_torch.py (PyTorch %s)" % torch.__version__
    with open(os.path.join(folder, "model.json"), "w", encoding="utf-8") as f:
        json.dump(out, f)


def finite_or_none(v):
    return float(v) if v is not None and math.isfinite(v) else None


def updated_card(card, run, test, data, args, ctx):
    """The bundle's card, saying what happened here: PyTorch, these hyper-parameters, this data, these numbers."""
    card = json.loads(json.dumps(card))
    last = run["history"][-1] if run["history"] else {}
    hp = card.get("hyperParameters") or {"optimizer": OPTIMIZER, "learningRate": LEARNING_RATE, "batchSize": BATCH_SIZE,
                                         "epochs": EPOCHS, "validationSplit": VALIDATION_SPLIT, "seed": SEED}
    hp.update(epochs=args.epochs, batchSize=args.batch_size, learningRate=args.learning_rate)
    name = card.get("name", "Descent model")
    now = datetime.now(timezone.utc)
    card.update(
        name=name if name.endswith(" (PyTorch)") else name + " (PyTorch)",
        createdAt=now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000),
        runId=None,
        hyperParameters=hp,
        metrics=dict(epochs=len(run["history"]), steps=run["steps"], trainLoss=finite_or_none(last.get("trainLoss")),
                     trainAccuracy=finite_or_none(last.get("trainAccuracy")), valLoss=finite_or_none(last.get("valLoss")),
                     valAccuracy=finite_or_none(last.get("valAccuracy")), testLoss=finite_or_none(test[0]),
                     testAccuracy=finite_or_none(test[1]), bestEpoch=run["best_epoch"], seconds=round(run["seconds"], 3)),
        weights={"epoch": run["best_epoch"] if run["restored"] else len(run["history"]), "kind": "best" if run["restored"] else "last"},
        quantization=None,
        backend="PyTorch %s on %s%s" % (torch.__version__, ctx["device"],
                                        ", DistributedDataParallel over %d processes (%s)" % (ctx["world"], ctx["backend"]) if ctx["world"] > 1 else ""),
        generator="%s, continued by train_torch.py" % card.get("generator", "Descent"),
    )
    card["dataset"].update(trainCount=len(data["x_train"]), testCount=len(data["x_test"]), checksum=files_checksum(data["files"]))
    return card


# ---- Main ----

def say(ctx, text):
    if ctx["rank"] == 0:
        print(text, flush=True)


def parse_args(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", metavar="PATH", help="the CSV, the idx folder, the image folder or an .npz (see above)")
    p.add_argument("--epochs", type=int, default=EPOCHS, help="epochs to train (default: the browser run's, %(default)s)")
    p.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="global batch over all processes (default %(default)s)")
    p.add_argument("--learning-rate", type=float, default=LEARNING_RATE, help="default %(default)s")
    p.add_argument("--init-weights", metavar="FOLDER", default=here, help="folder of the exported model.json and weights (default: this script's folder)")
    p.add_argument("--from-scratch", action="store_true", help="start from fresh Glorot-uniform weights instead of the exported ones")
    p.add_argument("--out", metavar="FOLDER", default="pytorch-model", help="where the trained TF.js model goes (default %(default)s)")
    p.add_argument("--predict", metavar="FILE", help="write the model's outputs for the test examples to FILE (JSON) and train nothing")
    p.add_argument("--test-fraction", type=float, default=DEFAULT_TEST_FRACTION, help="CSV and image folders: the app's test share (default %(default)s)")
    p.add_argument("--split-seed", type=int, default=DEFAULT_SPLIT_SEED, help="CSV and image folders: the app's split seed (default %(default)s)")
    p.add_argument("--encoding", help="text encoding of the CSV (default: UTF-8, or UTF-16 with a byte-order mark)")
    p.add_argument("--max-train", type=int, metavar="N", help="use only the first N training examples")
    p.add_argument("--max-test", type=int, metavar="N", help="use only the first N test examples")
    p.add_argument("--device", help="cpu, cuda or cuda:N (default: this process's GPU when there is one)")
    return p.parse_args(argv)


def setup(args):
    world, rank, local = int(os.environ.get("WORLD_SIZE", "1")), int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0"))
    device = torch.device(args.device or ("cuda:%d" % local if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda":
        torch.cuda.set_device(device)
    return {"world": world, "rank": rank, "device": device, "backend": "nccl" if device.type == "cuda" else "gloo"}


def run(args):
    ctx = setup(args)
    if args.epochs < 1 or args.batch_size < 1 or not args.learning_rate > 0:
        raise DataProblem("--epochs and --batch-size must be at least 1, --learning-rate above 0.")
    data = load_dataset(args.data, args.test_fraction, args.split_seed, args.encoding, args.max_train, args.max_test)
    for note in data["notes"]:
        say(ctx, note)
    if not HYPER_PARAMETERS_KNOWN:
        say(ctx, "The browser run's hyper-parameters are not known (the model was imported without a card): Descent's defaults.")
    counts = (len(data["x_train"]), len(data["x_test"]))
    if (COLUMNS is not None or os.path.isdir(args.data or "")) and args.max_train is None and args.max_test is None and counts != (TRAIN_COUNT, TEST_COUNT):
        say(ctx, "The app had %d training and %d test examples, this data gives %d and %d: another file, or another "
                 "--test-fraction/--split-seed than the app's?" % ((TRAIN_COUNT, TEST_COUNT) + counts))
    if DATA_CHECKSUM and args.max_train is None and args.max_test is None:
        same = files_checksum(data["files"])["value"] == DATA_CHECKSUM
        say(ctx, "The data files are the ones the model was trained on in the browser (same SHA-256)." if same else
            "The data files differ from the ones the model was trained on in the browser (another SHA-256).")
    model_json, named = read_tfjs_model(args.init_weights, with_values=not args.from_scratch)
    torch.manual_seed(SEED)
    model = DescentModel()
    if args.from_scratch:
        for layer in model.layers:
            if layer.tf_weights:
                layer.reset()
        bound = bind_manifest(model, named)
    else:
        bound = load_weights(model, named)
    model.to(ctx["device"])
    x_test = torch.from_numpy(data["x_test"]).to(ctx["device"])
    y_test = torch.from_numpy(data["y_test"]).to(ctx["device"])
    if args.predict:
        model.eval()
        with torch.no_grad():
            out = torch.cat([model(x_test[i:i + 1024]) for i in range(0, len(x_test), 1024)]) if len(x_test) else torch.zeros(0)
        if ctx["rank"] == 0:
            with open(args.predict, "w", encoding="utf-8") as f:
                json.dump({"outputs": out.cpu().numpy().astype(float).tolist(), "labels": data["y_test"].tolist()}, f)
        say(ctx, "Wrote the outputs for %d test examples to %s." % (len(x_test), args.predict))
        return
    net = model
    if ctx["world"] > 1:
        # A conv kernel with one input channel gets gradients whose (meaningless) stride of that axis differs
        # from DDP's buckets: PyTorch warns once per process, "not an error".
        warnings.filterwarnings("ignore", message="Grad strides do not match bucket view strides")
        dist.init_process_group(backend=ctx["backend"])
        net = nn.parallel.DistributedDataParallel(model, device_ids=[ctx["device"]] if ctx["device"].type == "cuda" else None)
        say(ctx, "DistributedDataParallel: %d processes, %s backend." % (ctx["world"], ctx["backend"]))
    torch.manual_seed(SEED + ctx["rank"])  # dropout masks differ between processes, as between batches
    try:
        result = fit(model, net, data, args, ctx)
        test = evaluate(model, x_test, y_test) if len(x_test) else (None, None)
        say(ctx, "test loss %.4f%s" % (test[0], "  test accuracy %.4f" % test[1] if test[1] is not None else "") if test[0] is not None else "no test examples")
        if ctx["world"] > 1:
            print("rank %d of %d: final weights sha256 %s" % (ctx["rank"], ctx["world"], weights_hash(bound)), flush=True)
        if ctx["rank"] == 0:
            write_tfjs(args.out, model_json, bound)
            card_path = os.path.join(args.init_weights, "model-card.json")
            if os.path.isfile(card_path):
                with open(card_path, encoding="utf-8") as f:
                    card = updated_card(json.load(f), result, test, data, args, ctx)
                with open(os.path.join(args.out, "model-card.json"), "w", encoding="utf-8") as f:
                    json.dump(card, f, indent=2)
            say(ctx, "Wrote %s: import it in Descent (Import a model) or load it with tf.loadLayersModel." % args.out)
    finally:
        if ctx["world"] > 1:
            # Every process waits here until rank 0 has written its files: a rank that tore gloo down while
            # the other still worked left that one spinning at exit (3 of 8 runs of two processes hung).
            dist.barrier()
            dist.destroy_process_group()


def main(argv=None):
    args = parse_args(argv)
    try:
        run(args)
    except DataProblem as err:
        print("train_torch.py: %s" % err, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
