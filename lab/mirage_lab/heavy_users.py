"""Honest heavy users (issue 14): one key sending many distinct, class-balanced real images. A defense
that only counts volume would punish them; the target is that they keep every label."""
from __future__ import annotations

import numpy as np

from .attacks import _query
from .oracle import Oracle
from .pools import split

# A label-changing level of the default ladder (MAD's extreme vertex); "watch" and "suspect" keep the argmax.
LABEL_CHANGING_LEVELS = ("attack",)


def balanced_images(n: int, seed: int) -> np.ndarray:
    """n distinct images balanced over the 10 classes, shuffled: from the test split, then (beyond its
    10,000) from train images 40,000-49,999 (natural images the victim was trained on, as a heavy user's
    catalogue may well be)."""
    rng = np.random.default_rng(seed)
    x_test, y_test = split("test")
    x_tr, y_tr = split("train")
    xs, ys = [np.asarray(x_test)], [np.asarray(y_test)]
    if n > len(x_test):
        xs.append(np.asarray(x_tr[40_000:50_000]))
        ys.append(np.asarray(y_tr[40_000:50_000]))
    x, y = np.concatenate(xs), np.concatenate(ys)
    per = -(-n // 10)
    take = np.concatenate([rng.permutation(np.flatnonzero(y == c))[:per] for c in range(10)])
    if len(take) < n:   # a class short of n/10 in the slices: top up with other classes' images
        rest = np.setdiff1d(np.arange(len(x)), take)
        take = np.concatenate([take, rng.permutation(rest)[:n - len(take)]])
    take = rng.permutation(take)[:n]
    return np.ascontiguousarray(x[take])


def run(oracle: Oracle, x: np.ndarray, batch_size: int = 64):
    """Sends x as fast as the service's rate limit allows (HttpOracle waits out 429s)."""
    return _query(oracle, x, batch_size)
