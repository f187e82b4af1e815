"""The victim's architecture (also the attackers' surrogate): conv32-conv64-fc128-fc10."""
import os

import torch
from torch import nn


class FashionCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(64 * 7 * 7, 128), nn.ReLU(),
        )
        self.classifier = nn.Linear(128, 10)

    def forward(self, x):
        return self.classifier(self.features(x))


class Exported(nn.Module):
    """What the service runs: the softmax posterior and the penultimate activation."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        embedding = self.model.features(x)
        return torch.softmax(self.model.classifier(embedding), dim=1), embedding


def use_all_cores():
    # Debian's torch starts with one thread.
    torch.set_num_threads(max(1, os.cpu_count() or 1))


