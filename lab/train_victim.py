"""Trains the victim on Fashion-MNIST training images 0-49,999 and exports what the service serves:
models/fmnist-cnn.onnx (+ a seeded random-init surrogate for MAD), its manifest, and test vectors
that prove the C# binding computes what PyTorch computes.
--surrogate-posterior-only: keeps the exported models and only (re)writes the manifest's
surrogateMeanPosterior, read back from the exported surrogate ONNX."""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mirage_lab import data  # noqa: E402
from mirage_lab.infer import load_onnx_weights, predict_probs  # noqa: E402
from mirage_lab.models import Exported, FashionCnn, use_all_cores  # noqa: E402
from mirage_lab.training import accuracy, train  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def export(model, path):
    torch.onnx.export(
        Exported(model).eval(), torch.zeros(1, 1, 28, 28), path, opset_version=17,
        input_names=["input"], output_names=["probs", "embedding"],
        dynamic_axes={"input": {0: "batch"}, "probs": {0: "batch"}, "embedding": {0: "batch"}})
    import onnx
    onnx.checker.check_model(onnx.load(path))


@torch.no_grad()
def write_vectors(model, surrogate, images, labels, folder):
    os.makedirs(folder, exist_ok=True)
    probs, embedding = Exported(model).eval()(torch.from_numpy(images))
    surrogate_probs, _ = Exported(surrogate).eval()(torch.from_numpy(images))
    images.astype("<f4").tofile(os.path.join(folder, "fmnist-cnn.inputs.f32"))
    probs.numpy().astype("<f4").tofile(os.path.join(folder, "fmnist-cnn.probs.f32"))
    embedding.numpy().astype("<f4").tofile(os.path.join(folder, "fmnist-cnn.embedding.f32"))
    surrogate_probs.numpy().astype("<f4").tofile(os.path.join(folder, "fmnist-cnn-surrogate.probs.f32"))
    labels.astype(np.uint8).tofile(os.path.join(folder, "fmnist-cnn.labels.u8"))


def surrogate_mean_posterior(surrogate, images):
    """MAD's surrogate is a randomly initialised copy of the victim's architecture, and such a network
    answers almost the same posterior for every input (per class, a standard deviation of about 0.001
    across Fashion-MNIST images around a mean near 0.1). The service may use this mean instead of
    running the surrogate on every query (docs/PERFORMANCE.md, "The cost of each defense"); it is
    taken over the victim's own training images, the inputs benign clients resemble."""
    probs = predict_probs(surrogate, images).astype(np.float64)
    return [round(float(v), 7) for v in probs.mean(axis=0)]


def write_manifest(manifest, folder):
    with open(os.path.join(folder, "fmnist-cnn.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def update_surrogate_posterior(folder):
    train_x, _ = data.load("train")
    surrogate = load_onnx_weights(os.path.join(folder, "fmnist-cnn-surrogate.onnx"))
    with open(os.path.join(folder, "fmnist-cnn.json")) as f:
        manifest = json.load(f)
    manifest["surrogateMeanPosterior"] = surrogate_mean_posterior(surrogate, train_x[data.VICTIM_TRAIN])
    write_manifest(manifest, folder)
    print("surrogateMeanPosterior", manifest["surrogateMeanPosterior"])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--vectors", type=int, default=256)
    parser.add_argument("--out", default=os.path.join(ROOT, "models"))
    parser.add_argument("--surrogate-posterior-only", action="store_true")
    args = parser.parse_args()
    if args.surrogate_posterior_only:
        update_surrogate_posterior(args.out)
        return

    use_all_cores()
    torch.manual_seed(args.seed)
    train_x, train_y = data.load("train")
    test_x, test_y = data.load("test")
    victim = FashionCnn()
    started = time.time()
    train(victim, train_x[data.VICTIM_TRAIN], train_y[data.VICTIM_TRAIN], args.epochs, args.seed,
          progress=lambda e: print(f"epoch {e + 1}/{args.epochs}: test accuracy "
                                   f"{accuracy(victim, test_x, test_y):.4f} ({time.time() - started:.0f} s)",
                                   flush=True))
    test_accuracy = accuracy(victim, test_x, test_y)

    torch.manual_seed(args.seed + 1000)
    surrogate = FashionCnn()  # randomly initialised, seeded: MAD's chance-level surrogate

    os.makedirs(args.out, exist_ok=True)
    export(victim, os.path.join(args.out, "fmnist-cnn.onnx"))
    export(surrogate, os.path.join(args.out, "fmnist-cnn-surrogate.onnx"))
    write_vectors(victim, surrogate, test_x[:args.vectors], test_y[:args.vectors],
                  os.path.join(args.out, "testvectors"))
    torch.save(victim.state_dict(), os.path.join(ROOT, "lab", ".cache", "victim.pt")) \
        if os.path.isdir(os.path.join(ROOT, "lab", ".cache")) else None
    manifest = {
        "name": "fmnist-cnn", "file": "fmnist-cnn.onnx", "surrogate": "fmnist-cnn-surrogate.onnx",
        "inputName": "input", "probabilitiesOutput": "probs", "embeddingOutput": "embedding",
        "inputShape": [1, 28, 28], "classes": 10, "embeddingLength": 128, "labels": data.LABELS,
        "scaling": "pixel / 255 (range [0, 1])", "trainImages": "0-49999",
        "testAccuracy": round(test_accuracy, 4), "epochs": args.epochs, "seed": args.seed,
        "surrogateMeanPosterior": surrogate_mean_posterior(surrogate.eval(), train_x[data.VICTIM_TRAIN]),
    }
    write_manifest(manifest, args.out)
    print(f"victim test accuracy {test_accuracy:.4f}; trained in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
