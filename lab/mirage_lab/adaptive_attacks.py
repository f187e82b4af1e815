"""Knockoff attackers that shape their query stream to slip past per-key signals (issue 14, item 5):
class-sorted order, a blend of in- and out-of-distribution queries, and bursts with pauses.

Each draws the same images as plain Knockoff (attacks.knockoff, same seed) and differs only in order,
mix or pacing, so the copies are comparable with the plain attacker's at every budget.
"""
from __future__ import annotations

import time
from typing import Callable, Optional

import numpy as np

from .attacks import TransferSet, _query, epochs_for, train_surrogate
from .infer import predict_probs
from .oracle import Oracle

SORT_WARMUP = 2000   # random-order queries before the attacker starts sorting


def sorted_warmup(budget: int) -> int:
    """2,000 random-order queries, or half the budget when the budget is small (--quick)."""
    return min(SORT_WARMUP, budget // 2)


def knockoff_sorted(oracle: Oracle, pool: np.ndarray, budget: int, *, seed: int, quick: bool,
                    batch_size: int = 256) -> tuple[TransferSet, dict]:
    """Knockoff's uniform sample, but after a random-order warm-up the rest is sent sorted by predicted
    class: all images of one class, then the next. The service's class balance is measured over the
    last 1,000 queries (docs/DETECTION.md), and blocks of ~800 images a class keep that window to one or
    two classes, which damps the volume signal (volume x balance).
    The attacker cannot know the victim's answers before asking, so it sorts by a copy trained on the
    warm-up's answers (soft labels), not by ground truth."""
    t0 = time.time()
    rng = np.random.default_rng(seed)
    idx = rng.permutation(len(pool))[:budget]      # the same draw as attacks.knockoff
    w = sorted_warmup(len(idx))
    x_warm = np.ascontiguousarray(pool[idx[:w]])
    y_warm, blocked = _query(oracle, x_warm, batch_size)
    info = {"warmup": w, "sortedBy": "copy trained on the warm-up answers (soft labels)"}
    if blocked is not None or w >= len(idx):
        return TransferSet(x=x_warm[:len(y_warm)], y=y_warm, blocked_at=blocked, seconds=time.time() - t0), info
    ep = epochs_for(w, quick)
    copy, _ = train_surrogate(x_warm, y_warm, labels="soft", epochs=ep, seed=seed + 5)
    rest = idx[w:]
    guess = predict_probs(copy, pool[rest]).argmax(1)
    order = np.argsort(guess, kind="stable")       # class 0 block, class 1 block, ...
    x_rest = np.ascontiguousarray(pool[rest[order]])
    y_rest, blocked = _query(oracle, x_rest, batch_size)
    info.update({"warmupCopyEpochs": ep, "blockSizes": np.bincount(guess, minlength=10).tolist(),
                 "sortedGuess": guess[order].tolist()})
    x = np.concatenate([x_warm, x_rest[:len(y_rest)]])
    y = np.concatenate([y_warm, y_rest])
    return TransferSet(x=x, y=y, blocked_at=blocked, seconds=time.time() - t0), info


def blended_stream(pool_in: np.ndarray, pool_ood: np.ndarray, budget: int, *, seed: int) -> np.ndarray:
    """Half in-distribution (Knockoff's draw), half out-of-distribution, in a random interleaving so
    every prefix is about 50/50."""
    rng = np.random.default_rng(seed)
    n_in = min(budget // 2, len(pool_in))
    n_ood = min(budget - n_in, len(pool_ood))
    x = np.concatenate([pool_in[rng.permutation(len(pool_in))[:n_in]], pool_ood[:n_ood]])
    return np.ascontiguousarray(x[np.random.default_rng(seed + 1).permutation(len(x))])


def knockoff_blend(oracle: Oracle, pool_in: np.ndarray, pool_ood: np.ndarray, budget: int, *, seed: int,
                   batch_size: int = 256) -> TransferSet:
    """Knockoff over a 50/50 blend: the in-distribution half dilutes the out-of-distribution signals
    (low-confidence rate) and the out-of-distribution half adds variety to the copy."""
    t0 = time.time()
    x = blended_stream(pool_in, pool_ood, budget, seed=seed)
    y, blocked = _query(oracle, x, batch_size)
    return TransferSet(x=x[:len(y)], y=y, blocked_at=blocked, seconds=time.time() - t0)


def knockoff_bursts(oracle: Oracle, pool: np.ndarray, budget: int, *, seed: int, burst: int,
                    between: Callable[[int], None], batch_size: int = 256) -> TransferSet:
    """Knockoff sent in bursts of `burst` queries; `between(i)` runs after burst i (the pause, or a
    restart of the service). The pause is meant to outlast the service's idle age, so that a defense
    keeping its counts only in memory would forget the first bursts."""
    t0 = time.time()
    rng = np.random.default_rng(seed)
    x = np.ascontiguousarray(pool[rng.permutation(len(pool))[:budget]])   # the same draw as knockoff
    got: list[np.ndarray] = []
    blocked: Optional[int] = None
    for i, start in enumerate(range(0, len(x), burst)):
        if i:
            between(i)
        y, blocked = _query(oracle, x[start:start + burst], batch_size)
        got.append(y)
        if blocked is not None:
            break
    y = np.concatenate(got) if got else np.zeros((0, 10), np.float32)
    return TransferSet(x=x[:len(y)], y=y, blocked_at=blocked, seconds=time.time() - t0)
