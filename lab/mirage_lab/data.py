"""Fashion-MNIST from Debian's dataset-fashion-mnist package, as float32 in [0, 1], shape [N, 1, 28, 28]."""
import gzip
import os

import numpy as np

DATASET_DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")

LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# The victim trains on training images [0, 50000); the rest is the attacker's in-distribution pool.
VICTIM_TRAIN = slice(0, 50_000)
ATTACKER_POOL = slice(50_000, 60_000)


def _read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    dims = magic & 0xFF
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(split):
    """Returns (images float32 [N,1,28,28] in [0,1], labels int64 [N]) for split 'train' or 'test'."""
    prefix = {"train": "train", "test": "t10k"}[split]
    images = _read_idx(os.path.join(DATASET_DIR, f"{prefix}-images-idx3-ubyte.gz"))
    labels = _read_idx(os.path.join(DATASET_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
    return (images.astype(np.float32) / 255.0)[:, None, :, :], labels.astype(np.int64)
