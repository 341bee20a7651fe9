"""PyTorch reference for bench:train: the default recipe's network, batch and loss, timed on CPU.

Trains the no-BN thumbnail CNN (16-32-64 filters, 7x7x64 flattened, 128 hidden, 64-d unit-length
embedding) with pytorch-metric-learning's MultiSimilarityLoss (alpha 2, beta 50, base 0.5) and
MultiSimilarityMiner (epsilon 0.1), Adam 1e-3, on P classes x Q items per batch drawn from the
28x28 uint8 images bench:train hands over in a file. Prints one JSON line with samplesPerS, and
samplesPerCpuS: samples per second of CPU time the process used (all its threads), which other
processes on a shared machine disturb far less than wall-clock time.

Usage: python3 torch_reference.py IMAGES LABELS --p 5 --q 32 --seconds 10 --threads 2
(IMAGES: raw uint8, n x 784; LABELS: raw int32, n). Exits 3 when torch or
pytorch-metric-learning cannot be imported, printing which.
"""

import argparse
import json
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("images")
    parser.add_argument("labels")
    parser.add_argument("--p", type=int, default=5)
    parser.add_argument("--q", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    try:
        import numpy as np
        import torch
        from torch import nn
        import torch.nn.functional as F
        from pytorch_metric_learning import losses, miners
        import pytorch_metric_learning
    except ImportError as error:
        print(json.dumps({"error": f"not importable: {error.name}"}))
        return 3

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    images = np.fromfile(args.images, dtype=np.uint8).reshape(-1, 1, 28, 28)
    labels = np.fromfile(args.labels, dtype=np.int32)
    by_class = {int(c): np.flatnonzero(labels == c) for c in np.unique(labels)}
    classes = np.array(sorted(by_class))
    if len(classes) < min(args.p, 2):
        print(json.dumps({"error": f"need at least {min(args.p, 2)} classes, got {len(classes)}"}))
        return 2

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
            self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
            self.conv3 = nn.Conv2d(32, 64, 3, padding=1)
            self.hidden = nn.Linear(7 * 7 * 64, 128)
            self.out = nn.Linear(128, 64)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = (x - 72.94) / 90.02
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = F.relu(self.conv3(x))
            x = F.relu(self.hidden(torch.flatten(x, 1)))
            return F.normalize(self.out(x), dim=1)

    model = Encoder()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = losses.MultiSimilarityLoss(alpha=2, beta=50, base=0.5)
    miner = miners.MultiSimilarityMiner(epsilon=0.1)
    p = min(args.p, len(classes))

    def batch():
        chosen = rng.choice(classes, size=p, replace=False)
        idx = np.concatenate([rng.choice(by_class[int(c)], size=args.q, replace=len(by_class[int(c)]) < args.q) for c in chosen])
        return torch.from_numpy(images[idx].astype(np.float32)), torch.from_numpy(labels[idx].astype(np.int64))

    def step() -> float:
        x, y = batch()
        embeddings = model(x)
        loss = loss_fn(embeddings, y, miner(embeddings, y))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return float(loss.detach())

    for _ in range(args.warmup):
        step()
    steps = 0
    first_loss = last_loss = float("nan")
    cpu_started = time.process_time()
    started = time.perf_counter()
    while time.perf_counter() - started < args.seconds:
        last_loss = step()
        if steps == 0:
            first_loss = last_loss
        steps += 1
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    print(json.dumps({
        "samplesPerS": steps * p * args.q / seconds,
        "samplesPerCpuS": steps * p * args.q / cpu_seconds if cpu_seconds > 0 else None,
        "cpuSeconds": cpu_seconds,
        "steps": steps,
        "seconds": seconds,
        "batch": p * args.q,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "pytorchMetricLearning": pytorch_metric_learning.__version__,
        "firstLoss": first_loss,
        "lastLoss": last_loss,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
