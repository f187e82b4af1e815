#!/usr/bin/env bash
# Puts ONNX Runtime 1.30's native library at .tools/onnxruntime/libonnxruntime.so.1 (git-ignored).
# It ships inside the npm package onnxruntime-node@1.30.0; only the linux-x64 .so is taken and no
# install script runs. Idempotent. ORT_TARBALL may name an already downloaded tarball.
set -euo pipefail
cd "$(dirname "$0")/.."

target=.tools/onnxruntime/libonnxruntime.so.1
[ -s "$target" ] && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=${ORT_TARBALL:-}
if [ -n "$tarball" ] && [ ! -f "$tarball" ]; then
  echo "fetch-onnxruntime: ORT_TARBALL=$tarball is not a file" >&2
  exit 1
fi
if [ -z "$tarball" ]; then
  echo "fetch-onnxruntime: npm pack onnxruntime-node@1.30.0 (about 113 MB)" >&2
  # npm pack only downloads; --ignore-scripts makes sure no lifecycle script of the package runs.
  name=$(cd "$work" && npm pack --silent --ignore-scripts onnxruntime-node@1.30.0 | tail -n 1)
  tarball="$work/$name"
fi
tar -xzf "$tarball" -C "$work" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
mkdir -p "$(dirname "$target")"
mv "$work/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$target.partial"
mv "$target.partial" "$target"
echo "fetch-onnxruntime: $target ($(du -h "$target" | cut -f1))" >&2
