"""Training loops shared by the victim and the attackers' surrogates."""
import numpy as np
import torch
from torch import nn


def train(model, images, targets, epochs, seed, soft=False, batch_size=128, lr=1e-3, progress=None):
    """Adam on (images, targets) with a cosine learning-rate decay over the epochs (it settles the
    last epochs instead of ending on a noisy step); soft=True takes probability vectors."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.from_numpy(np.ascontiguousarray(images))
    y = torch.from_numpy(np.ascontiguousarray(targets))
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=max(1, epochs))
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            logits = model(x[batch])
            if soft:
                loss = -(y[batch] * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()
            else:
                loss = nn.functional.cross_entropy(logits, y[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        schedule.step()
        if progress:
            progress(epoch)
    return model


@torch.no_grad()
def accuracy(model, images, labels, batch_size=1000):
    model.eval()
    correct = 0
    for start in range(0, len(images), batch_size):
        logits = model(torch.from_numpy(images[start:start + batch_size]))
        correct += int((logits.argmax(dim=1).numpy() == labels[start:start + batch_size]).sum())
    return correct / len(images)
