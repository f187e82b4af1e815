"""Inference helpers for the lab: seeded models, weights from the exported ONNX files, batched
prediction. (Training loops live in training.py.)"""
from __future__ import annotations

import pathlib

import numpy as np
import torch

from .models import FashionCnn


def make_model(seed: int) -> FashionCnn:
    """A freshly, deterministically initialised model (the global RNG state is restored afterwards)."""
    state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    model = FashionCnn()
    torch.random.set_rng_state(state)
    return model


def load_onnx_weights(path: pathlib.Path) -> FashionCnn:
    """The exported model's weights, read back from the ONNX initializers (`model.<param>` names), so
    the lab's local reference is exactly what the service serves and needs no separate .pt file."""
    import onnx
    from onnx import numpy_helper
    graph = onnx.load(str(path)).graph
    weights = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    model = FashionCnn()
    state = {}
    for name, param in model.state_dict().items():
        arr = weights.get("model." + name)
        if arr is None or tuple(arr.shape) != tuple(param.shape):
            raise ValueError(f"{path}: no initializer model.{name} of shape {tuple(param.shape)}")
        state[name] = torch.from_numpy(np.array(arr, dtype=np.float32))
    model.load_state_dict(state)
    return model.eval()


@torch.no_grad()
def predict_logits(model: torch.nn.Module, x: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    model.eval()
    out = [model(torch.from_numpy(np.array(x[i:i + batch_size], dtype=np.float32))).numpy()
           for i in range(0, len(x), batch_size)]
    return np.concatenate(out) if out else np.zeros((0, 10), np.float32)


def predict_probs(model: torch.nn.Module, x: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    return torch.softmax(torch.from_numpy(predict_logits(model, x, batch_size)), dim=1).numpy()


def accuracy(model: torch.nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    return float((predict_logits(model, x).argmax(1) == y).mean())
