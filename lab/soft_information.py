"""Which part of a soft answer helps a Knockoff copy more than the label alone.

Offline (the victim's own posteriors, computed from the weights the service serves), with the report's
Knockoff draw (in-distribution pool, seed 7), budgets, surrogate seed and epochs. Each variant trains
the same surrogate on the same queries with other targets, all with the victim's argmax as top class:
  soft          the clean posterior (what the service answers at its clean level)
  label         one-hot of the argmax (the label-only baseline)
  tail_shuffled the clean sorted values, the top on the argmax, the other nine classes in a random order
                (what camouflage keeps of an argmax-keeping answer: its values, not their order)
  top_only      the clean top value on the argmax, the rest shared equally by the other classes
  values_drawn  the sorted values of another answer of the same transfer set, drawn at random,
                the top on the argmax, the rest in the clean order
With --clean-first N the first N targets of every variant are the clean posteriors (the adaptive default
answers the plain Knockoff cleanly until it flags it by volume, at 3,584 queries in the report).
Run: /usr/bin/python3 lab/soft_information.py [--budgets 1000,5000,10000] [--clean-first N] [--variants a,b] [--out FILE.json]"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mirage_lab import pools, set_threads  # noqa: E402
from mirage_lab.attacks import epochs_for, knockoff, train_surrogate  # noqa: E402
from mirage_lab.infer import accuracy, predict_probs  # noqa: E402
from mirage_lab.oracle import load_victim  # noqa: E402

SEED = 7  # the report's seed: the Knockoff draw uses it, the surrogate seed + 17 (runner.Lab._curve)


def tail_shuffled(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = np.empty_like(y)
    for i, row in enumerate(y):
        top = row.argmax()
        rest = np.delete(np.arange(len(row)), top)
        values = np.sort(row)[::-1]
        out[i, top] = values[0]
        out[i, rng.permutation(rest)] = values[1:]
    return out


def top_only(y: np.ndarray) -> np.ndarray:
    top = y.max(1, keepdims=True)
    out = np.repeat((1 - top) / (y.shape[1] - 1), y.shape[1], axis=1)
    out[np.arange(len(y)), y.argmax(1)] = top[:, 0]
    return out


def values_drawn(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    donors = np.sort(y[rng.integers(0, len(y), len(y))], axis=1)[:, ::-1]
    order = np.argsort(-y, axis=1)  # the clean ranking: top first
    out = np.empty_like(y)
    np.put_along_axis(out, order, donors, axis=1)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budgets", default="1000,5000,10000")
    parser.add_argument("--clean-first", type=int, default=0)
    parser.add_argument("--variants", help="a comma-separated subset of the variants (default: all)")
    parser.add_argument("--out")
    args = parser.parse_args()
    set_threads()
    budgets = [int(b) for b in args.budgets.split(",")]
    victim = load_victim()
    x_test, y_test = pools.split("test")
    pool = np.ascontiguousarray(pools.indist()[0])

    def oracle(x, batch_size=256):
        return predict_probs(victim, x)

    ts = knockoff(oracle, pool, max(budgets), seed=SEED)
    rng = np.random.default_rng(SEED)
    variants = {
        "soft": (ts.y, "soft"),
        "label": (ts.y, "argmax"),
        "tail_shuffled": (tail_shuffled(ts.y, rng), "soft"),
        "top_only": (top_only(ts.y), "soft"),
        "values_drawn": (values_drawn(ts.y, rng), "soft"),
    }
    if args.variants:
        variants = {name: variants[name] for name in args.variants.split(",")}
    for targets, _ in variants.values():
        targets[:args.clean_first] = ts.y[:args.clean_first]
    results = {}
    for name, (targets, labels) in variants.items():
        assert (targets.argmax(1) == ts.y.argmax(1)).all(), name
        for b in budgets:
            model, _ = train_surrogate(ts.x[:b], targets[:b], labels=labels, epochs=epochs_for(b, False), seed=SEED + 17)
            results.setdefault(name, {})[b] = round(accuracy(model, x_test, y_test), 4)
            print(f"{name:14s} {b:6d} {results[name][b]:.4f}", flush=True)
    print("\n| targets | " + " | ".join(f"{b} q" for b in budgets) + " |")
    print("|---|" + "---|" * len(budgets))
    for name, row in results.items():
        print(f"| {name} | " + " | ".join(f"{row[b]:.3f}" for b in budgets) + " |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"seed": SEED, "budgets": budgets, "cleanFirst": args.clean_first, "testImages": len(x_test), "accuracy": results}, f, indent=2)


if __name__ == "__main__":
    main()
