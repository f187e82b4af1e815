"""How much MAD changes when the service uses the surrogate's mean posterior (the manifest's
surrogateMeanPosterior, the default) instead of running the surrogate on every input.

For in-distribution test images, out-of-distribution images (the OOD attacker's pool) and JBDA-style
synthetic images (seeds plus 0.1 sign steps), both MAD oracles at epsilon 1 (L1): the share of rows
where the two sources choose the same target, and the mean L1 distance between the two answers.
Run: /usr/bin/python3 lab/surrogate_agreement.py [--rows 1000]"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mirage_lab import MODELS_DIR, data, defenses, pools, set_threads  # noqa: E402
from mirage_lab.infer import load_onnx_weights, predict_probs  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    set_threads()
    victim = load_onnx_weights(MODELS_DIR / "fmnist-cnn.onnx")
    surrogate = load_onnx_weights(MODELS_DIR / "fmnist-cnn-surrogate.onnx")
    mean = np.asarray(json.loads((MODELS_DIR / "fmnist-cnn.json").read_text())["surrogateMeanPosterior"])
    rng = np.random.default_rng(3)
    test_x, _ = data.load("test")
    seeds = pools.jbda_seeds(100)
    steps = seeds[rng.integers(0, len(seeds), args.rows)]
    steps = np.clip(steps + 0.1 * np.sign(rng.normal(size=steps.shape)), 0, 1).astype(np.float32)
    inputs = {
        "test images": test_x[rng.permutation(len(test_x))[:args.rows]],
        "OOD pool": pools.ood(args.rows, seed=3),
        "JBDA-style steps": steps,
    }
    print(f"surrogate per-class std over the test images: {predict_probs(surrogate, test_x[:2000]).std(0).mean():.4f}")
    for name, x in inputs.items():
        y = predict_probs(victim, x)
        per_input = predict_probs(surrogate, x)
        for argmax in (False, True):
            a = defenses.mad(1.0, lambda _: per_input, argmax)(y, x)
            b = defenses.mad(1.0, lambda _: np.tile(mean, (len(x), 1)), argmax)(y, x)
            l1 = np.abs(a - b).sum(1)
            print(f"{name:17s} {'MAD-argmax' if argmax else 'MAD       '}: same answer {np.mean(l1 < 1e-6):.3f}, "
                  f"mean L1 between the answers {l1.mean():.4f} (each answer is L1 {np.abs(a - y).sum(1).mean():.2f} from y)")


if __name__ == "__main__":
    main()
