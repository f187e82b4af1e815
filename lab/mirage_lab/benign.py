"""Benign clients: ordinary users sending test-split images in small batches, with a few repeated and
near-duplicate queries (people retry, re-upload, re-crop). Measures their utility."""
from __future__ import annotations

from typing import Optional

import numpy as np

from .pools import split
from .oracle import Blocked, Oracle


def stream(client: int, n: int, *, seed: int = 0, repeat_rate: float = 0.03,
           near_dup_rate: float = 0.05, noise: float = 0.02) -> tuple[np.ndarray, np.ndarray]:
    """n queries for benign client number `client`: a contiguous run of the test split (each client
    starts at its own offset), with ~repeat_rate exact repeats and ~near_dup_rate near duplicates
    (Gaussian noise, sd `noise`, clipped) of earlier queries. Returns (x, true labels)."""
    x_all, y_all = split("test")
    rng = np.random.default_rng(seed * 1000 + client)
    start = (client * 997 + 256) % len(x_all)
    idx = (start + np.arange(n)) % len(x_all)
    x = np.array(x_all[idx], dtype=np.float32)
    y = np.array(y_all[idx])
    for i in range(1, n):
        u = rng.random()
        if u < repeat_rate:
            j = int(rng.integers(0, i))
            x[i], y[i] = x[j], y[j]
        elif u < repeat_rate + near_dup_rate:
            j = int(rng.integers(0, i))
            x[i] = np.clip(x[j] + rng.normal(0, noise, size=x[j].shape), 0, 1).astype(np.float32)
            y[i] = y[j]
    return x, y


def utility(answers: np.ndarray, clean: np.ndarray, labels: np.ndarray) -> dict:
    """Utility of the answers a client got. clean: the undefended victim's posteriors for the same
    inputs; KL(clean || answers) in nats with answers clipped at 1e-12 (docs/ALGORITHMS.md)."""
    if len(answers) == 0:
        return {"n": 0}
    a = answers.astype(np.float64)
    c = clean.astype(np.float64)
    kl = np.sum(np.where(c > 0, c * (np.log(np.clip(c, 1e-300, None)) - np.log(np.clip(a, 1e-12, None))), 0.0), axis=1)
    return {"n": int(len(a)),
            "accuracy": float((a.argmax(1) == labels).mean()),
            "cleanAccuracy": float((c.argmax(1) == labels).mean()),
            "argmaxAgreement": float((a.argmax(1) == c.argmax(1)).mean()),
            "meanL1": float(np.abs(a - c).sum(1).mean()),
            "meanKLnats": max(0.0, float(kl.mean()))}


def run_client(oracle: Oracle, x: np.ndarray, batch: int = 8) -> tuple[np.ndarray, Optional[int]]:
    """Send the stream in small requests; stops at a 403 (a false block)."""
    out = []
    for i in range(0, len(x), batch):
        try:
            out.append(oracle(x[i:i + batch], batch_size=batch))
        except Blocked:
            return (np.concatenate(out) if out else np.zeros((0, 10), np.float32)), oracle.queries
    return np.concatenate(out), None
