"""Training and evaluation loops shared by the victim and the attackers' surrogates."""
from __future__ import annotations

import time
from typing import Callable, Optional

import numpy as np
import torch
import torch.nn.functional as F


def soft_cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """sum_k -t_k log softmax(z)_k, averaged over the batch; target rows are distributions."""
    return -(target * F.log_softmax(logits, dim=1)).sum(dim=1).mean()


def fit(model: torch.nn.Module, x: np.ndarray, target: np.ndarray, *, epochs: int, seed: int,
        batch_size: int = 128, lr: float = 1e-3, soft: bool = False,
        on_epoch: Optional[Callable[[int, float, float], None]] = None) -> dict:
    """Train with Adam. target: int64 labels [N] (soft=False) or float32 distributions [N,K] (soft=True).

    Deterministic for a given seed (shuffling uses its own generator). Returns a small log.
    """
    gen = torch.Generator().manual_seed(seed)
    xt = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    tt = torch.from_numpy(np.ascontiguousarray(target, dtype=np.float32 if soft else np.int64))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    n = len(xt)
    log = {"epochs": epochs, "seed": seed, "batchSize": batch_size, "lr": lr, "n": n, "loss": []}
    t0 = time.time()
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(n, generator=gen)
        total, te = 0.0, time.time()
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            logits = model(xt[idx])
            loss = soft_cross_entropy(logits, tt[idx]) if soft else F.cross_entropy(logits, tt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        log["loss"].append(total / max(n, 1))
        if on_epoch:
            on_epoch(epoch, total / max(n, 1), time.time() - te)
    log["seconds"] = time.time() - t0
    model.eval()
    return log


@torch.no_grad()
def predict_logits(model: torch.nn.Module, x: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    model.eval()
    out = [model(torch.from_numpy(np.ascontiguousarray(x[i:i + batch_size], dtype=np.float32))).numpy()
           for i in range(0, len(x), batch_size)]
    return np.concatenate(out) if out else np.zeros((0, 10), np.float32)


@torch.no_grad()
def predict_probs(model: torch.nn.Module, x: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    z = torch.from_numpy(predict_logits(model, x, batch_size))
    return F.softmax(z, dim=1).numpy()


def accuracy(model: torch.nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    return float((predict_logits(model, x).argmax(1) == y).mean())
