"""Split JBDA under cover (issue 14): JBDA spread over 10 keys of one tenant while 3 benign keys of the
same tenant send real test images at the same time, their requests interleaved with the attacker's.
The tenant watch has to find the attack's keys among young keys that include honest ones."""
from __future__ import annotations

import numpy as np

from .oracle import Blocked, Oracle
from .pools import split


class CoverTraffic:
    """after_request hook for the attacker's oracle: after every attacker request, each cover key
    sends its next `per_request` test images (each key its own contiguous run of the test split)."""

    def __init__(self, oracles: list[Oracle], per_request: int = 8, offset: int = 5000) -> None:
        x_all, _ = split("test")
        self.oracles, self.per_request = oracles, per_request
        self.streams = [np.asarray(x_all[(offset + 1500 * k + np.arange(1500)) % len(x_all)]) for k in range(len(oracles))]
        self.sent = [0] * len(oracles)
        self.answers: list[list[np.ndarray]] = [[] for _ in oracles]
        self.asked: list[list[np.ndarray]] = [[] for _ in oracles]
        self.blocked = [None] * len(oracles)

    def __call__(self, attacker: Oracle, answered: int) -> None:
        for k, o in enumerate(self.oracles):
            if self.blocked[k] is not None:
                continue
            s = self.sent[k] % len(self.streams[k])
            x = self.streams[k][s:s + self.per_request]
            try:
                self.answers[k].append(o(x, batch_size=len(x)))
                self.asked[k].append(x)
            except Blocked:
                self.blocked[k] = o.queries
                continue
            self.sent[k] += len(x)

    def inputs(self, k: int) -> np.ndarray:
        """The images cover key k had answered, in order (for scoring its answers)."""
        return np.concatenate(self.asked[k]) if self.asked[k] else np.zeros((0, 1, 28, 28), np.float32)

    def answers_of(self, k: int) -> np.ndarray:
        return np.concatenate(self.answers[k]) if self.answers[k] else np.zeros((0, 10), np.float32)
