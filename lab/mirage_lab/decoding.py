"""The decoding attacker (issue 14): it watches its own answers, and at the first one that "looks
perturbed" it drops the key, asks that input (and the rest of the request) again on a fresh key, and
goes on there. The copy is trained on the answers it kept.

Its rule for "looks perturbed" (PerturbationTell.check), in this order:
1. one-hot: exactly one non-zero probability;
2. exact zeros: any probability exactly 0 (a float32 softmax of this victim never underflows to 0);
3. top probability exactly 0.5 (within 1e-6): a defense splitting the mass in two;
4. constant tail: >= 3 equal non-top probabilities (equal to 1e-7 relative): a flattened tail;
5. profile: the answer's sorted probabilities are flatter than anything its first 200 kept answers
   (those that passed 1-4) showed: its top probability below half their lowest top, or one of its
   2nd-4th probabilities above 3x their highest at that rank (a defense that moves mass off the top).
   Only "flatter" counts: clean answers that are more confident than the reference are common (their
   small probabilities go 5 decades below it), flatter ones are not. On the clean victim this rule
   fired on 0 of 9,800 in-distribution, 9,800 out-of-distribution and 2,800 JBDA-like answers after
   their first 200 (a tighter per-rank range in log10 with a 1-decade margin fired on 0.7%).
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from .oracle import Blocked, DetectionProbe, Oracle

REFERENCE_ANSWERS = 200
TOP_FACTOR = 0.5         # top probability below this x the reference's lowest top: flatter than seen
RANK_FACTOR = 3.0        # a 2nd-4th probability above this x the reference's highest: flatter than seen


class PerturbationTell:
    def __init__(self, reference_size: int = REFERENCE_ANSWERS) -> None:
        self.reference_size = reference_size
        self._ref: list[np.ndarray] = []
        self.lowest_top: Optional[float] = None
        self.highest_next: Optional[np.ndarray] = None   # highest 2nd, 3rd, 4th probability seen

    @staticmethod
    def _profile(p: np.ndarray) -> np.ndarray:
        return np.sort(p.astype(np.float64))[::-1]

    def check(self, p: np.ndarray) -> Optional[str]:
        """The reason this answer looks perturbed, or None."""
        nonzero = int((p > 0).sum())
        if nonzero == 1:
            return "one-hot"
        if nonzero < len(p):
            return "exact zeros"
        top = int(p.argmax())
        if abs(float(p[top]) - 0.5) <= 1e-6:
            return "top exactly 0.5"
        tail = np.sort(np.delete(p, top).astype(np.float64))
        run, best = 1, 1
        for a, b in zip(tail[:-1], tail[1:]):
            run = run + 1 if b - a <= 1e-7 * max(abs(b), 1e-30) else 1
            best = max(best, run)
        if best >= 3:
            return "constant tail"
        if self.lowest_top is not None:
            prof = self._profile(p)
            if prof[0] < TOP_FACTOR * self.lowest_top or (prof[1:4] > RANK_FACTOR * self.highest_next).any():
                return "profile"
        return None

    def learn(self, answers: np.ndarray) -> None:
        """Feeds kept answers into the reference until it holds reference_size of them."""
        for p in answers:
            if len(self._ref) >= self.reference_size:
                break
            self._ref.append(self._profile(p))
            if len(self._ref) == self.reference_size:
                ref = np.stack(self._ref)
                self.lowest_top, self.highest_next = float(ref[:, 0].min()), ref[:, 1:4].max(0)


class DecodingOracle(Oracle):
    """An oracle over a supply of fresh keys: `fresh_key()` -> (oracle, probe) or None when none are
    left; the attacker then keeps the perturbed answers (recorded as `exhausted`)."""

    def __init__(self, fresh_key: Callable[[], Optional[tuple[Oracle, DetectionProbe]]],
                 tell: Optional[PerturbationTell] = None, name: str = "decoding") -> None:
        super().__init__()
        self.fresh_key, self.tell, self.name = fresh_key, tell or PerturbationTell(), name
        self.keys: list[dict] = []
        self.exhausted = False
        self.discarded = 0                   # answers dropped as perturbed (asked again elsewhere)
        self._used: list[tuple[Oracle, DetectionProbe]] = []   # every key taken, the current one last
        self._rotate(None)

    def _rotate(self, reason: Optional[str]) -> bool:
        if self.keys:
            self.keys[-1]["droppedBecause"] = reason
        nxt = self.fresh_key()
        if nxt is None:
            self.exhausted = True
            return False
        self._used.append(nxt)
        self.keys.append({"client": nxt[0].name, "droppedBecause": None})
        return True

    def _record(self) -> None:
        for k, (o, p) in zip(self.keys, self._used):
            k.update({"answered": int(o.queries), "flaggedAt": p.flagged_at})

    def _answer(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros((len(x), 10), np.float32)
        done = 0
        while done < len(x):
            oracle = self._used[-1][0]
            try:
                a = oracle(x[done:], batch_size=len(x) - done)
            except Blocked:
                if self._rotate("blocked (403)"):
                    continue
                raise Blocked(self.queries + done, "every fresh key of the decoding attacker is spent")
            bad = None
            if not self.exhausted:
                for i, p in enumerate(a):
                    reason = self.tell.check(p)
                    if reason is not None:
                        bad = (i, reason)
                        break
            keep = len(a) if bad is None else bad[0]
            out[done:done + keep] = a[:keep]
            self.tell.learn(a[:keep])
            done += keep
            if bad is not None:
                self.discarded += len(a) - keep
                if not self._rotate(bad[1]):   # no fresh key left: keep what this key answers
                    out[done:] = a[keep:]
                    done = len(x)
        self._record()
        return out

    def summary(self) -> dict:
        self._record()
        sent = sum(int(o.queries) for o, _ in self._used)
        return {"keysUsed": len(self.keys), "keys": self.keys, "answersKept": int(self.queries),
                "answersSent": sent, "answersDiscarded": int(self.discarded), "outOfFreshKeys": self.exhausted,
                "reasons": _count(k["droppedBecause"] for k in self.keys if k["droppedBecause"])}


def _count(items) -> dict:
    out: dict = {}
    for i in items:
        out[i] = out.get(i, 0) + 1
    return out
