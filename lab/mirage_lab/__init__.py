"""Mirage's attack lab: the victim's training and the attacker's side, against the live service."""
import os
import pathlib

LAB_DIR = pathlib.Path(__file__).resolve().parent.parent
REPO_DIR = LAB_DIR.parent
MODELS_DIR = REPO_DIR / "models"
RESULTS_DIR = LAB_DIR / "results"


def set_threads(n: int = 2) -> None:
    """Debian's torch starts with one thread; the machine has two cores (MIRAGE_LAB_THREADS overrides)."""
    import torch
    torch.set_num_threads(int(os.environ.get("MIRAGE_LAB_THREADS", n)))
