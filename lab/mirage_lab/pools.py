"""The attacker's query pools (all float32 [N,1,28,28] in [0,1], the service's scaling)."""
from __future__ import annotations

import functools

import numpy as np

from . import data


@functools.lru_cache(maxsize=None)
def split(name: str) -> tuple[np.ndarray, np.ndarray]:
    """data.load(name), read once per process (read-only arrays)."""
    x, y = data.load(name)
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y

# skimage's bundled photographs (grayscale or converted); loaded by name through skimage.data.
SKIMAGE_PHOTOS = ["astronaut", "brick", "camera", "cat", "cell", "coffee", "coins", "grass", "gravel",
                  "horse", "hubble_deep_field", "immunohistochemistry", "moon", "page", "retina", "rocket",
                  "text", "clock", "microaneurysms", "logo", "colorwheel", "motorcycle_left"]


def indist() -> tuple[np.ndarray, np.ndarray]:
    """In-distribution pool: Fashion-MNIST train images 50,000-59,999 (the victim never saw them).
    The labels are never used by an attack; they only let the lab describe the pool."""
    x, y = split("train")
    return x[data.ATTACKER_POOL], y[data.ATTACKER_POOL]


def _photos() -> list[np.ndarray]:
    import skimage.data
    from skimage.color import rgb2gray, rgba2rgb
    out = []
    for name in SKIMAGE_PHOTOS:
        fn = getattr(skimage.data, name, None)
        if fn is None:
            continue
        try:
            img = np.asarray(fn())
        except Exception:  # a data file not shipped by this skimage build
            continue
        if img.ndim == 3 and img.shape[-1] == 4:
            img = rgba2rgb(img)
        if img.ndim == 3:
            img = rgb2gray(img)
        img = img.astype(np.float64)
        if img.max() > 1.0:
            img = img / (65535.0 if img.max() > 255 else 255.0)
        if min(img.shape) >= 56:
            out.append(img)
    if not out:
        raise RuntimeError("no skimage photographs found")
    return out


def ood(n: int, seed: int = 0, digits_fraction: float = 0.25) -> np.ndarray:
    """Out-of-distribution pool: random square crops (28 px up to half the photo's short side) of
    skimage's photographs, resized to 28x28, randomly flipped, plus sklearn's 8x8 digits upscaled."""
    from skimage.transform import resize
    from sklearn.datasets import load_digits
    rng = np.random.default_rng(seed)
    photos = _photos()
    n_digits = int(round(n * digits_fraction))
    n_crops = n - n_digits
    out = np.empty((n, 1, 28, 28), dtype=np.float32)
    for i in range(n_crops):
        img = photos[rng.integers(len(photos))]
        h, w = img.shape
        s = int(rng.integers(28, max(29, min(h, w) // 2 + 1)))
        r, c = int(rng.integers(0, h - s + 1)), int(rng.integers(0, w - s + 1))
        crop = img[r:r + s, c:c + s]
        crop = resize(crop, (28, 28), order=1, anti_aliasing=s > 28, mode="reflect")
        if rng.random() < 0.5:
            crop = crop[:, ::-1]
        out[i, 0] = np.clip(crop, 0.0, 1.0)
    digits = load_digits().images / 16.0
    idx = rng.choice(len(digits), size=n_digits, replace=n_digits > len(digits))
    for j, d in enumerate(idx):
        out[n_crops + j, 0] = np.clip(resize(digits[d], (28, 28), order=1, mode="edge"), 0.0, 1.0)
    perm = rng.permutation(n)
    return out[perm]


def jbda_seeds(n: int = 100, seed: int = 0) -> np.ndarray:
    """JBDA's seed set: n images of the test split (balanced over classes when n >= 10)."""
    x, y = split("test")
    rng = np.random.default_rng(seed)
    per = [rng.permutation(np.flatnonzero(y == c)) for c in range(10)]
    take = [per[i % 10][i // 10] for i in range(n)]
    return np.ascontiguousarray(x[np.asarray(take)])
