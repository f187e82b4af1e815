"""Mirage attack lab: victim training/export, attacker pools, attacks, benign clients, reports."""
import os
import pathlib

LAB_DIR = pathlib.Path(__file__).resolve().parent.parent
REPO_DIR = LAB_DIR.parent
MODELS_DIR = REPO_DIR / "models"
RESULTS_DIR = LAB_DIR / "results"


def set_threads(n: int = 2) -> None:
    """Debian's torch starts with one thread; the machine has two cores."""
    import torch
    torch.set_num_threads(int(os.environ.get("MIRAGE_LAB_THREADS", n)))
