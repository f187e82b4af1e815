"""Fashion-MNIST from Debian's dataset-fashion-mnist package (IDX files, gzip)."""
from __future__ import annotations

import functools
import gzip
import os
import pathlib

import numpy as np

DATA_DIR = pathlib.Path(os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist"))

LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
          "Bag", "Ankle boot"]

# The victim trains on train images [0, VICTIM_TRAIN_END); the rest is the attacker's pool.
VICTIM_TRAIN_END = 50_000


def _read_idx(path: pathlib.Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = int.from_bytes(raw[0:4], "big")
    dtype_code, ndim = (magic >> 8) & 0xFF, magic & 0xFF
    if dtype_code != 0x08:
        raise ValueError(f"{path}: unsupported IDX dtype 0x{dtype_code:02x} (expected unsigned byte)")
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    return data.reshape(dims)


@functools.lru_cache(maxsize=None)
def load_split(split: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (images float32 [N,1,28,28] in [0,1], labels int64 [N]) for split 'train' or 'test'."""
    prefix = {"train": "train", "test": "t10k"}[split]
    images = _read_idx(DATA_DIR / f"{prefix}-images-idx3-ubyte.gz")
    labels = _read_idx(DATA_DIR / f"{prefix}-labels-idx1-ubyte.gz")
    x = (images.astype(np.float32) / np.float32(255.0)).reshape(-1, 1, 28, 28)
    x.setflags(write=False)
    y = labels.astype(np.int64)
    y.setflags(write=False)
    return x, y


def victim_train() -> tuple[np.ndarray, np.ndarray]:
    x, y = load_split("train")
    return x[:VICTIM_TRAIN_END], y[:VICTIM_TRAIN_END]


def attacker_indist() -> tuple[np.ndarray, np.ndarray]:
    """Train images 50,000-59,999: never seen by the victim. Labels are for bookkeeping only."""
    x, y = load_split("train")
    return x[VICTIM_TRAIN_END:], y[VICTIM_TRAIN_END:]


def test() -> tuple[np.ndarray, np.ndarray]:
    return load_split("test")
