"""Attacks (the attacker's side): Knockoff Nets (random strategy; soft or argmax labels) and JBDA.

All talk to an `oracle` (oracle.py) only. Each returns the transfer set it gathered (inputs and the
answers the oracle gave, in query order) so that surrogates can be trained on budget prefixes.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
import torch
import torch.nn.functional as F

from .pools import split
from .infer import accuracy, make_model
from .oracle import Blocked, Oracle
from .training import train


@dataclass
class TransferSet:
    x: np.ndarray                       # [n,1,28,28] float32, in query order
    y: np.ndarray                       # [n,10] answers
    blocked_at: Optional[int] = None    # answered queries when the oracle refused (403)
    seconds: float = 0.0
    checkpoints: list = field(default_factory=list)  # JBDA: (queries, surrogate accuracy) per round


def epochs_for(n: int, quick: bool) -> int:
    """Surrogate epochs for n training samples (recorded in the results): about 20,000 sample-passes,
    at least 5 and at most 20 epochs (1k: 20, 5k: 5, 10k: 5, 20k: 5). quick: one epoch."""
    if quick:
        return 1
    return int(min(20, max(5, round(20_000 / max(n, 1)))))


def train_surrogate(x: np.ndarray, answers: np.ndarray, *, labels: str, epochs: int, seed: int,
                    progress: Optional[Callable[[int], None]] = None) -> tuple[torch.nn.Module, dict]:
    """Victim architecture from scratch (seeded). labels: 'soft' (soft-label cross-entropy on the
    answers) or 'argmax' (one-hot of the answer's argmax, i.e. ordinary cross-entropy)."""
    model = make_model(seed)
    if labels == "soft":
        target, soft = np.ascontiguousarray(answers, dtype=np.float32), True
    elif labels == "argmax":
        target, soft = answers.argmax(1).astype(np.int64), False
    else:
        raise ValueError(labels)
    t0 = time.time()
    train(model, np.ascontiguousarray(x, dtype=np.float32), target, epochs, seed, soft=soft,
          progress=(lambda e: progress(1)) if progress else None)
    model.eval()
    return model, {"epochs": epochs, "seed": seed, "n": int(len(x)), "seconds": time.time() - t0}


def _query(oracle: Oracle, x: np.ndarray, batch_size: int) -> tuple[np.ndarray, Optional[int]]:
    """Query in batches; on 403 keep what was answered. Returns (answers for the answered prefix, blocked_at)."""
    got = []
    for i in range(0, len(x), batch_size):
        try:
            got.append(oracle(x[i:i + batch_size], batch_size=batch_size))
        except Blocked as b:
            return (np.concatenate(got) if got else np.zeros((0, 10), np.float32)), oracle.queries
    return np.concatenate(got) if got else np.zeros((0, 10), np.float32), None


def knockoff(oracle: Oracle, pool: np.ndarray, budget: int, *, seed: int, batch_size: int = 256) -> TransferSet:
    """Knockoff Nets, random strategy: a uniform sample of the pool without replacement, queried in a
    random order (so any prefix is itself a uniform sample: budgets share one query stream)."""
    t0 = time.time()
    rng = np.random.default_rng(seed)
    idx = rng.permutation(len(pool))[:budget]
    x = np.ascontiguousarray(pool[idx])
    y, blocked = _query(oracle, x, batch_size)
    return TransferSet(x=x[:len(y)], y=y, blocked_at=blocked, seconds=time.time() - t0)


def jbda(oracle: Oracle, seeds: np.ndarray, budget: int, *, seed: int, lam: float = 0.1,
         batch_size: int = 256, quick: bool = False, eval_set=None,
         progress: Optional[Callable[[int], None]] = None) -> TransferSet:
    """Jacobian-based dataset augmentation (Papernot et al. 2017): label the set, train the substitute,
    add x + lam*sign(grad_x CE(substitute(x), oracle label)) for every x; the set doubles each round,
    until the budget is spent (the last round is truncated to fit). Records the substitute's test
    accuracy after each round as (queries, accuracy)."""
    t0 = time.time()
    x_test, y_test = eval_set if eval_set is not None else split("test")
    xs = np.ascontiguousarray(seeds[:budget], dtype=np.float32)
    ys, blocked = _query(oracle, xs, batch_size)
    xs = xs[:len(ys)]
    ts = TransferSet(x=xs, y=ys, blocked_at=blocked)
    rnd = 0
    while True:
        sub, _ = train_surrogate(ts.x, ts.y, labels="argmax", epochs=epochs_for(len(ts.x), quick),
                                 seed=seed + rnd, progress=progress)
        ts.checkpoints.append((int(len(ts.x)), accuracy(sub, x_test, y_test)))
        room = budget - len(ts.x)
        if blocked is not None or room <= 0:
            break
        # augmentation step on the whole current set (or as much of it as the budget allows)
        base = ts.x[:room]
        lab = torch.from_numpy(ts.y[:room].argmax(1).astype(np.int64))
        xt = torch.from_numpy(base.copy()).requires_grad_(True)
        sub.eval()
        loss = F.cross_entropy(sub(xt), lab, reduction="sum")
        grad, = torch.autograd.grad(loss, xt)
        new = np.clip(base + lam * np.sign(grad.numpy()), 0.0, 1.0).astype(np.float32)
        ynew, blocked = _query(oracle, new, batch_size)
        ts.x = np.concatenate([ts.x, new[:len(ynew)]])
        ts.y = np.concatenate([ts.y, ynew])
        ts.blocked_at = blocked
        rnd += 1
    ts.seconds = time.time() - t0
    return ts
