"""Native reference for `npm run bench`: the classic MNIST MLP (784-128-10, ReLU, softmax cross-entropy)
with Adam (lr 0.001, eps 1e-7) in PyTorch on this CPU, samples/s per batch size after warm-up.

Run with Debian's python3-torch and OpenBLAS on one thread (docs/RUNTIME.md, "The native PyTorch reference"):
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/reference.py 32 128 512
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/reference.py --lenet 32 128   (the LeNet-style CNN of the app:
  conv 6@5×5 same, max-pool 2, conv 16@5×5 valid, max-pool 2, 120, 84, 10, relu; NHWC in the app, NCHW here)
Prints one JSON object: {"torch": version, "threads": n, "rows": [{"batchSize": b, "samplesPerSec": s}]}.
Random inputs of MNIST's shape: the speed of these dense layers does not depend on the values.
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)


def mlp() -> torch.nn.Module:
    return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))


def lenet() -> torch.nn.Module:
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def measure(batch: int, seconds: float = 2.0, make=mlp) -> float:
    model = make()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = 8192
    x = torch.rand(n, 1, 28, 28)
    y = torch.randint(0, 10, (n,))

    def step(i: int) -> None:
        j = (i * batch) % (n - batch)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[j : j + batch]), y[j : j + batch])
        loss.backward()
        opt.step()

    for i in range(20):
        step(i)
    steps = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        step(steps)
        steps += 1
    return steps * batch / (time.perf_counter() - t0)


if __name__ == "__main__":
    make = lenet if "--lenet" in sys.argv else mlp
    sizes = [int(a) for a in sys.argv[1:] if not a.startswith("--")] or [32, 128, 512]
    rows = [{"batchSize": b, "samplesPerSec": measure(b, make=make)} for b in sizes]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "model": make.__name__, "rows": rows}))
