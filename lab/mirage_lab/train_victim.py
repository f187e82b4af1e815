"""Train the victim CNN on Fashion-MNIST train images 0-49,999 and export ONNX + test vectors.

    /usr/bin/python3 -m mirage_lab.train_victim [--epochs 6] [--seed 1234]   (run from lab/)
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from . import MODELS_DIR, set_threads
from . import data
from .models import ExportWrapper, make_model
from .train import accuracy, fit

N_VECTORS = 256


def export_onnx(net, path, opset: int) -> None:
    wrapper = ExportWrapper(net).eval()
    dummy = torch.zeros(1, 1, 28, 28, dtype=torch.float32)
    torch.onnx.export(
        wrapper, dummy, str(path), opset_version=opset,
        input_names=["input"], output_names=["probs", "embedding"],
        dynamic_axes={"input": {0: "N"}, "probs": {0: "N"}, "embedding": {0: "N"}},
        do_constant_folding=True)


def check_onnx(path) -> None:
    import onnx
    m = onnx.load(str(path))
    onnx.checker.check_model(m)
    names_in = [i.name for i in m.graph.input]
    names_out = [o.name for o in m.graph.output]
    assert names_in == ["input"], names_in
    assert names_out == ["probs", "embedding"], names_out


@torch.no_grad()
def outputs(net, x: np.ndarray):
    probs, emb = ExportWrapper(net).eval()(torch.from_numpy(x))
    return probs.numpy().astype("<f4"), emb.numpy().astype("<f4")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--surrogate-seed", type=int, default=4321)
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--out", default=str(MODELS_DIR))
    args = ap.parse_args()
    set_threads()
    import pathlib
    out = pathlib.Path(args.out)
    (out / "testvectors").mkdir(parents=True, exist_ok=True)

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    xtr, ytr = data.victim_train()
    xte, yte = data.test()
    net = make_model(args.seed)
    print(f"training victim on {len(xtr)} images, {args.epochs} epochs, seed {args.seed}", flush=True)
    t0 = time.time()

    def on_epoch(e, loss, secs):
        print(f"epoch {e + 1}/{args.epochs} loss {loss:.4f} ({secs:.0f} s) "
              f"test acc {accuracy(net, xte, yte):.4f}", flush=True)
        net.train()

    fit(net, xtr, ytr, epochs=args.epochs, seed=args.seed, on_epoch=on_epoch)
    train_seconds = time.time() - t0
    net.eval()
    acc = accuracy(net, xte, yte)
    print(f"test accuracy {acc:.4f} after {train_seconds:.0f} s", flush=True)

    surrogate = make_model(args.surrogate_seed).eval()
    export_onnx(net, out / "fmnist-cnn.onnx", args.opset)
    export_onnx(surrogate, out / "fmnist-cnn-surrogate.onnx", args.opset)
    check_onnx(out / "fmnist-cnn.onnx")
    check_onnx(out / "fmnist-cnn-surrogate.onnx")
    torch.save(net.state_dict(), out / "fmnist-cnn.pt")  # for the lab's local oracle (kept small)

    meta = {"name": "fmnist-cnn", "file": "fmnist-cnn.onnx", "surrogate": "fmnist-cnn-surrogate.onnx",
            "inputName": "input", "probabilitiesOutput": "probs", "embeddingOutput": "embedding",
            "inputShape": [1, 28, 28], "classes": 10, "embeddingLength": 128, "labels": data.LABELS,
            "scaling": "pixel / 255 (range [0, 1])", "trainImages": "0-49999",
            "testAccuracy": round(acc, 4), "epochs": args.epochs, "seed": args.seed,
            "surrogateSeed": args.surrogate_seed, "opset": args.opset,
            "trainSeconds": round(train_seconds, 1), "torch": torch.__version__}
    (out / "fmnist-cnn.json").write_text(json.dumps(meta, indent=2) + "\n")

    tv = out / "testvectors"
    x = np.ascontiguousarray(xte[:N_VECTORS], dtype="<f4")
    probs, emb = outputs(net, x)
    sprobs, _ = outputs(surrogate, x)
    x.tofile(tv / "fmnist-cnn.inputs.f32")
    probs.tofile(tv / "fmnist-cnn.probs.f32")
    emb.tofile(tv / "fmnist-cnn.embedding.f32")
    sprobs.tofile(tv / "fmnist-cnn-surrogate.probs.f32")
    yte[:N_VECTORS].astype(np.uint8).tofile(tv / "fmnist-cnn.labels.u8")
    print(f"exported to {out}; vectors: top-1 agreement with labels "
          f"{(probs.argmax(1) == yte[:N_VECTORS]).mean():.4f}", flush=True)


if __name__ == "__main__":
    main()
