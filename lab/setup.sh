#!/usr/bin/env bash
# Idempotent set-up of the attack lab's Python environment on a fresh Debian machine (run as root).
# Installs Debian's PyTorch and friends, the Fashion-MNIST data set and OpenBLAS (fast BLAS for torch).
# Does nothing if every package is already installed.
set -euo pipefail

PACKAGES=(python3-torch python3-numpy python3-scipy python3-matplotlib python3-tqdm
          python3-skimage python3-sklearn python3-onnx dataset-fashion-mnist libopenblas0-pthread)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "lab/setup.sh: all packages present"
else
  if [ "$(id -u)" -ne 0 ]; then
    echo "lab/setup.sh: missing ${missing[*]}; run as root" >&2
    exit 1
  fi
  echo "lab/setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Check: Debian's interpreter (not a pyenv one) imports everything the lab uses.
/usr/bin/python3 -c "import torch, numpy, scipy, sklearn, skimage, matplotlib, tqdm, onnx" \
  && echo "lab/setup.sh: python imports ok (torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'))"
test -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz && echo "lab/setup.sh: fashion-mnist ok"
