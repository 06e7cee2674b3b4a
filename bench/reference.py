"""Native reference for `npm run bench`: the classic MNIST MLP (784-128-10, ReLU, softmax cross-entropy)
with Adam (lr 0.001, eps 1e-7) in PyTorch on this CPU, samples/s per batch size after warm-up.

Run with Debian's python3-torch and OpenBLAS on one thread (docs/RUNTIME.md, "The native PyTorch reference"):
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/reference.py 32 128 512
Prints one JSON object: {"torch": version, "threads": n, "rows": [{"batchSize": b, "samplesPerSec": s}]}.
Random inputs of MNIST's shape: the speed of these dense layers does not depend on the values.
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)


def measure(batch: int, seconds: float = 2.0) -> float:
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
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
    sizes = [int(a) for a in sys.argv[1:]] or [32, 128, 512]
    rows = [{"batchSize": b, "samplesPerSec": measure(b)} for b in sizes]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "rows": rows}))
