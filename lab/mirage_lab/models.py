"""The victim architecture (also used for surrogates and stolen copies)."""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F


class FmnistCnn(nn.Module):
    """conv(1->32,3x3) - pool - conv(32->64,3x3) - pool - fc(3136->128) - fc(128->10).

    forward() returns logits; features() returns the penultimate activation (after ReLU).
    """

    EMBEDDING = 128
    CLASSES = 10

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, self.EMBEDDING)
        self.fc2 = nn.Linear(self.EMBEDDING, self.CLASSES)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)   # 32x14x14
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)   # 64x7x7
        return F.relu(self.fc1(torch.flatten(x, 1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.features(x))


class ExportWrapper(nn.Module):
    """Two outputs for ONNX: probs = softmax(logits), embedding = penultimate activation."""

    def __init__(self, net: FmnistCnn) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor):
        h = self.net.features(x)
        return F.softmax(self.net.fc2(h), dim=1), h


def make_model(seed: int) -> FmnistCnn:
    """A freshly, deterministically initialised model."""
    g = torch.random.get_rng_state()
    torch.manual_seed(seed)
    m = FmnistCnn()
    torch.random.set_rng_state(g)
    return m
