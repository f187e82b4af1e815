"""Writes predict bodies of real test images (models/testvectors) for wrk: batches of 1, 16, 64, 256."""
import json
import os
import struct

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
raw = open(os.path.join(root, "models", "testvectors", "fmnist-cnn.inputs.f32"), "rb").read()
values = struct.unpack(f"<{len(raw) // 4}f", raw)
images = [values[i * 784:(i + 1) * 784] for i in range(len(values) // 784)]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bodies")
os.makedirs(out, exist_ok=True)
for batch in (1, 16, 64, 256):
    for i in range(16):
        rows = [[round(v, 4) for v in images[(i * batch + j) % len(images)]] for j in range(batch)]
        with open(os.path.join(out, f"batch{batch}-{i}.json"), "w") as f:
            json.dump({"inputs": rows}, f, separators=(",", ":"))
