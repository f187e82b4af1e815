"""Local re-implementations of the service's perturbations (docs/ALGORITHMS.md), for the OFFLINE test double
only: they let the harness be exercised end to end before the C# service exists, and give the lab a
cross-check of the service's numbers. The report's real numbers come from the HTTP oracle.
Each factory returns f(y, x) -> y_tilde for a batch y [N,K] of victim posteriors and inputs x.
"""
from __future__ import annotations

import functools
import itertools
from typing import Callable, Optional

import numpy as np

Defense = Callable[[np.ndarray, np.ndarray], np.ndarray]


def label_only() -> Defense:
    def f(y, x):
        out = np.zeros_like(y)
        out[np.arange(len(y)), y.argmax(1)] = 1.0  # per row
        return out
    return f


def reverse_sigmoid(beta: float, gamma: float) -> Defense:
    def f(y, x):
        y = y.astype(np.float64)
        yc = np.clip(y, 1e-9, 1 - 1e-9)
        r = beta * (1.0 / (1.0 + np.exp(-gamma * np.log(yc / (1 - yc)))) - 0.5)
        t = np.clip(y - r, 0.0, 1.0)
        s = t.sum(1, keepdims=True)
        k = y.shape[1]
        return np.where(s > 0, t / np.where(s > 0, s, 1), 1.0 / k)
    return f


def _mad_objective(p: np.ndarray, cand: np.ndarray, y: np.ndarray) -> np.ndarray:
    """||(p - c)/||p - c|| - (p - y)/||p - y|| ||^2 for candidates c [M,K] (one row p, y)."""
    a = p - cand
    a = a / (np.linalg.norm(a, axis=1, keepdims=True) + 1e-12)
    b = p - y
    b = b / (np.linalg.norm(b) + 1e-12)
    return ((a - b) ** 2).sum(1)


@functools.lru_cache(maxsize=None)
def _argmax_candidates(k: int, top: int) -> np.ndarray:
    """MAD-argmax's candidates: every 0/1 vector containing `top` (2^(K-1)), top class + 1e-5, normalised."""
    others = [c for c in range(k) if c != top]
    rows = []
    for bits in itertools.product([0, 1], repeat=k - 1):
        v = np.zeros(k)
        v[top] = 1.0 + 1e-5
        v[others] = bits
        rows.append(v / v.sum())
    return np.asarray(rows)


def mad(epsilon: float, surrogate_probs: Callable[[np.ndarray], np.ndarray], argmax: bool = False,
        norm: str = "l1") -> Defense:
    def f(y, x):
        y = y.astype(np.float64)
        p_all = surrogate_probs(x).astype(np.float64)
        n, k = y.shape
        out = np.empty_like(y)
        onehots = np.eye(k)
        for i in range(n):
            yi, p = y[i], p_all[i]
            if not argmax:
                cand = onehots
            else:
                cand = _argmax_candidates(k, int(yi.argmax()))
            star = cand[int(_mad_objective(p, cand, yi).argmax())]
            d = np.abs(yi - star).sum() if norm == "l1" else np.linalg.norm(yi - star)
            alpha = float(np.clip(epsilon / (d + 1e-7), 0.0, 1.0))
            out[i] = (1 - alpha) * yi + alpha * star
        return out
    return f


def make(policy: dict, surrogate_probs: Optional[Callable[[np.ndarray], np.ndarray]] = None) -> Optional[Defense]:
    """Policy dict as in docs/API.md ({"method": ..., params}) -> local defense (None for 'none')."""
    m = policy.get("method", "none")
    if m == "none":
        return None
    if m == "label_only":
        return label_only()
    if m == "reverse_sigmoid":
        return reverse_sigmoid(policy.get("beta", 1.0), policy.get("gamma", 0.1))
    if m == "mad":
        if surrogate_probs is None:
            raise ValueError("mad needs the surrogate")
        return mad(policy["epsilon"], surrogate_probs, bool(policy.get("argmax", False)), policy.get("norm", "l1"))
    raise ValueError(f"no local double for policy {m!r} (use the HTTP oracle)")
