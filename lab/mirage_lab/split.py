"""The "split" attacker: one attack spread over several API keys (round robin per request)."""
from __future__ import annotations

import numpy as np

from .oracle import Blocked, Oracle


class SplitOracle(Oracle):
    def __init__(self, oracles: list[Oracle], name: str = "split") -> None:
        super().__init__()
        self.oracles, self.name = list(oracles), name
        self.live = list(range(len(oracles)))
        self.blocked_keys: dict[int, int] = {}   # key index -> total answered when it was blocked
        self._next = 0

    def _answer(self, x: np.ndarray) -> np.ndarray:
        while self.live:
            k = self.live[self._next % len(self.live)]
            self._next += 1
            try:
                return self.oracles[k](x, batch_size=len(x))
            except Blocked:
                self.blocked_keys[k] = self.queries
                self.live.remove(k)
        raise Blocked(self.queries, "every key of the split attacker is blocked")
