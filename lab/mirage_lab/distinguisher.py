"""Can an attacker tell a defended answer from a clean one, looking at the answers alone?

For each level of the tenant's ladder, one client is pinned at that level (operator override,
PUT /v1/admin/clients/{c}/override {"level": n}) and sent the same Fashion-MNIST test images. Each
split of the images into four disjoint quarters trains a classifier on the level's answers to quarter
A1 against clean (level 0) answers to quarter B1 and tests it on A2 against B2, so it compares answers
to comparable inputs, never two answers to one image, and never sees a test image in training.
Features per answer are order-free (what an answer shows whatever class it names): the sorted
probabilities and their logs, entropy, margin, count of exact zeros, std of the non-top values.
Logistic regression and gradient boosting (Debian's sklearn) are scored by held-out AUC on single
answers and on batches of 64 answers (mean and std of each feature over the batch), averaged over
SPLITS random splits. Level 0 against clean answers is the control: its AUC shows the method's noise.
"""
from __future__ import annotations

import json
import pathlib
import sys
import time
from typing import Optional

import numpy as np

from . import REPO_DIR, RESULTS_DIR
from .data import load
from .oracle import AdminClient, HttpOracle
from .runner import _service_commit
from .service import start_service

OUT_DIR = RESULTS_DIR / "distinguisher"
BATCH = 64
SPLITS = 5            # random splits of the images; the report gives the mean and std of their AUCs
TRAIN_BATCHES = 400   # per class, drawn from the training quarter's answers
TEST_BATCHES = 200    # per class, drawn from the test quarter's answers
LOG_FLOOR = 1e-30             # log of an exact zero: far below any float32 softmax output


def features(answers: np.ndarray) -> np.ndarray:
    """Order-free statistics of each answer row: [N, 10] probabilities -> [N, 25]."""
    p = np.asarray(answers, dtype=np.float64)
    ranked = -np.sort(-p, axis=1)
    entropy = -np.sum(np.where(p > 0, p * np.log(np.maximum(p, LOG_FLOOR)), 0.0), axis=1)
    margin = ranked[:, 0] - ranked[:, 1]
    zeros = np.sum(p == 0, axis=1)
    rest_std = ranked[:, 1:].std(axis=1)
    return np.column_stack([ranked, np.log10(np.maximum(ranked, LOG_FLOOR)), entropy, margin, zeros, rest_std])


def _models():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    return {
        "logistic": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=1.0)),
        "boosting": lambda seed: HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, random_state=seed),
    }


def _fit_auc(name: str, make, x_train, y_train, x_test, y_test, seed: int) -> float:
    from sklearn.metrics import roc_auc_score
    model = make(seed) if name == "boosting" else make()
    # A feature that is constant in the training rows carries nothing; the scaler handles it (scale 1).
    model.fit(x_train, y_train)
    return float(roc_auc_score(y_test, model.predict_proba(x_test)[:, 1]))


def _batches(f: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` batches of BATCH rows of `f` (drawn with replacement): mean and std of every feature."""
    idx = rng.integers(0, len(f), size=(count, BATCH))
    picked = f[idx]
    return np.concatenate([picked.mean(axis=1), picked.std(axis=1)], axis=1)


def _one_split(f_level: np.ndarray, f_clean: np.ndarray, rng: np.random.Generator, seed: int) -> dict:
    """One random split of the images into quarters: train on the level's answers to A1 against clean
    answers to B1, test on A2 against B2. The four sets of images are disjoint, so the model learns
    nothing about the test rows (cross-validation folds are not: on answers drawn from one distribution
    their held-out AUC came out biased below 0.5, most of all for batches)."""
    quarters = np.array_split(rng.permutation(len(f_level)), 4)
    sets = {"train": (f_level[quarters[0]], f_clean[quarters[1]]), "test": (f_level[quarters[2]], f_clean[quarters[3]])}
    out = {}
    for name, make in _models().items():
        single = _fit_auc(name, make, *_labelled(*sets["train"]), *_labelled(*sets["test"]), seed)
        train = [_batches(part, TRAIN_BATCHES, rng) for part in sets["train"]]
        test = [_batches(part, TEST_BATCHES, rng) for part in sets["test"]]
        out[name] = (single, _fit_auc(name, make, *_labelled(*train), *_labelled(*test), seed))
    return out


def _labelled(positive: np.ndarray, negative: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate([positive, negative]), np.concatenate([np.ones(len(positive)), np.zeros(len(negative))])


def distinguish(level: np.ndarray, clean: np.ndarray, seed: int) -> dict:
    """Held-out AUCs, over SPLITS random splits, of each model telling the level's answers from clean
    answers to other images; `level` and `clean` are the answers to the same images, row by row."""
    fl, fc = features(level), features(clean)
    rng = np.random.default_rng(seed)
    runs = [_one_split(fl, fc, rng, seed + k) for k in range(SPLITS)]
    out = {}
    for name in runs[0]:
        single = [r[name][0] for r in runs]
        batch = [r[name][1] for r in runs]
        out[name] = {"single": float(np.mean(single)), "singleStd": float(np.std(single)),
                     "batch64": float(np.mean(batch)), "batch64Std": float(np.std(batch))}
    return out


def describe(answers: np.ndarray, clean: np.ndarray) -> dict:
    """What the answers look like beside the clean answers to the same images (not used by the classifier)."""
    a, c = np.asarray(answers, np.float64), np.asarray(clean, np.float64)
    same_sorted = np.all(np.abs(np.sort(a, axis=1) - np.sort(c, axis=1)) <= 1e-7, axis=1)
    return {
        "answersWithExactZeros": float(np.mean(np.any(a == 0, axis=1))),
        "meanTop": float(a.max(axis=1).mean()),
        "argmaxKept": float(np.mean(a.argmax(axis=1) == c.argmax(axis=1))),
        "secondKept": float(np.mean(np.argsort(-a, axis=1)[:, 1] == np.argsort(-c, axis=1)[:, 1])),
        "meanL1": float(np.abs(a - c).sum(axis=1).mean()),
        "sortedEqualsClean": float(np.mean(same_sorted)),
    }


def collect(base_url: str, operator_key: str, client_key: str, client: str, images: np.ndarray,
            levels: Optional[int]) -> tuple[list[str], list[np.ndarray]]:
    """Answers of `client` to `images` at every level of its ladder (pinned in turn), then unpinned."""
    admin = AdminClient(base_url, operator_key)
    names, answers = [], []
    level = 0
    try:
        while levels is None or level < levels:
            try:
                detail = admin._call("PUT", f"/v1/admin/clients/{client}/override", {"level": level})
            except Exception as e:  # a level off the ladder is 400: the ladder has no more levels
                if levels is None and "400" in str(e):
                    break
                raise
            names.append(detail.get("levelName") or f"level {level}")
            oracle = HttpOracle(base_url, client_key, name=f"level-{level}")
            started = time.time()
            answers.append(oracle(images))
            print(f"  level {level} ({names[-1]}): {len(images)} answers in {time.time() - started:.1f} s")
            level += 1
    finally:
        admin._call("DELETE", f"/v1/admin/clients/{client}/override")
    return names, answers


def run(label: str, images_n: int, seed: int, config: Optional[str], port: int, operator_key: str,
        client_key: str, client: str, levels: Optional[int], url: Optional[str], commit: Optional[str] = None) -> dict:
    x, _ = load("test")
    images = x[np.sort(np.random.default_rng(seed).permutation(len(x))[: min(images_n, len(x))])]
    started = time.time()
    if url:
        names, answers = collect(url, operator_key, client_key, client, images, levels)
    else:
        config_path = config or str(REPO_DIR / "config" / "demo.json")
        with start_service(config_path, port, log_dir=OUT_DIR / "logs") as base:
            names, answers = collect(base, operator_key, client_key, client, images, levels)
    clean = answers[0]
    rows = []
    for level, (name, got) in enumerate(zip(names, answers)):
        print(f"  fitting level {level} ({name})")
        rows.append({"level": level, "name": name, **distinguish(got, clean, seed + level),
                     "answers": describe(got, clean)})
    result = {"label": label, "command": "bash lab/run.sh " + " ".join(sys.argv[1:]), "commit": commit or _service_commit(), "images": len(images), "seed": seed,
              "batch": BATCH, "splits": SPLITS, "seconds": round(time.time() - started, 1), "levels": rows}
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / f"{label}.json").write_text(json.dumps(result, indent=1) + "\n")
    return result


def report(command: str) -> str:
    """Re-renders OUT_DIR/report.md from every OUT_DIR/*.json (one section per run label)."""
    runs = [json.loads(p.read_text()) for p in sorted(OUT_DIR.glob("*.json"))]
    lines = ["# Distinguisher: a defended answer beside clean ones", "",
             "Generated by `lab/mirage_lab/distinguisher.py` (method in its docstring); each run names its command "
             f"(`{command}`, or `--url` against a silo started by hand). AUC: held out, mean ± std over {SPLITS} random splits of the "
             "images into quarters (train: the level's answers to A1 against clean answers to B1; test: A2 against "
             "B2); 0.5 is chance, the target is ≤ 0.6 on single answers at every level. Level 0 is the control "
             "(clean against clean).", ""]
    for r in runs:
        lines += [f"## {r['label']}", "", f"`{r.get('command', command)}`", "", f"Commit `{r['commit']}`, {r['images']} Fashion-MNIST test images "
                  f"(a quarter of them, {r['images'] // 4}, in each set), seed {r['seed']}, {r['seconds']} s.", "",
                  "| level | logistic single | boosting single | logistic batch-64 | boosting batch-64 "
                  "| answers with zeros | argmax kept | 2nd kept | mean L1 | sorted = clean |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for row in r["levels"]:
            lg, gb, a = row["logistic"], row["boosting"], row["answers"]
            lines.append(f"| {row['level']} {row['name']} | {lg['single']:.3f} ± {lg['singleStd']:.3f} "
                         f"| {gb['single']:.3f} ± {gb['singleStd']:.3f} | {lg['batch64']:.3f} ± {lg['batch64Std']:.3f} "
                         f"| {gb['batch64']:.3f} ± {gb['batch64Std']:.3f} | {a['answersWithExactZeros']:.3f} "
                         f"| {a['argmaxKept']:.3f} | {a['secondKept']:.3f} | {a['meanL1']:.3f} | {a['sortedEqualsClean']:.3f} |")
        lines.append("")
    lines += ["Columns after the AUCs compare each answer with the clean answer to the same image (never shown to "
              "the classifier): share of answers with an exact zero, top class kept, second class kept, L1 "
              "distance, and share whose sorted values equal the clean ones (within 1e-7).", ""]
    notes = OUT_DIR / "notes.md"
    if notes.exists():
        lines += [notes.read_text().rstrip(), ""]
    text = "\n".join(lines)
    (OUT_DIR / "report.md").write_text(text)
    return text
