#!/usr/bin/env bash
# The CUDA path on a machine with an NVIDIA GPU: builds benchmarks/GpuCheck (with the Gpu package), runs
# the victim on ONNX Runtime's CUDA execution provider, compares it with PyTorch's exported test vectors
# (max abs difference <= 1e-4) and prints rows/s at batch 1, 64 and 256 on CUDA and CPU side by side.
# Needs the NVIDIA driver and CUDA 13 + cuDNN 9 runtime libraries (libcublasLt.so.13, libcudnn.so.9, ...)
# on the loader's path. Exits 2 when there is no CUDA device, 3 when ONNX Runtime cannot load CUDA.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! [ -e /dev/nvidia0 ] && ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu-check: no CUDA device on this machine (no /dev/nvidia0, nvidia-smi finds none); run it on a machine with an NVIDIA GPU" >&2
  exit 2
fi

dotnet build benchmarks/GpuCheck/Mirage.GpuCheck.csproj -c Release --nologo -v quiet -clp:ErrorsOnly >&2
exec dotnet benchmarks/GpuCheck/bin/Release/net10.0/Mirage.GpuCheck.dll "$PWD"
