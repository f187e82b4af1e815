#!/usr/bin/env bash
# The lab's set-up on a fresh Debian machine (as root): Debian's PyTorch and friends, Fashion-MNIST,
# and OpenBLAS (Debian's torch otherwise trains on the reference BLAS, several times slower).
# Idempotent: installs only what is missing.
set -euo pipefail

packages=(python3-torch python3-numpy python3-scipy python3-matplotlib python3-tqdm python3-skimage
          python3-sklearn python3-onnx dataset-fashion-mnist libopenblas0-pthread)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "lab/setup.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
