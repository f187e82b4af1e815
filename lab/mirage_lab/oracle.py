"""The attacker's view of the victim: an oracle maps a float32 batch [N,1,28,28] to probabilities [N,10].

* HttpOracle   - the real thing: a client of docs/API.md (POST /v1/models/{model}/predict).
* LocalOracle  - a test double for developing the harness offline: runs the victim's PyTorch weights
                 directly, optionally through a local re-implementation of a defense (defenses.py).
                 Numbers from it are NOT the service's numbers; the report says which oracle was used.
Every oracle counts its queries and keeps the victim-side bookkeeping the lab needs.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Callable, Optional

import numpy as np
import torch

from . import MODELS_DIR
from .infer import load_onnx_weights, predict_probs
from .models import FashionCnn

MAX_BATCH = 256  # docs/API.md: at most 256 inputs a request


class Blocked(Exception):
    """The service answered 403: this client is blocked. `answered` queries were answered before."""

    def __init__(self, answered: int, detail: str = "") -> None:
        super().__init__(f"blocked after {answered} answered queries: {detail}")
        self.answered = answered


class Oracle:
    name = "oracle"

    def __init__(self) -> None:
        self.queries = 0        # inputs answered
        self.requests = 0       # HTTP requests (or local calls)
        # hook called after every request: f(oracle, answered_so_far); used for detection polling
        self.after_request: Optional[Callable[["Oracle", int], None]] = None

    def _answer(self, x: np.ndarray) -> np.ndarray:  # one request, len(x) <= MAX_BATCH
        raise NotImplementedError

    def __call__(self, x: np.ndarray, batch_size: int = MAX_BATCH) -> np.ndarray:
        x = np.ascontiguousarray(x, dtype=np.float32).reshape(-1, 1, 28, 28)
        out = np.zeros((len(x), 10), dtype=np.float32)
        for i in range(0, len(x), batch_size):
            part = self._answer(x[i:i + batch_size])
            out[i:i + len(part)] = part
            self.queries += len(part)
            self.requests += 1
            if self.after_request:
                self.after_request(self, self.queries)
        return out


def _manifest() -> dict:
    return json.loads((MODELS_DIR / "fmnist-cnn.json").read_text())


def load_victim() -> FashionCnn:
    """The victim exactly as served: weights read from models/fmnist-cnn.onnx."""
    return load_onnx_weights(MODELS_DIR / _manifest()["file"])


def load_surrogate() -> FashionCnn:
    """The service's MAD surrogate (random init, seeded at export): models/fmnist-cnn-surrogate.onnx."""
    return load_onnx_weights(MODELS_DIR / _manifest()["surrogate"])


class LocalOracle(Oracle):
    """Victim in-process; `defense(y, x) -> y_tilde` (numpy, per batch) is applied if given."""

    def __init__(self, victim: FashionCnn, defense: Optional[Callable[[np.ndarray, np.ndarray], np.ndarray]] = None,
                 name: str = "local") -> None:
        super().__init__()
        self.victim, self.defense, self.name = victim, defense, name

    def _answer(self, x: np.ndarray) -> np.ndarray:
        y = predict_probs(self.victim, x)
        return self.defense(y, x).astype(np.float32) if self.defense else y


class HttpOracle(Oracle):
    """Client of the service's predict endpoint. 429 -> sleep Retry-After and retry; 403 -> Blocked."""

    def __init__(self, base_url: str, key: str, model: str = "fmnist-cnn", timeout: float = 60.0,
                 max_retries: int = 50, name: str = "http") -> None:
        super().__init__()
        self.url = f"{base_url.rstrip('/')}/v1/models/{model}/predict"
        self.key, self.timeout, self.max_retries, self.name = key, timeout, max_retries, name
        self.throttled_seconds = 0.0

    def _answer(self, x: np.ndarray) -> np.ndarray:
        # 7 significant digits keeps float32 pixel values (k/255) to ~1e-7 and halves the body.
        rows = ",".join("[" + ",".join(f"{v:.7g}" for v in row) + "]" for row in x.reshape(len(x), -1).tolist())
        body = ('{"inputs":[' + rows + "]}").encode()
        for attempt in range(self.max_retries):
            req = urllib.request.Request(self.url, data=body, method="POST", headers={
                "Authorization": f"Bearer {self.key}", "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    doc = json.loads(resp.read())
                probs = np.asarray([o["probabilities"] for o in doc["outputs"]], dtype=np.float32)
                if probs.shape != (len(x), 10):
                    raise RuntimeError(f"unexpected answer shape {probs.shape} for {len(x)} inputs")
                return probs
            except urllib.error.HTTPError as e:
                detail = e.read().decode(errors="replace")[:300]
                if e.code == 403:
                    raise Blocked(self.queries, detail) from None
                if e.code in (429, 503):
                    wait = float(e.headers.get("Retry-After") or 1.0)
                    self.throttled_seconds += wait
                    time.sleep(min(max(wait, 0.05), 60.0))
                    continue
                raise RuntimeError(f"{e.code} from {self.url}: {detail}") from None
        raise RuntimeError(f"gave up after {self.max_retries} throttled attempts")


class AdminClient:
    """Operator API (role operator, own tenant): read a client's summary, reset it."""

    def __init__(self, base_url: str, operator_key: str, timeout: float = 30.0) -> None:
        self.base, self.key, self.timeout = base_url.rstrip("/"), operator_key, timeout

    def _call(self, method: str, path: str, body: Optional[dict] = None):
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.key}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            raw = resp.read()
            return json.loads(raw) if raw else None

    def client(self, client: str) -> Optional[dict]:
        try:
            return self._call("GET", f"/v1/admin/clients/{client}")
        except urllib.error.HTTPError as e:
            if e.code == 404:  # not seen yet
                return None
            raise

    def tenant(self) -> Optional[dict]:
        """GET /v1/admin/tenant: the overview, with the tenant watch's split-attack alerts."""
        return self._call("GET", "/v1/admin/tenant")

    def flagged(self, client: str) -> bool:
        doc = self.client(client)
        return bool(doc and doc.get("flagged"))

    def reset(self, client: str) -> None:
        try:
            self._call("POST", f"/v1/admin/clients/{client}/reset")
        except urllib.error.HTTPError as e:
            if e.code != 404:
                raise


class DetectionProbe:
    """after_request hook: polls the operator API and records the first query count at which the client
    is flagged (resolution: one request, i.e. <= the oracle's batch size). Offline: never flags."""

    def __init__(self, admin: Optional[AdminClient], client: str, every: int = 1) -> None:
        self.admin, self.client, self.every = admin, client, every
        self.flagged_at: Optional[int] = None
        self.level_trace: list[tuple[int, float, int]] = []  # (queries, suspicion, level)
        self.level_names: dict[str, int] = {}  # levelName -> answered queries when first seen
        self._n = 0

    def __call__(self, oracle: Oracle, answered: int) -> None:
        self._n += 1
        if self.admin is None or (self._n % self.every):
            return
        doc = self.admin.client(self.client)
        if not doc:
            return
        self.level_trace.append((answered, float(doc.get("suspicion", 0.0)), int(doc.get("level", 0))))
        self.level_names.setdefault(str(doc.get("levelName")), answered)
        if doc.get("flagged") and self.flagged_at is None:
            self.flagged_at = answered
